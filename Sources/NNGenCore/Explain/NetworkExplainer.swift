/// `nngen explain` for a network spec: the forward pass layer by layer and the backward pass step
/// by step, each op with its formula and the shape of what it computes.
public enum NetworkExplainer {
    /// The explanation of `model`; `sourceName` is the spec's file.
    public static func explain(_ model: NetworkModel, sourceName: String) -> String {
        let spec = model.spec, graph = model.graph
        var lines: [String] = []
        let layers = [spec.inputSummary] + spec.layers.map(\.summary)
        lines.append("\(spec.name) (\(Header.safeName(Generator.fileName(sourceName)))): \(layers.joined(separator: " → ")); batch \(spec.batch), \(spec.scalar.rawValue)")
        lines.append("")
        lines.append("Forward pass, layer by layer (rows are the \(spec.batch) examples of a batch):")
        lines.append("  x   input \(graph[model.inputs].shape)")
        func step(_ i: Int) -> String {
            let op = graph.ops[i]
            return "    \(op.comment.text)   → \(graph[op.output].shape)"
        }
        for (number, (layer, ops)) in zip(spec.layers, model.layerOps).enumerated() {
            lines.append("  layer \(number + 1): \(layer.summary)" + (layer.name.map { " (\($0))" } ?? ""))
            lines += ops.map(step)
        }
        guard let loss = model.loss else {
            lines.append("")
            lines.append("The spec has no loss: inference only, no backward pass.")
            return lines.joined(separator: "\n") + "\n"
        }
        let lastLayerOp = model.layerOps.last?.upperBound ?? 0
        let lossOp = graph.producers[loss.index]!
        lines.append("  loss")
        lines += (lastLayerOp...lossOp).map(step)
        lines.append("")
        lines.append("Backward pass, from L back to every parameter; each step is a chain-rule product:")
        let needed = Set(graph.opsNeeded(for: model.gradients.map(\.adjoint)))
        for i in (lossOp + 1)..<graph.ops.count where needed.contains(i) {
            lines.append(step(i))
        }
        lines.append("")
        lines.append("Gradient, in the parameter layout:")
        for p in model.parameters {
            lines.append("  dL/d\(p.name)   \(Shape(p.shape)) at \(p.offset)..<\(p.offset + p.count)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
