/// The ops of the graph form (SPEC-LANGUAGE.md, "Graph form"), spelled as in specs.
public enum GraphOp: String, CaseIterable, Sendable {
    case add, sub, mul, div
    case neg, exp, log, square, sqrt
    case sigmoid, tanh, relu
    case leakyRelu = "leaky_relu"
    case elu
    case max, min
    case matmul, transpose, dot
    case sum, mean
    case sumSquares = "sum_squares"

    /// Elementwise ops of two operands, where a scalar operand broadcasts.
    public var isBinaryElementwise: Bool { [.add, .sub, .mul, .div, .max, .min].contains(self) }
    /// Ops that take an optional numeric `alpha` after their operand.
    public var takesAlpha: Bool { self == .leakyRelu || self == .elu }
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
        /// The operands (for leaky_relu and elu, without `alpha`).
        public var arguments: [Argument]
        /// The `alpha` of leaky_relu (default 0.01) and elu (default 1).
        public var alpha: Double?
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
