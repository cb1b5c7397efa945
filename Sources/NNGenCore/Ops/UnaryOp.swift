/// Everything about one elementwise function of one argument, in one place: its spelling in both
/// spec forms, its attribute, what the forward pass computes (in Double, for the interpreter, and
/// as Swift, for both emitters), its pullback, and its formulas for comments and `explain`.
///
/// The definitions are in `ElementaryFunctions.swift` (graph-form math) and `Activations.swift`
/// (functions that are also network activations); `UnaryOp.all` lists them.
public struct UnaryOp: Sendable {
    /// The word in specs: `relu` in `activation: relu` and in `h: relu(x)`.
    public let name: String
    /// The numeric attribute, as in `{leaky_relu: {alpha: 0.2}}` and `leaky_relu(x, 0.2)`.
    public let attribute: OpAttribute?
    /// For activations, the weight initialization their layers default to; nil for functions
    /// that only the graph form offers.
    public let defaultInit: WeightInit?
    /// The forward formula for comments, such as `max(0, x)`, given the operand's text and the
    /// attribute's value (0 without one).
    let formula: @Sendable (_ x: String, _ attribute: Double) -> String
    /// A remark after the graph form's formula, such as `leaky ReLU`.
    let remark: String?
    /// y = f(x) in Double: the interpreter's evaluation (written independently of `swift`).
    let evaluate: @Sendable (_ x: Double, _ attribute: Double) -> Double
    /// y = f(x) as Swift, for an operand expression.
    let swift: @Sendable (_ x: SwiftExpression, _ attribute: Double, _ math: SwiftMath) -> SwiftExpression
    /// Appends the ops computing dx from dy and returns dx (the formula of each pullback is
    /// stated next to it).
    let pullback: @Sendable (_ b: inout GraphBuilder, _ step: UnaryPullbackStep) -> ValueID?

    /// True when networks can use it as an activation.
    public var isActivation: Bool { defaultInit != nil }

    /// The definition called `name` in specs.
    public static func named(_ name: String) -> UnaryOp? { all.first { $0.name == name } }

    /// Every elementwise function of one argument.
    public static let all: [UnaryOp] = elementaryFunctions + activations
}

extension UnaryOp: Hashable {
    /// Definitions are told apart by name (a spec word names one definition).
    public static func == (a: UnaryOp, b: UnaryOp) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// An attribute of an op: one number, optional with a default or required.
public struct OpAttribute: Sendable {
    /// Its key in the network form (`alpha`), and its name in messages.
    public let name: String
    /// The value when the spec does not give one; nil when it must.
    public let defaultValue: Double?
    /// What values are accepted.
    let rule: RealRule
}

/// One application of a unary function: its function, the IR values of a pullback, and how they
/// read in comments.
public struct UnaryFunction: Hashable, Sendable, CustomStringConvertible {
    /// The function's definition.
    public let op: UnaryOp
    /// The attribute's value (0 when the op has none).
    public let attribute: Double

    /// `op` with `attribute`, or with its default.
    public init(_ op: UnaryOp, _ attribute: Double? = nil) {
        self.op = op
        self.attribute = attribute ?? op.attribute?.defaultValue ?? 0
    }

    public static func == (a: UnaryFunction, b: UnaryFunction) -> Bool {
        a.op == b.op && a.attribute.bitPattern == b.attribute.bitPattern
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(op)
        hasher.combine(attribute.bitPattern)
    }

    /// `relu`, or `elu(alpha: 0.7)` (as drawings label the op).
    public var description: String {
        op.attribute.map { "\(op.name)(\($0.name): \(attribute))" } ?? op.name
    }

    /// f(x) in Double.
    func evaluate(_ x: Double) -> Double { op.evaluate(x, attribute) }
    /// f(x) as Swift.
    func swift(_ x: SwiftExpression, _ math: SwiftMath) -> SwiftExpression { op.swift(x, attribute, math) }
    /// The forward formula for the operand's text.
    func formula(_ x: String) -> String { op.formula(x, attribute) }
}

/// What a unary pullback works with: `y = f(x)`, the adjoint `dy` of y, and names for comments.
public struct UnaryPullbackStep: Sendable {
    /// The function's attribute (0 without one).
    public let attribute: Double
    /// The input x, the output y, and y's adjoint.
    public let x: ValueID, y: ValueID, dy: ValueID
    /// x as comments show it (a literal as its number), and x's value name.
    public let xText: String, xName: String
    /// y's name.
    public let yName: String
    /// `dL/dy` (or dy's number) and `dL/dx`.
    public let dyText: String, dxText: String
    /// The name of the value holding dx.
    public let dxName: String

    /// Appends `dx = dy · local` with the comment `dL/dx = dL/dy · <product>   (∂y/∂x = <local>)`.
    func times(_ local: ValueID, reads product: String, localGradient: String, _ b: inout GraphBuilder) -> ValueID {
        b.binary(.mul, dy, local, dxName, OpComment("\(dxText) = \(dyText) · \(product)", .localGradient("∂\(yName)/∂\(xText) = \(localGradient)")))
    }

    /// A helper value of the pullback, named after y (`h1_slope`).
    func helper(_ suffix: String) -> String { "\(yName)_\(suffix)" }
}
