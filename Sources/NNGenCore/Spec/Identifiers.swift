/// The rules every name from a spec must follow before it can reach the emitted source.
///
/// Names are checked against the identifier grammar, Swift's keywords and the names the emitted
/// code uses itself; nothing else is ever interpolated into generated code.
public enum Identifiers {
    /// Swift keywords (declarations, statements, expressions, and contextual ones that matter).
    public static let swiftKeywords: Set<String> = [
        "associatedtype", "borrowing", "class", "consuming", "deinit", "enum", "extension",
        "fileprivate", "func", "import", "init", "inout", "internal", "let", "nonisolated",
        "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
        "static", "struct", "subscript", "typealias", "var", "break", "case", "catch",
        "continue", "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in",
        "repeat", "return", "throw", "switch", "where", "while", "Any", "as", "await", "false",
        "is", "nil", "self", "Self", "super", "throws", "true", "try", "_", "async", "actor",
        "some", "any", "macro", "package", "Type", "Protocol", "each", "discard", "then",
    ]

    /// Names every emitted file declares or uses itself (types and math functions).
    static let reservedEverywhere: Set<String> = [
        "Scalar", "Error", "Sendable", "Int", "UInt64", "UInt32", "Float", "Double", "Bool",
        "String", "Array", "Swift", "Gradient", "InputError", "Optional", "Never", "Void",
        "Character", "exp", "log", "tanh", "sqrt", "expm1", "max", "min", "precondition",
        "checkCount", "value", "valueAndGradient", "gradient",
    ]

    /// Names the emitted code of a network declares or uses itself, which a spec may not take.
    public static let reservedByGeneratedCode: Set<String> = reservedEverywhere.union([
        "Workspace", "Random", "Vector", "UnsafeMutablePointer", "UnsafePointer", "UnsafeBufferPointer",
        "UnsafeMutableBufferPointer", "parameters", "inputs", "labels", "targets", "workspace",
        "scores", "loss", "lossAndGradient", "trainStep", "seed", "storage", "batchSize",
        "inputCount", "outputCount", "parameterCount",
        "p", "x", "y", "g", "s", "t", "i", "j", "k", "o", "r",
    ])

    /// Names the emitted code of a graph uses itself. Its loop counters and scratch names all
    /// start with `_`, which spec names cannot, so `x`, `y`, `W` and the like stay available.
    public static let reservedByGraphCode: Set<String> = reservedEverywhere.union(["Nodes", "nodes"])

    /// The longest name accepted: longer ones only bloat every line of code that mentions them.
    public static let maximumLength = 128

    /// `text` quoted for a diagnostic, cut at 60 characters (`Diagnostic` escapes the rest).
    static func shown(_ text: String) -> String {
        "'" + String(text.unicodeScalars.prefix(60)) + (text.unicodeScalars.count > 60 ? "…'" : "'")
    }

    /// True when `name` matches `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        func letter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" }
        func digit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
        return letter(first) && name.unicodeScalars.allSatisfy { letter($0) || digit($0) }
    }

    /// Why `name` cannot be a model type name, or nil when it can.
    public static func problemWithTypeName(_ name: String) -> String? {
        if !isIdentifier(name) { return "\(shown(name)) is not a Swift identifier ([A-Za-z_][A-Za-z0-9_]*)" }
        if name.utf8.count > maximumLength { return "'\(name.prefix(20))…' is longer than \(maximumLength) characters" }
        if !(name.first!.isUppercase) { return "model name '\(name)' must be UpperCamelCase (start with a capital letter)" }
        if swiftKeywords.contains(name) { return "'\(name)' is a Swift keyword" }
        if reservedByGeneratedCode.contains(name) { return "'\(name)' is a name the generated code uses itself" }
        return nil
    }

    /// Why `name` cannot name a layer, or (with `reserved: reservedByGraphCode`) an input, param
    /// or node of a graph, or nil when it can.
    public static func problemWithValueName(_ name: String, reserved: Set<String> = reservedByGeneratedCode) -> String? {
        if !isIdentifier(name) { return "\(shown(name)) is not an identifier ([A-Za-z_][A-Za-z0-9_]*)" }
        if name.utf8.count > maximumLength { return "'\(name.prefix(20))…' is longer than \(maximumLength) characters" }
        if swiftKeywords.contains(name) { return "'\(name)' is a Swift keyword" }
        if reserved.contains(name) || name.hasPrefix("_") {
            return "'\(name)' is a name the generated code uses itself"
        }
        return nil
    }
}
