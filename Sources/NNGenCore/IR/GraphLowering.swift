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
        func unary(_ f: UnaryFunction, _ formula: String) -> ValueID { b.unary(f, x[0], name, "\(name) = \(formula)") }
        func binary(_ f: BinaryFunction, _ formula: String) -> ValueID { b.binary(f, x[0], x[1], name, "\(name) = \(formula)") }
        switch node.op {
        case .add: return binary(.add, "\(a[0]) + \(a[1])")
        case .sub: return binary(.sub, "\(a[0]) − \(a[1])")
        case .mul: return binary(.mul, "\(a[0]) · \(a[1])")
        case .div: return binary(.div, "\(a[0]) / \(a[1])")
        case .max: return binary(.max, "max(\(a[0]), \(a[1]))")
        case .min: return binary(.min, "min(\(a[0]), \(a[1]))")
        case .neg: return unary(.neg, "−\(a[0])")
        case .exp: return unary(.exp, "exp(\(a[0]))")
        case .log: return unary(.log, "ln(\(a[0]))")
        case .square: return unary(.square, "\(a[0])²")
        case .sqrt: return unary(.sqrt, "√\(a[0])")
        case .sigmoid: return unary(.sigmoid, "σ(\(a[0])) = 1 / (1 + exp(−\(a[0])))")
        case .tanh: return unary(.tanh, "tanh(\(a[0]))")
        case .relu: return unary(.relu, "max(0, \(a[0]))")
        case .leakyRelu:
            let alpha = node.alpha!
            return unary(.leakyRelu(alpha: alpha), "max(\(SwiftLiteral.real(alpha))·\(a[0]), \(a[0]))   (leaky ReLU)")
        case .elu:
            let alpha = node.alpha!
            return unary(.elu(alpha: alpha), "\(a[0]) where \(a[0]) ≥ 0, else \(SwiftLiteral.real(alpha))·(exp(\(a[0])) − 1)   (ELU)")
        case .matmul:
            let (ad, bd) = (shapes[0].dims, shapes[1].dims)
            // A vector on the left is a 1×k row, on the right a k×1 column.
            let m = ad.count == 2 ? ad[0] : 1, k = ad.last!, n = bd.count == 2 ? bd[1] : 1
            return b.op(.matmul(MatmulShape(m: m, k: k, n: n, transposeA: false, transposeB: false)), x, name: name,
                        shape: node.shape, comment: "\(name) = \(a[0])·\(a[1])   \(shapes[0])·\(shapes[1])")
        case .transpose:
            let d = shapes[0].dims
            return b.op(.transpose(rows: d[0], cols: d[1]), x, name: name, comment: "\(name) = \(a[0])ᵀ")
        case .dot: return b.op(.dot, x, name: name, comment: "\(name) = \(a[0])·\(a[1]) = Σ \(a[0])ᵢ\(a[1])ᵢ")
        case .sum: return b.op(.sum, x, name: name, comment: "\(name) = Σ \(a[0])")
        case .mean: return b.op(.mean, x, name: name, comment: "\(name) = Σ \(a[0]) / \(shapes[0].count)")
        case .sumSquares: return b.op(.sumSquares, x, name: name, comment: "\(name) = ‖\(a[0])‖² = Σ \(a[0])²")
        }
    }
}
