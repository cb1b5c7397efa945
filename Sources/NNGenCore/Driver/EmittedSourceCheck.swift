/// Structural checks of emitted Swift that hold for every spec, whatever its names and numbers:
/// the fuzzer and the tests use them to show that no spec text escapes into code. Emitted code
/// only has `//` comments, balanced string quotes on each line, balanced braces outside
/// comments and strings, the compiler directives of the header, and no control characters
/// but newlines.
public enum EmittedSourceCheck {
    /// The directives emitted code may contain, after indentation.
    static let directives: Set<String> = [
        "#if canImport(Darwin)", "#elseif canImport(Glibc)", "#elseif canImport(Musl)", "#elseif canImport(ucrt)",
        "#if canImport(NNGenRuntime)", "#if canImport(NNGenKernels)",
        "#if canImport(NNGenKernels) && !NNGEN_SWIFT_KERNELS", "#if NNGEN_FMA", "#else", "#endif",
    ]

    /// Every violation, as `line N: what` (empty when the source passes).
    public static func problems(in source: String) -> [String] {
        var problems: [String] = []
        var depth = 0
        for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let n = index + 1
            if line.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                problems.append("line \(n): a control character")
            }
            if line.contains("/*") || line.contains("*/") { problems.append("line \(n): a block comment marker") }
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("#"), !directives.contains(String(trimmed)) {
                problems.append("line \(n): an unexpected directive '\(trimmed)'")
            }
            // Code before any `//`, with string literals (no escapes besides \\ and \") skipped.
            var inString = false, escaped = false, previous: Character = " "
            for c in line {
                if inString {
                    if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                } else if c == "\"" {
                    inString = true
                } else if c == "/" && previous == "/" {
                    break
                } else if c == "{" {
                    depth += 1
                } else if c == "}" {
                    depth -= 1
                    if depth < 0 { problems.append("line \(n): a '}' closes nothing") }
                }
                previous = c
            }
            if inString { problems.append("line \(n): a string literal is not closed") }
        }
        if depth > 0 { problems.append("\(depth) '{' never closed") }
        return problems
    }
}
