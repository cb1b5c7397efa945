/// The elementwise functions of two arguments: their spelling in the graph form, their value in
/// Double (the interpreter's), their Swift (for both emitters) and their pullbacks.
///
/// A scalar or trailing-suffix operand broadcasts; `Differentiator` sums its adjoint back.
/// Tie rules: `max(a, b)` sends the gradient to `a` when a = b (so maxout ties go to the lowest
/// piece), `min(a, b)` likewise to `a`.
public enum BinaryFunction: String, Hashable, Sendable, CaseIterable {
    case add, sub, mul, div, max, min
    /// 1 where a > b, else 0 (a mask; it has no gradient).
    case greater
    /// 1 where a ≥ b, else 0 (a mask; it has no gradient).
    case greaterOrEqual

    /// The functions a graph spec can call by name (`add(a, b)`); the masks are internal.
    static let graphOps: [BinaryFunction] = [.add, .sub, .mul, .div, .max, .min]

    /// How a node's formula writes it: `a + b`, `max(a, b)`.
    func formula(_ a: String, _ b: String) -> String {
        switch self {
        case .add: return "\(a) + \(b)"
        case .sub: return "\(a) − \(b)"
        case .mul: return "\(a) · \(b)"
        case .div: return "\(a) / \(b)"
        case .max, .min: return "\(rawValue)(\(a), \(b))"
        case .greater: return "1[\(a) > \(b)]"
        case .greaterOrEqual: return "1[\(a) ≥ \(b)]"
        }
    }

    /// f(a, b) in Double.
    func evaluate(_ a: Double, _ b: Double) -> Double {
        switch self {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        case .max: return a >= b ? a : b
        case .min: return a <= b ? a : b
        case .greater: return a > b ? 1 : 0
        case .greaterOrEqual: return a >= b ? 1 : 0
        }
    }

    /// The comparison of a mask, for code that keeps it as a `Bool`.
    var comparison: SwiftExpression.InfixOperator? {
        switch self {
        case .greater: return .greater
        case .greaterOrEqual: return .greaterOrEqual
        default: return nil
        }
    }

    /// f(a, b) as Swift (a mask as 1 or 0).
    func swift(_ a: SwiftExpression, _ b: SwiftExpression) -> SwiftExpression {
        switch self {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        case .max: return .conditional(.infix(a, .greaterOrEqual, b), a, b)
        case .min: return .conditional(.infix(a, .lessOrEqual, b), a, b)
        case .greater, .greaterOrEqual: return .conditional(.infix(a, comparison!, b), .literal(1), .literal(0))
        }
    }

    /// Appends the ops of the pullback of `y = f(a, b)` and returns the adjoint contributions of a
    /// and b (nil where there is none); `dy` itself where the local gradient is 1.
    func pullback(_ b: inout GraphBuilder, _ s: BinaryPullbackStep) -> [ValueID?] {
        let (x, dy, y) = (s.inputs, s.dy, s.yName)
        func local(_ i: Int, _ text: String) -> OpComment.Detail { .localGradient("∂\(y)/∂\(s.texts[i]) = \(text)") }
        switch self {
        case .add:  // y = a + b;  da = dy, db = dy: the adjoint passes through unchanged
            return [dy, dy]
        case .sub:  // y = a − b;  da = dy, db = −dy
            return [dy, b.unary(UnaryFunction(.neg), dy, s.adjointNames[1], OpComment("\(s.dTexts[1]) = −\(s.dyText)", local(1, "−1")))]
        case .mul:  // y = a·b;  da = dy·b, db = dy·a
            return [
                b.binary(.mul, dy, x[1], s.adjointNames[0], OpComment("\(s.dTexts[0]) = \(s.dyText) · \(s.texts[1])", local(0, s.texts[1]))),
                b.binary(.mul, dy, x[0], s.adjointNames[1], OpComment("\(s.dTexts[1]) = \(s.dyText) · \(s.texts[0])", local(1, s.texts[0]))),
            ]
        case .div:  // y = a/b;  da = dy/b, db = −dy·y/b
            let dyY = b.binary(.mul, dy, s.y, "\(y)_times_upstream", "\(s.dyText) · \(y)")
            let quotient = b.binary(.div, dyY, x[1], "\(y)_over_divisor", "\(s.dyText) · \(y) / \(s.texts[1])")
            return [
                b.binary(.div, dy, x[1], s.adjointNames[0], OpComment("\(s.dTexts[0]) = \(s.dyText) / \(s.texts[1])", local(0, "1/\(s.texts[1])"))),
                b.unary(UnaryFunction(.neg), quotient, s.adjointNames[1],
                        OpComment("\(s.dTexts[1]) = −\(s.dyText) · \(y) / \(s.texts[1])", local(1, "−\(s.texts[0])/\(s.texts[1])²"))),
            ]
        case .max, .min:  // y = max(a, b);  da = dy where a ≥ b (ties to a), db = dy elsewhere
            let mask = self == .max
                ? b.binary(.greaterOrEqual, x[0], x[1], "\(y)_takes_first", "1 where \(s.texts[0]) ≥ \(s.texts[1])")
                : b.binary(.greaterOrEqual, x[1], x[0], "\(y)_takes_first", "1 where \(s.texts[0]) ≤ \(s.texts[1])")
            let zero = b.constant(0)
            return [
                b.select(mask, dy, zero, s.adjointNames[0], "\(s.dTexts[0]) = \(s.dyText) where \(rawValue) chose \(s.texts[0]) (ties go to \(s.texts[0]))"),
                b.select(mask, zero, dy, s.adjointNames[1], "\(s.dTexts[1]) = \(s.dyText) where \(rawValue) chose \(s.texts[1])"),
            ]
        case .greater, .greaterOrEqual:  // masks are piecewise constant: no gradient
            return [nil, nil]
        }
    }
}

/// What a pullback of several inputs works with: the op's inputs and output, the adjoint `dy` of
/// the output, and how they read in comments.
public struct BinaryPullbackStep: Sendable {
    /// The op's inputs, its output y, and y's adjoint.
    public let inputs: [ValueID], y: ValueID, dy: ValueID
    /// Each input as comments show it (a literal as its number).
    public let texts: [String]
    /// `dL/d<input>` for each input, and `dL/dy`.
    public let dTexts: [String], dyText: String
    /// The output's name.
    public let yName: String
    /// The name of the value holding each input's adjoint contribution.
    public let adjointNames: [String]
}
