/// Emits the Swift source of a graph spec: a struct with one stored property per input and
/// param, `value()`, `valueAndGradient()` and `Gradient` (docs/GENERATED-API.md, "Graph form").
public struct GraphEmitter {
    public let model: GraphModel
    /// The spec's file name, for the header.
    public let sourceName: String
    let statements: GraphStatements
    /// Set when the graph is large enough to be emitted in parts (see `GraphOutliner`).
    let outliner: GraphOutliner?
    /// False for `--no-fusion` (every helper a statement of its own), which the header repeats.
    let fusion: Bool

    /// Prepares `model` for emission; ops with at most `unrollLimit` scalar operations are written
    /// element by element.
    /// Without `fusion`, every helper value is a statement of its own.
    public init(model: GraphModel, sourceName: String, unrollLimit: Int, fusion: Bool = true) {
        self.model = model
        self.sourceName = sourceName
        self.fusion = fusion
        let inline = GraphStatements(model: model, unrollLimit: unrollLimit, fusion: fusion)
        if GraphOutliner.isNeeded(inline) {
            statements = GraphStatements(model: model, unrollLimit: min(unrollLimit, GraphOutliner.unrollLimit), fusion: fusion, outlined: true)
            outliner = GraphOutliner(statements)
        } else {
            statements = inline
            outliner = nil
        }
    }

    var spec: GraphSpec { model.spec }
    var hasArrays: Bool { spec.variables.contains { !$0.shape.isScalar } }

    /// The whole emitted file.
    public func render() -> String {
        var w = CodeWriter()
        Header.emit(sourceName: sourceName, fusion: fusion, &w)
        w.line("")
        summary(&w)
        w.block("public struct \(spec.name): Sendable {") { w in
            w.line("public typealias Scalar = \(spec.scalar.rawValue)")
            w.line("")
            properties(&w)
            initializer(&w)
            w.line("")
            gradientType(&w)
            w.line("")
            value(&w)
            w.line("")
            valueAndGradient(&w)
            w.line("")
            nodesType(&w)
            w.line("")
            nodes(&w)
            outliner?.emitFunctions(&w)
            if hasArrays {
                w.line("")
                SupportEmitter.inputError(labels: false, &w)
                w.line("")
                SupportEmitter.recordCount(model: spec.name, &w)
            }
        }
        return w.text
    }

    private func describe(_ shape: Shape) -> String {
        shape.isScalar ? "a scalar" : "\(shape): \(shape.count) values" + (shape.dims.count == 2 ? ", row-major" : "")
    }

    private func summary(_ w: inout CodeWriter) {
        w.doc("\(spec.name): the computational graph of \(Header.safeName(sourceName)), in \(spec.scalar.rawValue).", "")
        for v in spec.variables {
            w.doc("- `\(v.name)`: \(v.isParam ? "param" : "input"), \(v.shape)")
        }
        let producers = model.graph.producers
        for (node, id) in zip(spec.nodes, model.nodes) {
            let comment = model.graph.ops[producers[id.index]!].comment.text
            w.doc("- `\(comment)`, \(node.shape)" + (node.name == spec.output ? " (the output)" : ""))
        }
        w.doc("", "`value()` evaluates `\(spec.output)`; `valueAndGradient()` also returns its gradient with respect to",
              "every input and param, computed by the backward pass written out below.")
    }

    private func properties(_ w: inout CodeWriter) {
        for v in spec.variables {
            let role = v.isParam ? "Param" : "Input"
            if v.shape.isScalar {
                w.doc("\(role) `\(v.name)`, a scalar.")
                w.line("public var \(v.name): Scalar")
            } else {
                w.doc("\(role) `\(v.name)`, \(describe(v.shape)). Setting another count traps, as an",
                      "out-of-range subscript does; `init` throws instead.")
                w.block("public var \(v.name): [Scalar] {") { w in
                    w.line("didSet { precondition(\(v.name).count == \(v.shape.count), \"\(spec.name).\(v.name) needs \(v.shape.count) values, got \\(\(v.name).count)\") }")
                }
            }
            w.line("")
        }
    }

    private func initializer(_ w: inout CodeWriter) {
        let arguments = spec.variables.map { "\($0.name): \(swiftType($0.shape))" }
        if hasArrays {
            w.doc("Every input and param, in the spec's order. Throws `InputError` when an array has the", "wrong count.")
        } else {
            w.doc("Every input and param, in the spec's order.")
        }
        w.list("public init(", arguments, ")\(hasArrays ? " throws" : "") {") { w in
            if hasArrays {
                // Checked at one `throw` (see `recordCount` in nngen's SupportEmitter).
                w.line("var _error: InputError?")
                for v in spec.variables where !v.shape.isScalar {
                    w.line("Self.checkCount(\(v.name).count, \"\(v.name)\", \(v.shape.count), &_error)")
                }
                w.line("if let _error { throw _error }")
            }
            for v in spec.variables { w.line("self.\(v.name) = \(v.name)") }
        }
    }

    /// `Scalar` for a scalar, `[Scalar]` (row-major) otherwise.
    private func swiftType(_ shape: Shape) -> String { shape.isScalar ? "Scalar" : "[Scalar]" }

    /// A public struct with one documented field per entry.
    private func fieldStruct(_ name: String, doc: String, _ fields: [(name: String, doc: String, shape: Shape)], _ w: inout CodeWriter) {
        w.doc(doc)
        w.block("public struct \(name): Sendable {") { w in
            for field in fields {
                w.doc("\(field.doc), \(field.shape.isScalar ? "a scalar" : "\(field.shape)").")
                // Outlined, the parts fill the fields one by one, so each starts empty (see `GraphOutliner`).
                let initial = outliner == nil ? "" : field.shape.isScalar ? " = 0" : " = []"
                w.line("public var \(field.name): \(swiftType(field.shape))" + initial)
            }
        }
    }

    private func gradientType(_ w: inout CodeWriter) {
        let f = spec.output
        fieldStruct("Gradient", doc: "The gradient of `\(f)`: d\(f)/d of every input and param, each in the shape of what it differentiates.",
                    spec.variables.map { ($0.name, "d\(f)/d\($0.name)", $0.shape) }, &w)
    }

    private func value(_ w: inout CodeWriter) {
        w.doc("`\(spec.output)` at the current inputs and params.")
        w.block("public func value() -> Scalar {") { w in
            w.line("nodes().\(spec.output)")
        }
    }

    private func nodesType(_ w: inout CodeWriter) {
        fieldStruct("Nodes", doc: "The value of every node of the graph, as the forward pass computes it.",
                    spec.nodes.map { ($0.name, "`\($0.name)`", $0.shape) }, &w)
    }

    private func nodes(_ w: inout CodeWriter) {
        w.doc("Every node at the current inputs and params: the forward pass, value by value.")
        w.block("public func nodes() -> Nodes {") { w in
            if let outliner {
                outliner.emitNodes(&w)
                return
            }
            statements.emit(computing: model.nodes, &w)
            let fields = zip(spec.nodes, model.nodes).map { "\($0.name): \(statements.names[$1])" }
            w.list("return Nodes(", fields, ")")
        }
    }

    private func valueAndGradient(_ w: inout CodeWriter) {
        w.doc("`\(spec.output)` and its gradient with respect to every input and param: the forward pass, then",
              "one backward pass that applies the chain rule node by node.")
        w.block("public func valueAndGradient() -> (value: Scalar, gradient: Gradient) {") { w in
            if let outliner {
                outliner.emitValueAndGradient(&w)
                return
            }
            // The forward pass is emitted once, in nodes(); the backward pass reads the nodes it needs.
            // (`_forward` cannot clash: spec names never start with an underscore.)
            w.line("let _forward = nodes()")
            let graph = model.graph, backward = graph.opsNeeded(for: model.gradients).filter { $0 >= model.firstBackwardOp }
            let read = Set(backward.flatMap { graph.ops[$0].inputs })
            for (node, id) in zip(spec.nodes, model.nodes) where read.contains(id) {
                w.line("let \(statements.names[id]) = _forward.\(node.name)")
            }
            statements.emit(computing: model.gradients, from: model.firstBackwardOp, &w)
            let fields = zip(spec.variables, model.gradients).map { "\($0.name): \(statements.names[$1])" }
            w.list("return (_forward.\(spec.output), Gradient(", fields, "))")
        }
    }
}
