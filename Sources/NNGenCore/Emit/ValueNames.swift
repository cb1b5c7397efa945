/// The identifiers emitted code uses for IR values: the graph's names, which the front end and
/// lowering keep within `[A-Za-z_][A-Za-z0-9_]*` and unique, with the function parameters `x`,
/// `y` and `t` for the caller's inputs, labels and targets.
struct ValueNames {
    private let names: [String]

    init(_ graph: Graph) {
        names = graph.values.map { v in
            switch v.role {
            case .input: return "x"
            case .labels: return "y"
            case .targets: return "t"
            default:
                precondition(Identifiers.isIdentifier(v.name), "IR value name '\(v.name)' is not an identifier")
                return v.name
            }
        }
    }

    subscript(_ id: ValueID) -> String { names[id.index] }
}
