/// Builds a `Graph` op by op, inferring each output's shape with `OpRules.outputShape`.
public struct GraphBuilder: Sendable {
    public private(set) var graph = Graph()
    private var constants: [UInt64: ValueID] = [:]

    /// Creates an empty builder.
    public init() {}

    /// Declares an input, labels, targets or parameter value.
    public mutating func declare(_ name: String, _ shape: Shape, role: ValueRole) -> ValueID {
        graph.addValue(name: name, shape: shape, role: role)
    }

    /// The scalar literal `value` (one value per distinct literal). Its name starts with `_`, which
    /// no spec name can, so a literal never takes a name a spec uses later.
    public mutating func constant(_ value: Double) -> ValueID {
        if let id = constants[value.bitPattern] { return id }
        let id = graph.addValue(name: "_c\(constants.count)", shape: .scalar, role: .constant(value))
        constants[value.bitPattern] = id
        return id
    }

    /// Appends `kind(inputs)` as a new value named `name`; `shape` overrides inference where the
    /// op needs it (matmul with vectors, broadcasting copies, sumToShape). A unary or binary op
    /// whose inputs are all literals is folded into a literal instead.
    @discardableResult
    public mutating func op(_ kind: OpKind, _ inputs: [ValueID], name: String, shape: Shape? = nil, comment: OpComment) -> ValueID {
        if let folded = fold(kind, inputs) { return constant(folded) }
        let inferred = shape ?? OpRules.outputShape(kind, inputs.map { graph[$0].shape })
        let output = graph.addValue(name: name, shape: inferred, role: .computed)
        graph.append(Op(kind: kind, inputs: inputs, output: output, comment: comment))
        return output
    }

    /// The value of `kind(inputs)` when it is a unary or binary function of literals.
    private func fold(_ kind: OpKind, _ inputs: [ValueID]) -> Double? {
        let literals = inputs.compactMap { id -> Double? in
            if case .constant(let c) = graph[id].role { return c }
            return nil
        }
        guard literals.count == inputs.count else { return nil }
        switch kind {
        case .unary(let f): return f.evaluate(literals[0])
        case .binary(let f): return f.evaluate(literals[0], literals[1])
        default: return nil
        }
    }

    /// The shape of `id`.
    public func shape(_ id: ValueID) -> Shape { graph[id].shape }
    /// The name of `id`.
    public func name(_ id: ValueID) -> String { graph[id].name }
    /// How `id` reads in a comment: its name, or its number for a constant.
    public func describe(_ id: ValueID) -> String {
        if case .constant(let c) = graph[id].role { return SwiftLiteral.real(c) }
        return graph[id].name
    }

    // Shorthands used by lowering and by the pullback rules.

    mutating func unary(_ f: UnaryFunction, _ x: ValueID, _ name: String, _ comment: OpComment) -> ValueID {
        op(.unary(f), [x], name: name, comment: comment)
    }

    mutating func binary(_ f: BinaryFunction, _ a: ValueID, _ b: ValueID, _ name: String, _ comment: OpComment) -> ValueID {
        op(.binary(f), [a, b], name: name, comment: comment)
    }

    mutating func select(_ mask: ValueID, _ a: ValueID, _ b: ValueID, _ name: String, _ comment: OpComment) -> ValueID {
        op(.select, [mask, a, b], name: name, shape: OpRules.broadcastShape([shape(mask), shape(a), shape(b)]), comment: comment)
    }

    /// `x` repeated to `shape` (x is a scalar or a trailing suffix of `shape`).
    mutating func broadcast(_ x: ValueID, to shape: Shape, _ name: String, _ comment: OpComment) -> ValueID {
        op(.copy, [x], name: name, shape: shape, comment: comment)
    }
}
