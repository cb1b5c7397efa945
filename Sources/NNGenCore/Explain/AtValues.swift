/// A problem with the command line of `nngen explain` or `nngen graph` (not with the spec).
public struct UsageError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The values given with `--at NAME=VALUE`: a number, or a YAML flow list such as
/// `[0.2, 0.4]` or `[[0.1, 0.5], [-0.3, 0.8]]` (rows of a matrix).
public enum AtValues {
    /// One row-major array per input and param of `spec`, in the spec's order; nil when no value
    /// was given at all (explain the structure only). Throws when a value is missing, unknown,
    /// given twice, or does not fit its shape.
    public static func parse(_ assignments: [String], for spec: GraphSpec) throws(UsageError) -> [[Double]]? {
        guard !assignments.isEmpty else { return nil }
        var given: [String: [Double]] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw UsageError("--at \(assignment): expected NAME=VALUE, such as x=-2 or W=[[0.1, 0.5], [-0.3, 0.8]]")
            }
            let name = String(assignment[..<equals]).trimming(" ")
            let text = String(assignment[assignment.index(after: equals)...])
            guard let variable = spec.variables.first(where: { $0.name == name }) else {
                let names = spec.variables.map(\.name)
                throw UsageError("--at \(name): no input or param of that name\(didYouMean(name, among: names)) (the spec has \(names.joined(separator: ", ")))")
            }
            guard given[name] == nil else { throw UsageError("--at \(name): given twice") }
            given[name] = try values(text, for: variable)
        }
        let missing = spec.variables.filter { given[$0.name] == nil }
        guard missing.isEmpty else {
            throw UsageError("--at: missing a value for \(missing.map { "\($0.name) (\($0.shape))" }.joined(separator: ", "))")
        }
        return spec.variables.map { given[$0.name]! }
    }

    /// The numbers of `text` for `variable`, row-major.
    private static func values(_ text: String, for variable: GraphSpec.Variable) throws(UsageError) -> [Double] {
        let expected: String
        switch variable.shape.dims.count {
        case 0: expected = "a number"
        case 1: expected = "a list of \(variable.shape.dims[0]) numbers"
        default: expected = "a list of \(variable.shape.dims[0]) lists of \(variable.shape.dims[1]) numbers"
        }
        let problem = UsageError("--at \(variable.name): expected \(expected) for \(variable.shape), found '\(text.prefix(60))'")
        var log = DiagnosticLog()
        guard let node = YAMLReader.read(text, log: &log) else { throw problem }
        func numbers(_ node: YAMLNode, _ count: Int) -> [Double]? {
            guard case .sequence(let items, _) = node, items.count == count else { return nil }
            let values = items.compactMap { item -> Double? in
                guard case .scalar(let s, true, _) = item, let v = parseYAMLReal(s), v.isFinite else { return nil }
                return v
            }
            return values.count == count ? values : nil
        }
        switch (variable.shape.dims.count, node) {
        case (0, .scalar(let s, true, _)):
            guard let v = parseYAMLReal(s), v.isFinite else { throw problem }
            return [v]
        case (1, _):
            guard let v = numbers(node, variable.shape.dims[0]) else { throw problem }
            return v
        case (2, .sequence(let rows, _)) where rows.count == variable.shape.dims[0]:
            var result: [Double] = []
            for row in rows {
                guard let v = numbers(row, variable.shape.dims[1]) else { throw problem }
                result += v
            }
            return result
        default:
            throw problem
        }
    }
}
