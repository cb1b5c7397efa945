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
        indented(body)
        line(closing)
    }

    /// Appends the body one level deeper (a branch of an `if … } else {` chain).
    mutating func indented(_ body: (inout CodeWriter) -> Void) {
        depth += 1
        body(&self)
        depth -= 1
    }

    /// Appends `head` + the comma-separated `items` + `tail`: on one line when it fits in 100
    /// columns, else one item per line. With `body`, `tail` opens a block (`) throws {`).
    mutating func list(_ head: String, _ items: [String], _ tail: String, body: ((inout CodeWriter) -> Void)? = nil) {
        let oneLine = head + items.joined(separator: ", ") + tail
        if String(repeating: "    ", count: depth).count + oneLine.count <= 100 {
            if let body { block(oneLine, body) } else { line(oneLine) }
            return
        }
        line(head)
        depth += 1
        for (i, item) in items.enumerated() { line(item + (i == items.count - 1 ? "" : ",")) }
        depth -= 1
        if let body { block(tail, body) } else { line(tail) }
    }

    /// Appends `let name = ["row", …].joined(separator: " ").split(separator: " ")`: words (no
    /// spaces or quotes in a word) in string literals of up to 90 columns, split at run time.
    /// Array literals of thousands of elements took `swiftc -O` tens of seconds (1,000 layers); a
    /// few hundred strings take under a second.
    mutating func words(_ name: String, _ words: [String]) {
        var rows: [String] = [], row = ""
        for word in words {
            if !row.isEmpty, row.count + 1 + word.count > 90 {
                rows.append(row)
                row = ""
            }
            row += (row.isEmpty ? "" : " ") + word
        }
        if !row.isEmpty { rows.append(row) }
        block("let \(name) = [", closing: "].joined(separator: \" \").split(separator: \" \")") { w in
            for (i, r) in rows.enumerated() { w.line("\"\(r)\"" + (i == rows.count - 1 ? "" : ",")) }
        }
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
