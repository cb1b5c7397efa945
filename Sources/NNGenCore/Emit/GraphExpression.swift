/// Renders one element of an IR value as a Swift expression in the code of a graph: scalars are
/// `Scalar` locals or properties, vectors and matrices `[Scalar]` arrays (row-major), literals
/// numbers, and inlined helpers (masks, slopes) their own expressions in parentheses.
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

    /// An expression and whether it can be used as an operand without parentheses.
    struct Rendered {
        var text: String
        var atomic: Bool
        /// The text, parenthesized unless atomic.
        var operand: String { atomic ? text : "(\(text))" }
    }

    /// Element `element` of `id`; scalars broadcast (they ignore the element).
    func value(_ id: ValueID, _ element: Element) -> Rendered {
        let v = graph[id]
        if case .constant(let c) = v.role {
            let text = SwiftLiteral.real(c)
            return Rendered(text: text.hasPrefix("-") ? "(\(text))" : text, atomic: true)
        }
        if inlined.contains(id) { return expression(graph.ops[producers[id.index]!], element) }
        if v.shape.isScalar { return Rendered(text: names[id], atomic: true) }
        switch element {
        case .scalar: preconditionFailure("element of an array read as a scalar")
        case .constant(let e): return Rendered(text: "\(names[id])[\(e)]", atomic: true)
        case .counter(let i): return Rendered(text: "\(names[id])[\(i)]", atomic: true)
        }
    }

    /// The condition a mask stands for: the comparison itself when inlined or stored as `Bool`.
    private func condition(_ mask: ValueID, _ element: Element) -> String {
        if inlined.contains(mask), case .binary(let f) = graph.ops[producers[mask.index]!].kind, f == .greater || f == .greaterOrEqual {
            let op = graph.ops[producers[mask.index]!]
            let a = value(op.inputs[0], element), b = value(op.inputs[1], element)
            return "\(a.operand) \(f == .greater ? ">" : ">=") \(b.operand)"
        }
        if conditions.contains(mask) { return value(mask, element).text }
        return "\(value(mask, element).operand) != 0"
    }

    /// Element `element` of an elementwise op's output.
    func expression(_ op: Op, _ element: Element) -> Rendered {
        let a = op.inputs.map { value($0, element) }
        func call(_ text: String) -> Rendered { Rendered(text: text, atomic: true) }
        func infix(_ text: String) -> Rendered { Rendered(text: text, atomic: false) }
        switch op.kind {
        case .unary(let f):
            let x = a[0]
            switch f {
            case .neg: return infix("-\(x.operand)")
            case .exp: return call("exp(\(x.text))")
            case .log: return call("log(\(x.text))")
            case .square: return infix("\(x.operand) * \(x.operand)")
            case .sqrt: return call("\(x.operand).squareRoot()")
            case .sigmoid: return infix("1 / (1 + exp(-\(x.operand)))")
            case .tanh: return call("tanh(\(x.text))")
            case .relu: return call("max(0, \(x.text))")
            case .leakyRelu(let alpha): return call("max(\(SwiftLiteral.real(alpha)) * \(x.operand), \(x.text))")
            case .elu(let alpha): return infix("\(x.operand) >= 0 ? \(x.text) : \(SwiftLiteral.real(alpha)) * expm1(\(x.text))")
            }
        case .binary(let f):
            let (l, r) = (a[0].operand, a[1].operand)
            switch f {
            case .add: return infix("\(l) + \(r)")
            case .sub: return infix("\(l) - \(r)")
            case .mul: return infix("\(l) * \(r)")
            case .div: return infix("\(l) / \(r)")
            case .max: return infix("\(l) >= \(r) ? \(l) : \(r)")
            case .min: return infix("\(l) <= \(r) ? \(l) : \(r)")
            case .greater: return infix(conditions.contains(op.output) ? "\(l) > \(r)" : "\(l) > \(r) ? 1 : 0")
            case .greaterOrEqual: return infix(conditions.contains(op.output) ? "\(l) >= \(r)" : "\(l) >= \(r) ? 1 : 0")
            }
        case .select:
            return infix("\(condition(op.inputs[0], element)) ? \(a[1].operand) : \(a[2].operand)")
        case .copy:
            return a[0]
        default:
            preconditionFailure("not elementwise: \(op.kind)")
        }
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
