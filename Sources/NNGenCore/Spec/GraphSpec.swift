/// The ops of the graph form (docs/SPEC-LANGUAGE.md, "Graph form"): the elementwise functions
/// of their definitions (`BinaryFunction`, `UnaryOp`) and the structural ops.
public enum GraphOp: Sendable, Hashable {
    case binary(BinaryFunction)
    case unary(UnaryOp)
    case matmul, transpose, dot, sum, mean, sumSquares

    /// Every op, in the order messages list them.
    public static let all: [GraphOp] = BinaryFunction.graphOps.map(GraphOp.binary) + UnaryOp.all.map(GraphOp.unary)
        + [.matmul, .transpose, .dot, .sum, .mean, .sumSquares]

    /// The op spelled `name` in a spec.
    public init?(name: String) {
        guard let op = Self.all.first(where: { $0.name == name }) else { return nil }
        self = op
    }

    /// How specs spell it.
    public var name: String {
        switch self {
        case .binary(let f): return f.rawValue
        case .unary(let op): return op.name
        case .matmul: return "matmul"
        case .transpose: return "transpose"
        case .dot: return "dot"
        case .sum: return "sum"
        case .mean: return "mean"
        case .sumSquares: return "sum_squares"
        }
    }

    /// Elementwise ops of two operands, where a scalar operand broadcasts.
    public var isBinaryElementwise: Bool {
        if case .binary = self { return true }
        return false
    }

    /// The numeric attribute written after the operand (`leaky_relu(x, 0.2)`, `pow(x, 3)`).
    public var attribute: OpAttribute? {
        if case .unary(let op) = self { return op.attribute }
        return nil
    }
}

/// A validated spec in the graph form: named inputs and params, then ordered nodes.
public struct GraphSpec: Sendable {
    /// One input or param: a stored property of the generated struct.
    public struct Variable: Sendable {
        public var name: String
        public var shape: Shape
        /// True for `params:` (trainable), false for `inputs:`.
        public var isParam: Bool
        /// Where its name is written.
        public var location: SourceLocation
    }

    /// An argument of a node: a name (input, param or earlier node) or a numeric literal.
    public enum Argument: Sendable, Hashable {
        case name(String)
        case number(Double)
    }

    /// One node `name: op(arguments)`, with its shape inferred and checked.
    public struct Node: Sendable {
        public var name: String
        public var op: GraphOp
        /// The operands (without the op's attribute).
        public var arguments: [Argument]
        /// The value of the op's attribute (given or default), such as leaky_relu's alpha.
        public var attribute: Double?
        public var shape: Shape
        /// Where its name is written.
        public var location: SourceLocation
    }

    public var name: String
    public var scalar: ScalarType
    /// Inputs and params in the order the spec declares them (the generated struct's order).
    public var variables: [Variable]
    public var nodes: [Node]
    /// The name of the scalar node whose value and gradient are generated.
    public var output: String

    /// The shape of the input, param or node called `name`.
    public func shape(of name: String) -> Shape? {
        variables.first { $0.name == name }?.shape ?? nodes.first { $0.name == name }?.shape
    }
}
