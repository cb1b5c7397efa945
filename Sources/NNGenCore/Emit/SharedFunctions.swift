/// The functions an outliner makes from emitted text, one per distinct declaration and body, so
/// that kernels computing the same thing compile once (`KernelOutliner` for networks,
/// `GraphOutliner` for graphs).
struct SharedFunctions {
    /// The start of every name; a function's number follows it.
    let prefix: String
    private var numbers: [String: Int] = [:]
    private var functions: [(signature: String, body: [String])] = []

    init(prefix: String) { self.prefix = prefix }

    /// The name of the function with this signature (what follows the name: parameters and
    /// result) and body, made on first use.
    mutating func name(signature: String, body: [String]) -> String {
        let key = signature + "\n" + body.joined(separator: "\n")
        if let n = numbers[key] { return prefix + "\(n)" }
        numbers[key] = functions.count
        functions.append((signature, body))
        return prefix + "\(functions.count - 1)"
    }

    /// Writes every function, in the order they were made, each with `doc` and `modifiers`.
    func emit(doc: String, modifiers: String, _ w: inout CodeWriter) {
        for (n, function) in functions.enumerated() {
            Self.emitFunction(doc: doc, declaration: "\(modifiers)static func \(prefix)\(n)\(function.signature)", &w) { w in
                for line in function.body { w.line(line) }
            }
        }
    }

    /// Writes one `@inline(never)` function after an empty line: the outlined code is called from
    /// one place per use, and inlined back it would make the large function it was taken from.
    static func emitFunction(doc: String, declaration: String, _ w: inout CodeWriter, body: (inout CodeWriter) -> Void) {
        w.line("")
        w.doc(doc)
        w.line("@inline(never)")
        w.block(declaration + " {", body)
    }
}
