/// What both renderers share: statements that mean the same wherever values live. A renderer
/// spells value elements and writes the statements that depend on storage (`fill`, `copy`,
/// `define`, `call`).
protocol KernelRenderer {
    /// Element `index` of `id` as the code reads or writes it (the index already rendered).
    func spell(_ id: ValueID, _ index: String?) -> String
    /// Writes a statement whose spelling depends on where values live.
    func renderStorage(_ statement: KernelStatement, _ w: inout CodeWriter)
}

extension KernelRenderer {
    /// The source text of an expression.
    func text(_ e: SwiftExpression) -> String { e.render(spell) }

    func render(_ statements: [KernelStatement], _ w: inout CodeWriter) {
        for statement in statements { render(statement, &w) }
    }

    func render(_ statement: KernelStatement, _ w: inout CodeWriter) {
        switch statement {
        case .loop(let counter, let lower, let upper, let filter, let body):
            w.block("for \(counter) in \(lower)..<\(upper)\(filter.map { " where \(text($0))" } ?? "") {") { w in render(body, &w) }
        case .local(let name, let type, let value, let mutable):
            w.line("\(mutable ? "var" : "let") \(name)\(type.map { ": \($0.rawValue)" } ?? "") = \(text(value))")
        case .update(let name, let op, let value):
            w.line("\(name) \(op.rawValue) \(text(value))")
        case .store(let id, let index, let op, let value):
            w.line("\(spell(id, index.map(text))) \(op.rawValue) \(text(value))")
        case .scope(let body):
            w.block("do {") { w in render(body, &w) }
        case .fill, .copy, .define, .call, .callWithEpilogue:
            renderStorage(statement, &w)
        }
    }
}
