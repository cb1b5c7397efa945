/// Renders one element of an IR value as a Swift expression in the code of a graph: scalars are
/// `Scalar` locals or properties, vectors and matrices `[Scalar]` arrays (row-major), literals
/// numbers, and inlined helpers (masks, slopes) their own expressions, as their definitions spell
/// them (the same as in network code).
struct GraphExpression {
    let graph: Graph
    let names: GraphValueNames
    /// Values computed inside their only consumer's expression instead of a statement of their own.
    let inlined: Set<ValueID>
    /// Comparisons stored as `Bool`, because every consumer uses them as a condition.
    let conditions: Set<ValueID>
    let producers: [Int?]

    /// Which element an expression computes.
    enum Element {
        /// The value is a scalar.
        case scalar
        /// A fixed element (unrolled code).
        case constant(Int)
        /// The element of a loop counter.
        case counter(String)
    }

    /// Element `element` of `id`; scalars broadcast (they ignore the element).
    func value(_ id: ValueID, _ element: Element) -> SwiftExpression {
        let v = graph[id]
        if case .constant(let c) = v.role { return .literal(c) }
        if inlined.contains(id) { return expression(graph.ops[producers[id.index]!], element) }
        if v.shape.isScalar { return .atom(names[id]) }
        switch element {
        case .scalar: preconditionFailure("element of an array read as a scalar")
        case .constant(let e): return .atom("\(names[id])[\(e)]")
        case .counter(let i): return .atom("\(names[id])[\(i)]")
        }
    }

    /// The comparison of a mask inlined or stored as `Bool`, which a select uses as its condition.
    private func comparison(_ mask: ValueID, _ element: Element) -> SwiftExpression? {
        if inlined.contains(mask), case .binary(let f) = graph.ops[producers[mask.index]!].kind, let comparison = f.comparison {
            let op = graph.ops[producers[mask.index]!]
            return .infix(value(op.inputs[0], element), comparison, value(op.inputs[1], element))
        }
        return conditions.contains(mask) ? value(mask, element) : nil
    }

    /// Element `element` of an elementwise op's output, as the op's definition spells it.
    func expression(_ op: Op, _ element: Element) -> SwiftExpression {
        if conditions.contains(op.output), case .binary(let f) = op.kind, let comparison = f.comparison {
            return .infix(value(op.inputs[0], element), comparison, value(op.inputs[1], element))
        }
        let operands = op.inputs.map { value($0, element) }
        if op.kind == .select, let condition = comparison(op.inputs[0], element) {
            return .conditional(condition, operands[1], operands[2])
        }
        return ExecutionPlan.swift(op, operands, SwiftMath(fast: false))
    }
}

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
