/// The text of one graph node, `op(argument, argument, …)`, split into its parts with the
/// character offset of each, so that diagnostics can point at the exact argument.
struct NodeExpression: Equatable {
    /// One argument as written, trimmed.
    struct Part: Equatable {
        var text: String
        /// Offset from the start of the node's text, in Unicode code points (libyaml's columns).
        var offset: Int
    }

    var op: Part
    var arguments: [Part]

    /// A syntax problem and where it is.
    struct Problem: Error, Equatable {
        var message: String
        var offset: Int
    }

    /// Splits `text`; arguments are names or numbers, never nested calls.
    static func parse(_ text: String) -> Result<NodeExpression, Problem> {
        let chars = Array(text.unicodeScalars)
        var i = 0
        func skipSpaces() { while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 } }
        skipSpaces()
        let opStart = i
        while i < chars.count, isWordCharacter(chars[i]) { i += 1 }
        let op = Part(text: String(String.UnicodeScalarView(chars[opStart..<i])), offset: opStart)
        guard !op.text.isEmpty else {
            return .failure(Problem(message: "a node must be an op applied to its arguments, such as 'add(x, y)'", offset: opStart))
        }
        skipSpaces()
        guard i < chars.count, chars[i] == "(" else {
            return .failure(Problem(message: "expected '(' after '\(op.text)': a node is written 'op(arguments)', such as 'add(x, y)'", offset: i))
        }
        i += 1
        var arguments: [Part] = []
        while true {
            skipSpaces()
            let start = i
            while i < chars.count, !",()".unicodeScalars.contains(chars[i]) { i += 1 }
            var end = i
            while end > start, chars[end - 1] == " " || chars[end - 1] == "\t" { end -= 1 }
            let argument = Part(text: String(String.UnicodeScalarView(chars[start..<end])), offset: start)
            if i < chars.count, chars[i] == "(" {
                return .failure(Problem(
                    message: "arguments are names or numbers; give '\(argument.text)(…)' a node of its own and use its name here",
                    offset: start))
            }
            guard !argument.text.isEmpty else {
                return .failure(Problem(message: "missing argument of '\(op.text)'", offset: start))
            }
            arguments.append(argument)
            guard i < chars.count else {
                return .failure(Problem(
                    message: "missing ')' to close '\(op.text)(' (inside '{ }' YAML splits at commas: write the node on a line of its own, or quote it)",
                    offset: i))
            }
            if chars[i] == ")" { break }
            i += 1  // the comma
        }
        i += 1
        skipSpaces()
        guard i == chars.count else {
            return .failure(Problem(message: "unexpected text after ')': one node is one op", offset: i))
        }
        return .success(NodeExpression(op: op, arguments: arguments))
    }

    private static func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_"
    }
}
