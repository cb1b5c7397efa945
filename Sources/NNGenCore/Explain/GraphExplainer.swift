/// `nngen explain` for a graph spec: the forward pass node by node, then the backward pass as
/// the lecture walks it, edge by edge: upstream gradient, local gradient, and their product.
public enum GraphExplainer {
    /// The explanation of `model` at `values` (one row-major array per input and param), or of
    /// its formulas alone when `values` is nil.
    public static func explain(_ model: GraphModel, at values: [[Double]]?, sourceName: String) -> String {
        let graph = model.graph, f = model.symbol
        let evaluation = values.map { model.interpret($0) }
        func value(_ id: ValueID) -> String? {
            evaluation.map { NumberFormat.array($0.interpreter.value(id), graph[id].shape) }
        }
        func d(_ id: ValueID) -> String { "d\(f)/d\(graph[id].name)" }
        let producers = graph.producers
        var lines: [String] = []
        let at = zip(model.spec.variables, values ?? []).map { "\($0.name) = \(NumberFormat.array($1, $0.shape))" }
        lines.append("\(model.spec.name) (\(Header.safeName(Generator.fileName(sourceName)))): \(f)" + (at.isEmpty ? ", formulas only (give values with --at NAME=VALUE)" : " at " + at.joined(separator: ", ")))
        lines.append("")
        lines.append("Forward pass, node by node:")
        for (variable, id) in zip(model.spec.variables, model.variables) {
            lines.append("  \(variable.name)" + (value(id).map { " = \($0)" } ?? "") + "   (\(variable.isParam ? "param" : "input"), \(variable.shape))")
        }
        for id in model.nodes {
            let formula = graph.ops[producers[id.index]!].comment.formula
            let note = id == model.output ? "\(graph[id].shape), the output" : "\(graph[id].shape)"
            lines.append("  \(formula)" + (value(id).map { " = \($0)" } ?? "") + "   (\(note))")
        }
        lines.append("")
        lines.append("Backward pass, from \(f) back to the inputs and params. Along each edge,")
        lines.append("gradient = upstream gradient × local gradient; where a value feeds several nodes, its gradients add.")
        var fanIn: [ValueID: Int] = [:]
        for edge in model.edges { fanIn[graph.ops[edge.op].inputs[edge.input], default: 0] += 1 }
        var previousOp: Int?
        for edge in model.edges {
            let op = graph.ops[edge.op], input = op.inputs[edge.input]
            if edge.op != previousOp {
                previousOp = edge.op
                let shared = (fanIn[op.output] ?? 0) > 1 ? ", the sum of its \(fanIn[op.output]!) edges" : ""
                lines.append("  at \(op.comment.formula): upstream \(d(op.output))" + (value(edge.upstream).map { " = \($0)" } ?? "") + shared)
            }
            lines.append("    edge \(graph[input].name) → \(graph[op.output].name): " + edgeText(edge, model, producers, evaluation, value: value, d: d))
        }
        lines.append("")
        lines.append("Gradient of \(f):")
        for (variable, id) in zip(model.variables, model.gradients) {
            let comment = graph.ops[producers[id.index]!].comment
            lines.append("  \(d(variable)) = " + (value(id) ?? productFormula(comment)))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One edge: its local gradient and the gradient it carries back.
    private static func edgeText(_ edge: Differentiator.Edge, _ model: GraphModel, _ producers: [Int?], _ evaluation: GraphModel.Evaluation?,
                                 value: (ValueID) -> String?, d: (ValueID) -> String) -> String {
        let graph = model.graph, op = graph.ops[edge.op], input = op.inputs[edge.input]
        let (x, y) = (graph[input].name, graph[op.output].name)
        let productComment = producers[edge.contribution.index].map { graph.ops[$0].comment } ?? OpComment("")
        let broadcast = edge.contribution != edge.product ? " (summed: \(x) was broadcast)" : ""
        let carried = "\(d(input)) = " + (value(edge.product).map { $0 + broadcast } ?? productFormula(productComment))
        switch op.kind {
        case .matmul:
            let other = op.inputs[1 - edge.input]
            let with = graph[other].name + (value(other).map { " = \($0)" } ?? "")
            return "\(y) is linear in \(x), with coefficients from \(with); \(d(input)) = \(productFormula(productComment))" +
                (value(edge.product).map { " = \($0)" } ?? "")
        case .transpose:
            return "∂\(y)ᵢⱼ/∂\(x)ⱼᵢ = 1 (a transpose moves gradients back); \(carried)"
        default:
            var formula = productComment.localGradient ?? "∂\(y)/∂\(x) = 1"
            if edge.contribution == edge.upstream { formula = "∂\(y)/∂\(x) = 1" }
            var local = "local \(formula)"
            guard let evaluation, let values = LocalGradient.evaluate(op, input: edge.input, in: graph, values: { evaluation.interpreter.value($0) }) else {
                return "\(local); \(carried)"
            }
            let shape = values.count == graph[op.output].shape.count ? graph[op.output].shape : graph[input].shape
            let localText = NumberFormat.array(values, shape)
            let rhs = rightHandSide(formula)
            if rhs != localText { local += (rhs.contains(" ") ? ": " : " = ") + localText }
            // Scalars show the product itself; arrays multiply elementwise (then sum where broadcast).
            let upstreamText = value(edge.upstream) ?? ""
            let product = shape.isScalar && graph[edge.upstream].shape.isScalar ? "\(upstreamText) × \(localText)" : "upstream × local"
            return "\(local); \(d(input)) = \(product) = \(value(edge.product)!)\(broadcast)"
        }
    }

    /// `df/dq · xᵀ` from a pullback's formula `df/dW = df/dq · xᵀ`.
    private static func productFormula(_ comment: OpComment) -> String { rightHandSide(comment.formula) }

    /// What follows the first `=` of `formula`, trimmed (all of it when there is none).
    private static func rightHandSide(_ formula: String) -> String {
        formula.split(separator: "=", maxSplits: 1).last.map { $0.trimming(" ") } ?? formula
    }
}

extension StringProtocol {
    /// Without leading and trailing characters in `set`.
    func trimming(_ set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
