/// A graph spec lowered to the IR: one op per node, then the backward pass of the output with
/// respect to every input and param.
public struct GraphModel: Sendable {
    public let spec: GraphSpec
    public let graph: Graph
    /// One value per input and param, in the spec's order.
    public let variables: [ValueID]
    /// One value per node of `graph:`, in the spec's order.
    public let nodes: [ValueID]
    /// The `output:` node.
    public let output: ValueID
    /// d output / d variable, one per variable, in the spec's order.
    public let gradients: [ValueID]
    /// Every edge the backward pass crosses: upstream, local and product of the chain rule.
    public let edges: [Differentiator.Edge]
    /// The sums of edge gradients where a value feeds several nodes.
    public let sums: [ValueID]
    /// Index in `graph.ops` of the first op of the backward pass.
    public let firstBackwardOp: Int

    /// The output's name, which comments use as the symbol differentiated (`df/dx`).
    public var symbol: String { spec.output }
}
