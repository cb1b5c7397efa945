/// The local gradient of one edge, ∂y/∂x for input x of the op computing y, as the lecture draws
/// it: evaluated elementwise by running the op's own pullback (from `OpRules`, the one op table)
/// with an upstream gradient of ones. Matrix products and transposes have no elementwise local
/// gradient; they are described by the operand they multiply with.
enum LocalGradient {
    /// ∂y/∂(input `position`) at the given forward values, elementwise in y's shape (or x's shape
    /// for reductions); nil for matmul and transpose.
    static func evaluate(_ op: Op, input position: Int, in graph: Graph, values: (ValueID) -> [Double]) -> [Double]? {
        switch op.kind {
        case .matmul, .transpose: return nil
        default: break
        }
        var b = GraphBuilder()
        // The op again, on inputs that hold the forward values.
        let inputs = op.inputs.map { b.declare(graph[$0].name, graph[$0].shape, role: .variable) }
        let output = b.op(op.kind, inputs, name: graph[op.output].name, shape: graph[op.output].shape, comment: OpComment(""))
        let ones = b.declare("upstream", graph[op.output].shape, role: .variable)
        let copy = b.graph.ops.last!
        let adjointNames = inputs.map { "d" + b.name($0) }
        guard let local = OpRules.pullback(copy, ones, &b, dyText: "upstream", adjointNames: adjointNames, d: { "d/d\($0)" })[position] else { return nil }
        var interpreter = Interpreter(b.graph)
        for (id, original) in zip(inputs, op.inputs) { interpreter.feed(id, values(original)) }
        interpreter.feed(ones, [Double](repeating: 1, count: graph[op.output].shape.count))
        interpreter.run([output, local])
        return interpreter.value(local)
    }
}
