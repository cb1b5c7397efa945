/// The Swift identifiers of IR values in the code of a graph: the IR's names (unique, identifiers),
/// in backticks where a derived name such as `d` + `o` spells a keyword.
struct GraphValueNames {
    private let names: [String]

    init(_ graph: Graph) {
        names = graph.values.map { v in
            precondition(Identifiers.isIdentifier(v.name), "IR value name '\(v.name)' is not an identifier")
            return Identifiers.swiftKeywords.contains(v.name) ? "`\(v.name)`" : v.name
        }
    }

    subscript(_ id: ValueID) -> String { names[id.index] }
}
