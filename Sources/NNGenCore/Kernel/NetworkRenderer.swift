/// Renders kernels in the code of a network: every stored value is a pointer into the planned
/// storage (`p`, `g`, `s`, or the caller's `x`, `y`, `t`), a scalar its element 0, and a fused
/// value a local of its consumer's loop body.
struct NetworkRenderer: KernelRenderer {
    let plan: ExecutionPlan
    let names: ValueNames
    /// Values a rewrite keeps elsewhere than the plan says, by the pointer that holds them.
    var overrides: [ValueID: String] = [:]

    /// Element `index` of `id` as the code reads or writes it.
    func spell(_ id: ValueID, _ index: String?) -> String {
        if let pointer = overrides[id] { return "\(pointer)[\(index ?? "0")]" }
        switch plan.location(id) {
        case .fused: return names[id]
        case .literal(let text): return text.hasPrefix("-") ? "(\(text))" : text
        case .pointer: return "\(names[id])[\(index ?? "0")]"
        }
    }

    func renderStorage(_ statement: KernelStatement, _ w: inout CodeWriter) {
        switch statement {
        case .fill(let id, let value):
            w.block("for i in 0..<\(plan.graph[id].shape.count) {") { w in w.line("\(spell(id, "i")) = \(text(value))") }
        case .copy(let id, let source):
            w.block("for i in 0..<\(plan.graph[id].shape.count) {") { w in w.line("\(spell(id, "i")) = \(spell(source, "i"))") }
        case .define(let id, let value):
            w.line("let \(names[id]): Scalar = \(text(value))")
        case .call(let name, let arguments, let note):
            w.line("\(name)(\(arguments.map(argument).joined(separator: ", ")))" + (note.map { "  // \($0)" } ?? ""))
        case .callWithEpilogue(let name, let arguments, let rowLength, let body):
            // The index in wrapping arithmetic: with the block's bounds known only at run time, a
            // checked `r * n + c` may trap, and a loop that may trap does not vectorize (the
            // epilogue ran 2× slower that way). It cannot wrap: i < m·n, the count of C's elements.
            w.block("\(name)(\(arguments.map(argument).joined(separator: ", "))) { row, rows, column, columns in") { w in
                w.block("for r in row..<row + rows {") { w in
                    w.block("for c in column..<column + columns {") { w in
                        w.line("let i = r &* \(rowLength) &+ c")
                        render(body, &w)
                    }
                }
            }
        default:
            preconditionFailure("\(statement) is not a storage statement")
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
