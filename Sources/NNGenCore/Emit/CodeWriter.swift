/// Accumulates emitted Swift source line by line, with indentation levels.
struct CodeWriter {
    private(set) var lines: [String] = []
    private var depth = 0

    /// Appends one line at the current indentation (an empty string gives an empty line).
    mutating func line(_ text: String = "") {
        lines.append(text.isEmpty ? "" : String(repeating: "    ", count: depth) + text)
    }

    /// Appends `opening`, the body one level deeper, then `closing`.
    mutating func block(_ opening: String, closing: String = "}", _ body: (inout CodeWriter) -> Void) {
        line(opening)
        depth += 1
        body(&self)
        depth -= 1
        line(closing)
    }

    /// Appends a `///` documentation comment, one line per element of `text`.
    mutating func doc(_ text: String...) {
        for t in text { line(t.isEmpty ? "///" : "/// " + t) }
    }

    /// The source text, ending with a newline.
    var text: String { lines.joined(separator: "\n") + "\n" }
}

/// Swift spelling of numbers, exact and the same on every machine.
enum SwiftLiteral {
    /// A literal for `value` that reads back as the same Double (shortest round-trip form).
    static func real(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }
}
