import Foundation

/// The activations: elementwise functions a network layer can apply (`activation: NAME`), which
/// the graph form offers as ops too (`NAME(x)`). Each is one `UnaryOp` (see there for what a
/// definition holds); adding an activation is adding a definition here and its name to the list.
///
/// Tie rules: relu'(0) = 0, leaky_relu'(0) = alpha, elu'(0) = 1.
extension UnaryOp {
    static let activations: [UnaryOp] = [sigmoid, tanh, relu, leakyRelu, elu, softplus, silu, gelu]

    /// y = σ(x) = 1 / (1 + e⁻ˣ);  dx = dy · y(1 − y).
    static let sigmoid: UnaryOp = UnaryOp(
        name: "sigmoid", attribute: nil, defaultInit: .xavier,
        formula: { x, _ in "σ(\(x)) = 1 / (1 + exp(−\(x)))" }, remark: nil,
        evaluate: { x, _ in 1 / (1 + Foundation.exp(-x)) },
        swift: { x, _, math in .literal(1) / (.literal(1) + math.exp(.negate(x))) },
        pullback: { b, s in
            let oneMinus = b.binary(.sub, b.constant(1), s.y, s.helper("complement"), "1 − \(s.yName)")
            let local = b.binary(.mul, s.y, oneMinus, s.helper("slope"), "σ'(\(s.xText)) = \(s.yName)(1 − \(s.yName))")
            return s.times(local, reads: "\(s.yName)(1 − \(s.yName))", localGradient: "σ(\(s.xText))(1 − σ(\(s.xText)))", &b)
        })

    /// y = tanh x;  dx = dy · (1 − y²).
    static let tanh: UnaryOp = UnaryOp(
        name: "tanh", attribute: nil, defaultInit: .xavier,
        formula: { x, _ in "tanh(\(x))" }, remark: nil,
        evaluate: { x, _ in Foundation.tanh(x) },
        swift: { x, _, math in math.tanh(x) },
        pullback: { b, s in
            let ySquared = b.unary(UnaryFunction(.square), s.y, s.helper("squared"), "\(s.yName)²")
            let local = b.binary(.sub, b.constant(1), ySquared, s.helper("slope"), "tanh'(\(s.xText)) = 1 − \(s.yName)²")
            return s.times(local, reads: "(1 − \(s.yName)²)", localGradient: "1 − tanh²(\(s.xText))", &b)
        })

    /// y = max(0, x);  dx = dy where x > 0, else 0 (relu'(0) = 0).
    static let relu: UnaryOp = UnaryOp(
        name: "relu", attribute: nil, defaultInit: .he,
        formula: { x, _ in "max(0, \(x))" }, remark: nil,
        evaluate: { x, _ in Swift.max(0, x) },
        swift: { x, _, math in math.max(.literal(0), x) },
        pullback: { b, s in
            // y > 0 exactly where x > 0, so the mask reads the output: the input need not be kept.
            let mask = b.binary(.greater, s.y, b.constant(0), "\(s.xName)_positive", "1 where \(s.xText) > 0, that is where \(s.yName) > 0")
            return b.select(mask, s.dy, b.constant(0), s.dxName, OpComment("\(s.dxText) = \(s.dyText) · 1[\(s.xText) > 0]", .localGradient("∂\(s.yName)/∂\(s.xText) = 1 where \(s.xText) > 0, else 0")))
        })

    /// y = max(αx, x) for 0 ≤ α < 1;  dx = dy where x > 0, else α·dy.
    static let leakyRelu: UnaryOp = UnaryOp(
        name: "leaky_relu", attribute: OpAttribute(name: "alpha", defaultValue: 0.01, rule: .unitInterval), defaultInit: .he,
        formula: { x, alpha in "max(\(SwiftLiteral.real(alpha))·\(x), \(x))" }, remark: "leaky ReLU",
        evaluate: { x, alpha in Swift.max(alpha * x, x) },
        swift: { x, alpha, math in math.max(.literal(alpha) * x, x) },
        pullback: { b, s in
            // With 0 ≤ α < 1, y > 0 exactly where x > 0: the mask reads the output.
            let mask = b.binary(.greater, s.y, b.constant(0), "\(s.xName)_positive", "1 where \(s.xText) > 0, that is where \(s.yName) > 0")
            let scaled = b.binary(.mul, s.dy, b.constant(s.attribute), "d\(s.yName)_leak", "α·\(s.dyText)")
            return b.select(mask, s.dy, scaled, s.dxName, OpComment("\(s.dxText) = \(s.dyText) · leaky_relu'(\(s.xText))", .localGradient("∂\(s.yName)/∂\(s.xText) = 1 where \(s.xText) > 0, else α = \(s.attribute)")))
        })

    /// y = x (x ≥ 0), α(eˣ − 1) (x < 0) for α > 0;  dx = dy (x ≥ 0), dy·(y + α) (x < 0).
    static let elu: UnaryOp = UnaryOp(
        name: "elu", attribute: OpAttribute(name: "alpha", defaultValue: 1, rule: .positive), defaultInit: .he,
        formula: { x, alpha in "\(x) where \(x) ≥ 0, else \(SwiftLiteral.real(alpha))·(exp(\(x)) − 1)" }, remark: "ELU",
        evaluate: { x, alpha in x >= 0 ? x : alpha * Foundation.expm1(x) },
        swift: { x, alpha, math in
            let negative = alpha == 1 ? math.expm1(x) : .literal(alpha) * math.expm1(x)
            return .conditional(.infix(x, .greaterOrEqual, .literal(0)), x, negative)
        },
        pullback: { b, s in
            let mask = b.binary(.greaterOrEqual, s.x, b.constant(0), "\(s.xName)_nonnegative", "1 where \(s.xText) ≥ 0")
            let slope = b.binary(.add, s.y, b.constant(s.attribute), s.helper("slope"), "elu'(\(s.xText)) = \(s.yName) + α for \(s.xText) < 0")
            let negative = b.binary(.mul, s.dy, slope, s.helper("negative_part"), "\(s.dyText) · (\(s.yName) + α)")
            return b.select(mask, s.dy, negative, s.dxName, OpComment("\(s.dxText) = \(s.dyText) · elu'(\(s.xText))", .localGradient("∂\(s.yName)/∂\(s.xText) = 1 where \(s.xText) ≥ 0, else \(s.yName) + α")))
        })

    /// y = ln(1 + eˣ), a smooth relu;  dx = dy · σ(x).
    static let softplus: UnaryOp = UnaryOp(
        name: "softplus", attribute: nil, defaultInit: .he,
        formula: { x, _ in "ln(1 + exp(\(x)))" }, remark: "softplus",
        evaluate: { x, _ in x > 0 ? x + Foundation.log1p(Foundation.exp(-x)) : Foundation.log1p(Foundation.exp(x)) },
        // max(x, 0) + ln(1 + e^−|x|): the same value, without overflow for large x.
        swift: { x, _, math in math.max(x, .literal(0)) + math.log1p(math.exp(.negate(math.abs(x)))) },
        pullback: { b, s in
            let local = b.unary(UnaryFunction(.sigmoid), s.x, s.helper("slope"), "softplus'(\(s.xText)) = σ(\(s.xText))")
            return s.times(local, reads: "σ(\(s.xText))", localGradient: "σ(\(s.xText)) = 1 / (1 + exp(−\(s.xText)))", &b)
        })

    /// y = x·σ(x) (SiLU, also called swish);  dx = dy · (σ(x) + y(1 − σ(x))).
    static let silu: UnaryOp = UnaryOp(
        name: "silu", attribute: nil, defaultInit: .he,
        formula: { x, _ in "\(x)·σ(\(x))" }, remark: "SiLU",
        evaluate: { x, _ in x * (1 / (1 + Foundation.exp(-x))) },
        swift: { x, _, math in x / (.literal(1) + math.exp(.negate(x))) },
        pullback: { b, s in
            // d/dx x·σ(x) = σ(x) + x·σ(x)(1 − σ(x)) = σ(x) + y(1 − σ(x)).
            let gate = b.unary(UnaryFunction(.sigmoid), s.x, s.helper("gate"), "σ(\(s.xText))")
            let open = b.binary(.sub, b.constant(1), gate, s.helper("closed"), "1 − σ(\(s.xText))")
            let scaled = b.binary(.mul, s.y, open, s.helper("gated"), "\(s.yName)(1 − σ(\(s.xText)))")
            let local = b.binary(.add, gate, scaled, s.helper("slope"), "silu'(\(s.xText)) = σ(\(s.xText)) + \(s.yName)(1 − σ(\(s.xText)))")
            return s.times(local, reads: "silu'(\(s.xText))", localGradient: "σ(\(s.xText)) + \(s.yName)(1 − σ(\(s.xText)))", &b)
        })

    /// GELU in PyTorch's tanh approximation: y = ½x(1 + t) with t = tanh(u), u = k(x + c·x³),
    /// k = √(2/π), c = 0.044715;  dx = dy · (½(1 + t) + ½x(1 − t²)·k(1 + 3c·x²)).
    static let gelu: UnaryOp = UnaryOp(
        name: "gelu", attribute: nil, defaultInit: .he,
        formula: { x, _ in "½·\(x)·(1 + tanh(√(2/π)·(\(x) + 0.044715·\(x)³)))" }, remark: "GELU, tanh approximation",
        evaluate: { x, _ in
            let u = (2 / Double.pi).squareRoot() * (x + geluCubic * Foundation.pow(x, 3))
            return 0.5 * x * (1 + Foundation.tanh(u))
        },
        swift: { x, _, math in
            let u = SwiftExpression.literal(geluScale) * x * (.literal(1) + .literal(geluCubic) * x * x)
            return .literal(0.5) * x * (.literal(1) + math.tanh(u))
        },
        pullback: { b, s in
            let c = geluCubic, k = geluScale
            // The slope is computed at x clamped to [−10, 10]: past it t = ±1 to within 10⁻³⁷, so
            // the slope is 1 or 0 to that precision, while x³ and x² would overflow (Float) and
            // turn 0·∞ into NaN.
            let above = b.binary(.max, s.x, b.constant(-geluClamp), s.helper("x_above"), "max(\(s.xText), −\(Int(geluClamp)))")
            let x = b.binary(.min, above, b.constant(geluClamp), s.helper("x_clamped"), "x̂ = \(s.xText) clamped to ±\(Int(geluClamp))")
            let xSquared = b.unary(UnaryFunction(.square), x, s.helper("x_squared"), "x̂²")
            let cubic = b.binary(.add, b.binary(.mul, b.constant(c), xSquared, s.helper("cubic_term"), "c·x̂²"), b.constant(1),
                                 s.helper("cubic"), "1 + c·x̂²")
            let inner = b.binary(.mul, b.binary(.mul, x, cubic, s.helper("inner_unscaled"), "x̂(1 + c·x̂²)"), b.constant(k),
                                 s.helper("inner"), "u = k(x̂ + c·x̂³)")
            let t = b.unary(UnaryFunction(.tanh), inner, s.helper("tanh"), "t = tanh(u)")
            let half = b.binary(.mul, b.constant(0.5), b.binary(.add, t, b.constant(1), s.helper("one_plus_tanh"), "1 + t"), s.helper("half_gate"), "½(1 + t)")
            let sech = b.binary(.sub, b.constant(1), b.unary(UnaryFunction(.square), t, s.helper("tanh_squared"), "t²"), s.helper("sech_squared"), "1 − t²")
            let slope = b.binary(.add, b.binary(.mul, b.constant(3 * c), xSquared, s.helper("du_term"), "3c·x̂²"), b.constant(1),
                                 s.helper("du"), "1 + 3c·x̂²")
            let chain = b.binary(.mul, b.binary(.mul, x, sech, s.helper("x_sech_squared"), "x̂(1 − t²)"), slope, s.helper("x_sech_du"), "x̂(1 − t²)(1 + 3c·x̂²)")
            let tail = b.binary(.mul, chain, b.constant(0.5 * k), s.helper("tail"), "½k·x̂(1 − t²)(1 + 3c·x̂²)")
            let local = b.binary(.add, half, tail, s.helper("slope"), "gelu'(\(s.xText))")
            return s.times(local, reads: "gelu'(\(s.xText))", localGradient: "½(1 + t) + ½k·\(s.xText)(1 − t²)(1 + 3c·\(s.xText)²), t = tanh(k(\(s.xText) + c·\(s.xText)³))", &b)
        })

    /// GELU's c and k = √(2/π) (PyTorch's `approximate='tanh'`).
    private static let geluCubic = 0.044715
    private static let geluScale = 0.7978845608028654
    /// Where GELU's slope has reached 0 or 1 (see its pullback).
    private static let geluClamp = 10.0
}
