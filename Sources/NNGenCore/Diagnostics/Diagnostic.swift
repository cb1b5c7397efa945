/// One problem found in a spec, at the position of the offending YAML node.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How bad the problem is. nngen only reports errors today.
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation

    /// Creates an error at `location`. Spec text quoted in `message` is made printable.
    public static func error(_ message: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(severity: .error, message: printable(message), location: location)
    }

    /// `text` with control and formatting characters (newlines, tabs, bidirectional overrides)
    /// spelled `\u{…}`: a message quoting a spec's text stays one line and shows what is there,
    /// so a spec cannot forge or hide a line of compiler output.
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for c in text.unicodeScalars {
            if needsEscape(c) { out += "\\u{" + String(c.value, radix: 16) + "}" } else { out.unicodeScalars.append(c) }
        }
        return out
    }

    private static func needsEscape(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    /// `line:col: error: message` (the path is added by `rendered(path:)`).
    public var description: String { "\(location): \(severity.rawValue): \(message)" }

    /// `path:line:col: error: message`, the form compilers and IDEs recognise.
    public func rendered(path: String) -> String { "\(path):\(description)" }
}

/// Collects the diagnostics of one spec so that every error is reported in one run.
public struct DiagnosticLog: Sendable {
    /// Every diagnostic so far, in the order found.
    public private(set) var diagnostics: [Diagnostic] = []

    /// Creates an empty log.
    public init() {}

    /// Records an error at `location`.
    public mutating func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(.error(message, at: location))
    }

    /// True when at least one error was recorded.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The diagnostics sorted by position (stable for equal positions).
    public var sorted: [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            a.element.location != b.element.location
                ? a.element.location < b.element.location : a.offset < b.offset
        }.map(\.element)
    }
}

/// Thrown when a spec has errors: carries all of them.
public struct SpecErrors: Error, Sendable, CustomStringConvertible {
    /// The file the errors are in, as given by the user.
    public var path: String
    /// Every error, sorted by position.
    public var diagnostics: [Diagnostic]

    /// Creates the error from a path and its diagnostics.
    public init(path: String, diagnostics: [Diagnostic]) {
        self.path = path
        self.diagnostics = diagnostics
    }

    /// One `path:line:col: error: message` line per diagnostic.
    public var description: String {
        diagnostics.map { $0.rendered(path: path) }.joined(separator: "\n")
    }
}
