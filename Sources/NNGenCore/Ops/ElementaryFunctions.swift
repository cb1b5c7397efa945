import Foundation

/// The elementwise functions of the graph form that are not activations: −x, eˣ, ln x, x², √x and
/// xⁿ. Each is one `UnaryOp` (see there for what a definition holds).
extension UnaryOp {
    static let elementaryFunctions: [UnaryOp] = [neg, exp, log, square, sqrt, pow]

    /// y = −x;  dx = −dy.
    static let neg: UnaryOp = UnaryOp(
        name: "neg", attribute: nil, defaultInit: nil,
        formula: { x, _ in "−\(x)" }, remark: nil,
        evaluate: { x, _ in -x },
        swift: { x, _, _ in .negate(x) },
        pullback: { b, s in
            b.unary(UnaryFunction(.neg), s.dy, s.dxName, OpComment("\(s.dxText) = −\(s.dyText)", .localGradient("∂\(s.yName)/∂\(s.xText) = −1")))
        })

    /// y = eˣ;  dx = dy · y (the exponential is its own derivative, so the output is reused).
    static let exp: UnaryOp = UnaryOp(
        name: "exp", attribute: nil, defaultInit: nil,
        formula: { x, _ in "exp(\(x))" }, remark: nil,
        evaluate: { x, _ in Foundation.exp(x) },
        swift: { x, _, math in math.exp(x) },
        pullback: { b, s in
            b.binary(.mul, s.dy, s.y, s.dxName, OpComment("\(s.dxText) = \(s.dyText) · \(s.yName)", .localGradient("∂\(s.yName)/∂\(s.xText) = exp(\(s.xText)) = \(s.yName)")))
        })

    /// y = ln x;  dx = dy / x.
    static let log: UnaryOp = UnaryOp(
        name: "log", attribute: nil, defaultInit: nil,
        formula: { x, _ in "ln(\(x))" }, remark: nil,
        evaluate: { x, _ in Foundation.log(x) },
        swift: { x, _, math in math.log(x) },
        pullback: { b, s in
            b.binary(.div, s.dy, s.x, s.dxName, OpComment("\(s.dxText) = \(s.dyText) / \(s.xText)", .localGradient("∂\(s.yName)/∂\(s.xText) = 1/\(s.xText)")))
        })

    /// y = x²;  dx = dy · 2x.
    static let square: UnaryOp = UnaryOp(
        name: "square", attribute: nil, defaultInit: nil,
        formula: { x, _ in "\(x)²" }, remark: nil,
        evaluate: { x, _ in x * x },
        swift: { x, _, _ in x * x },
        pullback: { b, s in
            let twoX = b.binary(.mul, b.constant(2), s.x, "\(s.xName)_twice", "2·\(s.xText)")
            return b.binary(.mul, s.dy, twoX, s.dxName, OpComment("\(s.dxText) = \(s.dyText) · 2\(s.xText)", .localGradient("∂\(s.yName)/∂\(s.xText) = 2\(s.xText)")))
        })

    /// y = √x;  dx = dy / (2y).
    static let sqrt: UnaryOp = UnaryOp(
        name: "sqrt", attribute: nil, defaultInit: nil,
        formula: { x, _ in "√\(x)" }, remark: nil,
        evaluate: { x, _ in x.squareRoot() },
        swift: { x, _, math in math.sqrt(x) },
        pullback: { b, s in
            let twoY = b.binary(.mul, b.constant(2), s.y, s.helper("twice"), "2·\(s.yName)")
            return b.binary(.div, s.dy, twoY, s.dxName, OpComment("\(s.dxText) = \(s.dyText) / (2·\(s.yName))", .localGradient("∂\(s.yName)/∂\(s.xText) = 1/(2√\(s.xText))")))
        })

    /// y = xⁿ for a whole n ≠ 0 with |n| ≤ 16;  dx = dy · n·xⁿ⁻¹.
    static let pow: UnaryOp = UnaryOp(
        name: "pow", attribute: OpAttribute(name: "n", defaultValue: nil, rule: .nonZeroInteger(limit: 16)), defaultInit: nil,
        formula: { x, n in "\(x)\(superscript(Int(n)))" }, remark: nil,
        evaluate: { x, n in Foundation.pow(x, n) },
        swift: { x, n, _ in
            let power = Int(n)
            // Up to the fourth power, products (exact to rounding, and vectorizable); past it, libm.
            let magnitude: SwiftExpression = abs(power) <= 4
                ? (1..<abs(power)).reduce(x) { product, _ in product * x }
                : .call("pow", [x, .literal(Double(abs(power)))])
            return power < 0 ? .literal(1) / magnitude : magnitude
        },
        pullback: { b, s in
            let n = Int(s.attribute)
            if n == 1 { return s.dy }  // x¹ = x: the adjoint passes through
            let power = n - 1 == 1 ? s.x
                : b.unary(UnaryFunction(.pow, Double(n - 1)), s.x, s.helper("power"), "\(s.xText)\(superscript(n - 1))")
            let local = b.binary(.mul, b.constant(Double(n)), power, s.helper("slope"), "\(n)·\(s.xText)\(superscript(n - 1))")
            let text = "\(n)·\(s.xText)\(n - 1 == 1 ? "" : superscript(n - 1))"
            return s.times(local, reads: text, localGradient: text, &b)
        })

    /// `³`, `⁻²`: an exponent in superscript digits.
    private static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return (n < 0 ? "⁻" : "") + String(String(abs(n)).map { digits[Int(String($0))!] })
    }
}
