/// `nngen graph`: a spec's computational graph in Graphviz DOT. Inputs and params are plain
/// labels, each op a node labelled with its op and shape; with values, every edge carries the
/// forward value (green, above) and the gradient flowing back along it (red, below), as in the
/// lecture's figures.
public enum GraphDrawing {
    /// Colours of the two numbers on an edge.
    static let forwardColor = "#1a7f37", gradientColor = "#cf222e"

    /// The drawing of a graph spec, with values on the edges when `values` is given.
    public static func dot(_ model: GraphModel, at values: [[Double]]?) -> String {
        let graph = model.graph
        let evaluation = values.map { model.interpret($0) }
        var w = DotWriter(title: model.spec.name, legend: evaluation != nil)
        for variable in model.spec.variables {
            w.node(id: variable.name, label: "\(variable.name)\n\(variable.shape)", shape: "plaintext")
        }
        let producers = graph.producers
        var products: [String: ValueID] = [:]
        for edge in model.edges { products["\(edge.op):\(edge.input)"] = edge.product }
        for (node, id) in zip(model.spec.nodes, model.nodes) {
            let opIndex = producers[id.index]!
            w.node(id: node.name, label: "\(symbol(node.op))\n\(node.name): \(node.shape)", shape: "ellipse")
            for (position, input) in graph.ops[opIndex].inputs.enumerated() {
                let source: String
                if case .constant(let c) = graph[input].role {
                    source = "_literal_\(opIndex)_\(position)"
                    w.node(id: source, label: NumberFormat.number(c, digits: 6), shape: "plaintext")
                } else {
                    source = graph[input].name
                }
                let gradient = products["\(opIndex):\(position)"]
                w.edge(from: source, to: node.name, label: evaluation.map { e in
                    (format(e.interpreter.value(input), graph[input].shape), gradient.map { format(e.interpreter.value($0), graph[input].shape) })
                })
            }
        }
        let output = "_output"
        w.node(id: output, label: model.spec.output, shape: "plaintext")
        w.edge(from: model.spec.output, to: output, label: evaluation.map { (format([$0.value], .scalar), "1") })
        return w.text
    }

    /// The drawing of a network spec: one node per op of the forward pass and the loss.
    public static func dot(_ model: NetworkModel) -> String {
        let graph = model.graph
        var w = DotWriter(title: model.spec.name, legend: false)
        let last = model.loss ?? model.scores
        let ops = graph.opsNeeded(for: [last])
        var drawn = Set<ValueID>()
        let producers = graph.producers
        for i in ops {
            let op = graph.ops[i]
            for input in op.inputs where !drawn.contains(input) && producers[input.index] == nil {
                drawn.insert(input)
                let v = graph[input]
                if case .constant(let c) = v.role {
                    w.node(id: v.name, label: NumberFormat.number(c, digits: 6), shape: "plaintext")
                } else {
                    w.node(id: v.name, label: "\(v.name)\n\(v.shape)", shape: "plaintext")
                }
            }
            w.node(id: graph[op.output].name, label: "\(symbol(op.kind))\n\(graph[op.output].name): \(graph[op.output].shape)", shape: "ellipse")
            for input in op.inputs { w.edge(from: graph[input].name, to: graph[op.output].name, label: nil) }
        }
        return w.text
    }

    private static func format(_ data: [Double], _ shape: Shape) -> String {
        NumberFormat.array(data, shape, digits: 4, limit: 4)
    }

    static func symbol(_ op: GraphOp) -> String {
        switch op {
        case .binary(let f): return symbol(OpKind.binary(f))
        case .matmul: return "matmul"
        case .sumSquares: return "Σ x²"
        case .sum: return "Σ"
        default: return op.name
        }
    }

    static func symbol(_ kind: OpKind) -> String {
        switch kind {
        case .unary(let f): return f.description
        case .binary(.add): return "+"
        case .binary(.sub): return "−"
        case .binary(.mul): return "×"
        case .binary(.div): return "÷"
        case .binary(let f): return "\(f)"
        case .matmul: return "matmul"
        case .transpose: return "transpose"
        case .sum: return "Σ"
        case .mean: return "mean"
        case .sumSquares: return "Σ x²"
        case .dot: return "dot"
        case .loss(let loss): return loss.function.label
        case .im2col(let g): return "im2col \(g.rows.kernel)×\(g.columns.kernel)"
        case .col2im(let g): return "col2im \(g.rows.kernel)×\(g.columns.kernel)"
        case .convolution(let c): return "conv \(c.window.rows.kernel)×\(c.window.columns.kernel)"
        case .convolutionFilterGradient(let c): return "∂W conv \(c.window.rows.kernel)×\(c.window.columns.kernel)"
        case .pool(let p): return "\(p.kind.specName) \(p.window.rows.kernel)×\(p.window.columns.kernel)"
        case .poolGradient(let p): return "∂\(p.kind.specName) \(p.window.rows.kernel)×\(p.window.columns.kernel)"
        case .batchStatistics: return "μ, σ²"
        case .normalize: return "normalize"
        case .normalizeGradient: return "∂normalize"
        default: return "\(kind)"
        }
    }
}

/// Accumulates a Graphviz `digraph`. Every id is quoted, so names such as `node` or `graph`
/// (DOT keywords) are safe; ids and labels come from identifiers, shapes and numbers only.
struct DotWriter {
    private var lines: [String]

    init(title: String, legend: Bool) {
        lines = [
            "\(OutputWriter.headerPrefix): the computational graph of \(title). Render: dot -Tsvg FILE.dot -o FILE.svg",
            "digraph \"\(title)\" {",
            "  rankdir=LR;",
            "  fontname=\"Helvetica\";",
            "  node [fontname=\"Helvetica\", fontsize=12];",
            "  edge [fontname=\"Helvetica\", fontsize=11];",
        ]
        if legend {
            lines.append("  labelloc=b;")
            lines.append("  label=<<font color=\"\(GraphDrawing.forwardColor)\">forward value</font> above each edge, <font color=\"\(GraphDrawing.gradientColor)\">gradient</font> below>;")
        }
    }

    mutating func node(id: String, label: String, shape: String) {
        lines.append("  \"\(id)\" [shape=\(shape), label=\"\(label.replacingNewlines)\"];")
    }

    /// An edge; `label` is (forward value, gradient) when values are known.
    mutating func edge(from: String, to: String, label: (String, String?)?) {
        guard let (forward, gradient) = label else {
            lines.append("  \"\(from)\" -> \"\(to)\";")
            return
        }
        var html = "<font color=\"\(GraphDrawing.forwardColor)\">\(forward)</font>"
        if let gradient { html += "<br/><font color=\"\(GraphDrawing.gradientColor)\">\(gradient)</font>" }
        lines.append("  \"\(from)\" -> \"\(to)\" [label=<\(html)>];")
    }

    var text: String { (lines + ["}"]).joined(separator: "\n") + "\n" }
}

private extension String {
    /// `\n` escapes for DOT's quoted strings.
    var replacingNewlines: String { split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\\n") }
}
