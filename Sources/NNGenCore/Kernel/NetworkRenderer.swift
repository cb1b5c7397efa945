/// Renders kernels in the code of a network: every stored value is a pointer into the planned
/// storage (`p`, `g`, `s`, or the caller's `x`, `y`, `t`), a scalar its element 0, and a fused
/// value a local of its consumer's loop body.
struct NetworkRenderer {
    let plan: ExecutionPlan
    let names: ValueNames

    /// Element `index` of `id` as the code reads or writes it.
    func spell(_ id: ValueID, _ index: String?) -> String {
        switch plan.location(id) {
        case .fused: return names[id]
        case .literal(let text): return text.hasPrefix("-") ? "(\(text))" : text
        case .pointer: return "\(names[id])[\(index ?? "0")]"
        }
    }

    func render(_ statements: [KernelStatement], _ w: inout CodeWriter) {
        for statement in statements { render(statement, &w) }
    }

    private func text(_ e: SwiftExpression) -> String { e.render(spell) }

    private func render(_ statement: KernelStatement, _ w: inout CodeWriter) {
        switch statement {
        case .loop(let counter, let lower, let upper, let filter, let body):
            w.block("for \(counter) in \(lower)..<\(upper)\(filter.map { " where \(text($0))" } ?? "") {") { w in render(body, &w) }
        case .local(let name, let type, let value, let mutable):
            w.line("\(mutable ? "var" : "let") \(name)\(type.map { ": \($0.rawValue)" } ?? "") = \(text(value))")
        case .update(let name, let op, let value):
            w.line("\(name) \(op.rawValue) \(text(value))")
        case .store(let id, let index, let op, let value):
            w.line("\(spell(id, index.map(text))) \(op.rawValue) \(text(value))")
        case .fill(let id, let value):
            w.block("for i in 0..<\(plan.graph[id].shape.count) {") { w in w.line("\(spell(id, "i")) = \(text(value))") }
        case .copy(let id, let source):
            w.block("for i in 0..<\(plan.graph[id].shape.count) {") { w in w.line("\(spell(id, "i")) = \(spell(source, "i"))") }
        case .define(let id, let value):
            w.line("let \(names[id]): Scalar = \(text(value))")
        case .scope(let body):
            w.block("do {") { w in render(body, &w) }
        case .call(let name, let arguments, let note):
            w.line("\(name)(\(arguments.map(argument).joined(separator: ", ")))" + (note.map { "  // \($0)" } ?? ""))
        }
    }

    private func argument(_ a: KernelArgument) -> String {
        switch a {
        case .input(let id), .output(let id): return names[id]
        case .scratch(let offset): return "s + \(offset)"
        case .int(let n): return "\(n)"
        }
    }
}
