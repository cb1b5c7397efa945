/// A Swift expression as a tree, rendered with the parentheses its operators' precedence needs.
///
/// Op definitions spell their math with it once; both emitters render the same tree, with operands
/// that differ only in where values live (an array element, a fused local, a literal).
indirect enum SwiftExpression: Sendable, Equatable {
    /// An identifier, an array element or a non-negative literal: never needs parentheses.
    case atom(String)
    /// Element `index` of an IR value (nil for a scalar), spelled by the emitter that renders it:
    /// a pointer's element, an array's, a local's or property's name.
    case element(ValueID, SwiftExpression?)
    /// `name(arguments)`.
    case call(String, [SwiftExpression])
    /// `base.name()`, such as `x.squareRoot()`.
    case method(SwiftExpression, String)
    /// `-x`.
    case negate(SwiftExpression)
    /// `left op right`.
    case infix(SwiftExpression, InfixOperator, SwiftExpression)
    /// `condition ? then : otherwise`.
    case conditional(SwiftExpression, SwiftExpression, SwiftExpression)

    /// The binary operators emitted code uses, in Swift's precedence groups.
    enum InfixOperator: String, Sendable {
        case plus = "+", minus = "-", times = "*", divide = "/"
        case greater = ">", greaterOrEqual = ">=", lessOrEqual = "<=", equal = "==", notEqual = "!="
        case and = "&&"
        /// Comparisons and conjunction of SIMD vectors, lane by lane (in the same precedence groups).
        case pointwiseGreater = ".>", pointwiseGreaterOrEqual = ".>=", pointwiseLessOrEqual = ".<="
        case pointwiseEqual = ".==", pointwiseNotEqual = ".!="
        case pointwiseAnd = ".&"

        /// Swift's precedence groups: multiplication 5, addition 4, comparison 3, conjunction 2
        /// (the conditional is 1, atoms and calls 6).
        var precedence: Int {
            switch self {
            case .times, .divide: return 5
            case .plus, .minus: return 4
            case .greater, .greaterOrEqual, .lessOrEqual, .equal, .notEqual: return 3
            case .pointwiseGreater, .pointwiseGreaterOrEqual, .pointwiseLessOrEqual, .pointwiseEqual, .pointwiseNotEqual: return 3
            case .and, .pointwiseAnd: return 2
            }
        }

        /// Comparisons do not associate: an operand of the same precedence needs parentheses.
        var isComparison: Bool { precedence == 3 }
    }

    /// A number: negative ones in parentheses so they can stand anywhere.
    static func literal(_ value: Double) -> SwiftExpression {
        let text = SwiftLiteral.real(value)
        return .atom(text.hasPrefix("-") ? "(\(text))" : text)
    }

    static func + (a: SwiftExpression, b: SwiftExpression) -> SwiftExpression { .infix(a, .plus, b) }
    static func - (a: SwiftExpression, b: SwiftExpression) -> SwiftExpression { .infix(a, .minus, b) }
    static func * (a: SwiftExpression, b: SwiftExpression) -> SwiftExpression { .infix(a, .times, b) }
    static func / (a: SwiftExpression, b: SwiftExpression) -> SwiftExpression { .infix(a, .divide, b) }

    /// The precedence of the outermost operator (atoms, calls and negations bind tightest).
    private var precedence: Int {
        switch self {
        case .atom, .element, .call, .method, .negate: return 6
        case .infix(_, let op, _): return op.precedence
        case .conditional: return 1
        }
    }

    /// How an emitter spells element `index` of a value (the index already rendered; nil for a scalar).
    typealias Spelling = (ValueID, String?) -> String

    /// The source text of an expression that reads no IR value.
    var text: String { render { id, _ in preconditionFailure("value \(id.index) read without an emitter's spelling") } }

    /// The source text, with IR values spelled by `spell`.
    func render(_ spell: Spelling) -> String {
        switch self {
        case .atom(let text): return text
        case .element(let id, let index): return spell(id, index?.render(spell))
        case .call(let name, let arguments): return "\(name)(\(arguments.map { $0.render(spell) }.joined(separator: ", ")))"
        case .method(let base, let name): return "\(base.operand(above: 6, spell)).\(name)()"
        case .negate(let x): return "-\(x.operand(above: 6, spell))"
        case .infix(let a, let op, let b):
            // Left-associative: a right operand of the same precedence needs parentheses
            // (a - (b - c)); comparisons do not chain, so both sides need them at equal precedence.
            let p = op.precedence
            return "\(a.operand(above: op.isComparison ? p + 1 : p, spell)) \(op.rawValue) \(b.operand(above: p + 1, spell))"
        case .conditional(let c, let a, let b):
            return "\(c.operand(above: 2, spell)) ? \(a.operand(above: 2, spell)) : \(b.operand(above: 1, spell))"
        }
    }

    /// The text, parenthesized unless the expression binds at least as tightly as `minimum`.
    private func operand(above minimum: Int, _ spell: Spelling) -> String {
        precedence >= minimum ? render(spell) : "(\(render(spell)))"
    }

    /// The IR values it reads.
    var elements: [ValueID] {
        switch self {
        case .atom: return []
        case .element(let id, let index): return [id] + (index?.elements ?? [])
        case .call(_, let arguments): return arguments.flatMap(\.elements)
        case .method(let base, _), .negate(let base): return base.elements
        case .infix(let a, _, let b): return a.elements + b.elements
        case .conditional(let c, let a, let b): return c.elements + a.elements + b.elements
        }
    }

    /// An integer index or count.
    static func int(_ value: Int) -> SwiftExpression { .atom(value < 0 ? "(\(value))" : "\(value)") }

    /// The value of an integer literal.
    var integer: Int? {
        if case .atom(let text) = self { return Int(text) }
        return nil
    }

    /// `a * stride + b` for index arithmetic, leaving out zero terms and unit strides, and
    /// computed when both are numbers.
    static func index(_ row: SwiftExpression, stride: Int, plus column: SwiftExpression) -> SwiftExpression {
        if let r = row.integer, let c = column.integer { return .int(r * stride + c) }
        let scaled: SwiftExpression? = row == .int(0) ? nil : (stride == 1 ? row : row * .int(stride))
        guard let scaled else { return column }
        return column == .int(0) ? scaled : scaled + column
    }

    /// The names of the functions it calls (which helpers emitted code needs).
    var calledFunctions: Set<String> {
        switch self {
        case .atom: return []
        case .element(_, let index): return index?.calledFunctions ?? []
        case .call(let name, let arguments): return arguments.reduce(into: [name]) { $0.formUnion($1.calledFunctions) }
        case .method(let base, _), .negate(let base): return base.calledFunctions
        case .infix(let a, _, let b): return a.calledFunctions.union(b.calledFunctions)
        case .conditional(let c, let a, let b): return c.calledFunctions.union(a.calledFunctions).union(b.calledFunctions)
        }
    }
}

/// How an op definition calls the math library in emitted code: libm's functions, or the
/// vectorizable `FastMath` ones (Float loops).
struct SwiftMath: Sendable {
    /// True to call `Self.fastExp`, `Self.fastTanh`, `Self.fastExpm1` and `Self.fastLog1p` instead
    /// of libm's `exp`, `tanh`, `expm1` and `log1p`.
    let fast: Bool
    /// True to call `Self.fastLog` instead of libm's `log` (losses in the fused step only: its
    /// absolute error, up to 2·10⁻⁵, is too large for the graph form's `log`).
    var fastLog = false

    /// The name of the emitted fast exponential.
    static let fastExp = "Self.fastExp"
    /// The name of the emitted fast hyperbolic tangent.
    static let fastTanh = "Self.fastTanh"
    /// The name of the emitted fast logarithm.
    static let fastLogName = "Self.fastLog"
    /// The name of the emitted fast eˣ − 1.
    static let fastExpm1 = "Self.fastExpm1"
    /// The name of the emitted fast ln(1 + x).
    static let fastLog1p = "Self.fastLog1p"

    func exp(_ x: SwiftExpression) -> SwiftExpression { .call(fast ? Self.fastExp : "exp", [x]) }
    func tanh(_ x: SwiftExpression) -> SwiftExpression { .call(fast ? Self.fastTanh : "tanh", [x]) }
    func log(_ x: SwiftExpression) -> SwiftExpression { .call(fastLog ? Self.fastLogName : "log", [x]) }
    func log1p(_ x: SwiftExpression) -> SwiftExpression { .call(fast ? Self.fastLog1p : "log1p", [x]) }
    func expm1(_ x: SwiftExpression) -> SwiftExpression { .call(fast ? Self.fastExpm1 : "expm1", [x]) }
    func max(_ a: SwiftExpression, _ b: SwiftExpression) -> SwiftExpression { .call("max", [a, b]) }
    func abs(_ x: SwiftExpression) -> SwiftExpression { .call("abs", [x]) }
    func sqrt(_ x: SwiftExpression) -> SwiftExpression { .method(x, "squareRoot") }
}
