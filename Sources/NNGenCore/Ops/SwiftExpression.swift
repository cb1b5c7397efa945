/// A Swift expression as a tree, rendered with the parentheses its operators' precedence needs.
///
/// Op definitions spell their math with it once; both emitters render the same tree, with operands
/// that differ only in where values live (an array element, a fused local, a literal).
indirect enum SwiftExpression: Sendable, Equatable {
    /// An identifier, an array element or a non-negative literal: never needs parentheses.
    case atom(String)
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
        case greater = ">", greaterOrEqual = ">=", lessOrEqual = "<=", notEqual = "!="

        /// Swift's precedence: multiplication 3, addition 2, comparison 1 (the conditional is 0).
        var precedence: Int {
            switch self {
            case .times, .divide: return 3
            case .plus, .minus: return 2
            case .greater, .greaterOrEqual, .lessOrEqual, .notEqual: return 1
            }
        }
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
        case .atom, .call, .method, .negate: return 4
        case .infix(_, let op, _): return op.precedence
        case .conditional: return 0
        }
    }

    /// The source text.
    var text: String {
        switch self {
        case .atom(let text): return text
        case .call(let name, let arguments): return "\(name)(\(arguments.map(\.text).joined(separator: ", ")))"
        case .method(let base, let name): return "\(base.operand(above: 4)).\(name)()"
        case .negate(let x): return "-\(x.operand(above: 4))"
        case .infix(let a, let op, let b):
            // Left-associative: a right operand of the same precedence needs parentheses
            // (a - (b - c)); comparisons do not chain, so both sides need them at equal precedence.
            let p = op.precedence
            return "\(a.operand(above: p == 1 ? 2 : p)) \(op.rawValue) \(b.operand(above: p + 1))"
        case .conditional(let c, let a, let b):
            return "\(c.operand(above: 1)) ? \(a.operand(above: 1)) : \(b.operand(above: 0))"
        }
    }

    /// The text, parenthesized unless the expression binds at least as tightly as `minimum`.
    private func operand(above minimum: Int) -> String {
        precedence >= minimum ? text : "(\(text))"
    }

    /// The names of the functions it calls (which helpers emitted code needs).
    var calledFunctions: Set<String> {
        switch self {
        case .atom: return []
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
    /// True to call `Self.fastExp` and `Self.fastTanh` instead of libm's `exp` and `tanh`.
    let fast: Bool

    /// The name of the emitted fast exponential.
    static let fastExp = "Self.fastExp"
    /// The name of the emitted fast hyperbolic tangent.
    static let fastTanh = "Self.fastTanh"

    func exp(_ x: SwiftExpression) -> SwiftExpression { .call(fast ? Self.fastExp : "exp", [x]) }
    func tanh(_ x: SwiftExpression) -> SwiftExpression { .call(fast ? Self.fastTanh : "tanh", [x]) }
    func log(_ x: SwiftExpression) -> SwiftExpression { .call("log", [x]) }
    func log1p(_ x: SwiftExpression) -> SwiftExpression { .call("log1p", [x]) }
    func expm1(_ x: SwiftExpression) -> SwiftExpression { .call("expm1", [x]) }
    func max(_ a: SwiftExpression, _ b: SwiftExpression) -> SwiftExpression { .call("max", [a, b]) }
    func abs(_ x: SwiftExpression) -> SwiftExpression { .call("abs", [x]) }
    func sqrt(_ x: SwiftExpression) -> SwiftExpression { .method(x, "squareRoot") }
}
