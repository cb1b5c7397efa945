/// Renders kernels in the code of a network: every stored value is a pointer into the planned
/// storage (`p`, `g`, `s`, or the caller's `x`, `y`, `t`), a scalar its element 0, and a fused
/// value a local of its consumer's loop body.
struct NetworkRenderer: KernelRenderer {
    let plan: ExecutionPlan
    let names: ValueNames
    /// Values a rewrite keeps elsewhere than the plan says, by the pointer that holds them.
    var overrides: [ValueID: String] = [:]
    /// When set, the kernel is the body of an outlined function: every stored value and scratch
    /// pointer it touches is one of that function's parameters (see `KernelOutliner`).
    var outlined: KernelOutliner.Parameters?

    init(plan: ExecutionPlan, names: ValueNames, overrides: [ValueID: String] = [:], outlined: KernelOutliner.Parameters? = nil) {
        self.plan = plan
        self.names = names
        self.overrides = overrides
        self.outlined = outlined
    }

    /// The pointer that holds a stored value, as the code names it: the pointer of the value whose
    /// storage it shares, if any (`ExecutionPlan.storageOwner(of:)`). A product's epilogue then
    /// reads and writes one pointer: through two equal ones, LLVM's run-time overlap check failed
    /// and the epilogue ran as scalar code (training steps with a shared C were 7–11% slower).
    private func pointer(_ id: ValueID) -> String {
        let owner = plan.storageOwner(of: id)
        return outlined?.name(for: .value(owner)) ?? names[owner]
    }
    /// The local that holds a fused value (numbered in an outlined kernel, so that kernels of
    /// layers of one shape have the same text).
    private func local(_ id: ValueID) -> String { outlined?.local(for: id) ?? names[id] }

    /// Element `index` of `id` as the code reads or writes it.
    func spell(_ id: ValueID, _ index: String?) -> String {
        if let pointer = overrides[id] { return "\(pointer)[\(index ?? "0")]" }
        switch plan.location(id) {
        case .fused: return local(id)
        case .literal(let text): return text.hasPrefix("-") ? "(\(text))" : text
        case .pointer: return "\(pointer(id))[\(index ?? "0")]"
        }
    }

    func renderStorage(_ statement: KernelStatement, _ w: inout CodeWriter) {
        switch statement {
        case .fill(let id, let value):
            w.block("for i in 0..<\(plan.graph[id].shape.count) {") { w in w.line("\(spell(id, "i")) = \(text(value))") }
        case .copy(let id, let source):
            w.block("for i in 0..<\(plan.graph[id].shape.count) {") { w in w.line("\(spell(id, "i")) = \(spell(source, "i"))") }
        case .define(let id, let value):
            w.line("let \(local(id)): Scalar = \(text(value))")
        case .call(let name, let arguments, let note):
            w.line("\(name)(\(arguments.map(argument).joined(separator: ", ")))" + (note.map { "  // \($0)" } ?? ""))
        case .callWithEpilogue(let name, let arguments, let rowLength, true, let body):
            // Whole rows: the block's elements are one run, i < m·n as below.
            w.block("\(name)(\(arguments.map(argument).joined(separator: ", "))) { row, rows, _, _ in") { w in
                w.block("for i in row &* \(rowLength)..<(row &+ rows) &* \(rowLength) {") { w in render(body, &w) }
            }
        case .callWithEpilogue(let name, let arguments, let rowLength, false, let body):
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
        case .input(let id), .output(let id): return pointer(id)
        case .scratch(let offset): return outlined?.name(for: .scratch(offset)) ?? "s + \(offset)"
        case .int(let n): return "\(n)"
        case .real(let x): return SwiftLiteral.real(x)
        case .none: return "nil"
        }
    }
}
