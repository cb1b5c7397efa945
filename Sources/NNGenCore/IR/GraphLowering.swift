/// Lowers a graph spec to the IR (one op per node, on the same op table as networks) and
/// appends the backward pass.
public enum GraphLowering {
    /// Builds the model of `spec`.
    public static func lower(_ spec: GraphSpec) -> GraphModel {
        var b = GraphBuilder()
        var ids: [String: ValueID] = [:]
        let variables = spec.variables.map { v in
            let id = b.declare(v.name, v.shape, role: .variable)
            ids[v.name] = id
            return id
        }
        let nodes = spec.nodes.map { node in
            let operands = node.arguments.map { argument -> ValueID in
                switch argument {
                case .name(let name): return ids[name]!
                case .number(let value): return b.constant(value)
                }
            }
            let id = lowerNode(node, operands, &b)
            precondition(b.name(id) == node.name, "node '\(node.name)' was renamed")
            ids[node.name] = id
            return id
        }
        let output = ids[spec.output]!
        let firstBackwardOp = b.graph.ops.count
        let backward = Differentiator.differentiate(&b, output: output, variables: variables, symbol: spec.output, explicitEdges: true)
        return GraphModel(spec: spec, graph: b.graph, variables: variables, nodes: nodes, output: output,
                          gradients: backward.adjoints, edges: backward.edges, sums: backward.sums, firstBackwardOp: firstBackwardOp)
    }

    /// The single op of `node`, with a comment that states what it computes.
    private static func lowerNode(_ node: GraphSpec.Node, _ x: [ValueID], _ b: inout GraphBuilder) -> ValueID {
        let name = node.name
        let a = x.map { b.describe($0) }
        let shapes = x.map { b.shape($0) }
        switch node.op {
        case .binary(let f):
            return b.binary(f, x[0], x[1], name, "\(name) = \(f.formula(a[0], a[1]))")
        case .unary(let op):
            let f = UnaryFunction(op, node.attribute)
            return b.unary(f, x[0], name, OpComment("\(name) = \(f.formula(a[0]))", op.remark.map(OpComment.Detail.remark)))
        case .matmul:
            let (ad, bd) = (shapes[0].dims, shapes[1].dims)
            // A vector on the left is a 1×k row, on the right a k×1 column.
            let m = ad.count == 2 ? ad[0] : 1, k = ad.last!, n = bd.count == 2 ? bd[1] : 1
            return b.op(.matmul(MatmulShape(m: m, k: k, n: n, transposeA: false, transposeB: false)), x, name: name,
                        shape: node.shape, comment: OpComment("\(name) = \(a[0])·\(a[1])", .shapes("\(shapes[0])·\(shapes[1])")))
        case .transpose:
            let d = shapes[0].dims
            return b.op(.transpose(count: 1, rows: d[0], cols: d[1]), x, name: name, comment: "\(name) = \(a[0])ᵀ")
        case .dot: return b.op(.dot, x, name: name, comment: "\(name) = \(a[0])·\(a[1]) = Σ \(a[0])ᵢ\(a[1])ᵢ")
        case .sum: return b.op(.sum, x, name: name, comment: "\(name) = Σ \(a[0])")
        case .mean: return b.op(.mean, x, name: name, comment: "\(name) = Σ \(a[0]) / \(shapes[0].count)")
        case .sumSquares: return b.op(.sumSquares, x, name: name, comment: "\(name) = ‖\(a[0])‖² = Σ \(a[0])²")
        }
    }
}
