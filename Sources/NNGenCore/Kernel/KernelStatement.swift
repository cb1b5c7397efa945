/// The loop-level IR: what one op (or one fused group of ops) computes, as loop nests, scalar
/// lets, loads, stores and reductions over IR values. `KernelLowering` builds it, once for both
/// forms; `NetworkRenderer` and `GraphRenderer` render it, differing only in where values live
/// (pointers into planned storage, or Swift arrays and locals).
indirect enum KernelStatement: Sendable, Equatable {
    /// `for counter in lower..<upper where filter { body }`.
    case loop(counter: String, lower: Int, upper: Int, filter: SwiftExpression?, body: [KernelStatement])
    /// `let name: type = value` (`var` when `mutable`); no type is written for `nil`.
    case local(name: String, type: LocalType?, value: SwiftExpression, mutable: Bool)
    /// `name op value` for a local: `total += term`.
    case update(name: String, op: Assignment, value: SwiftExpression)
    /// `value[index] op expression` (a scalar value has no index).
    case store(ValueID, index: SwiftExpression?, op: Assignment, value: SwiftExpression)
    /// Every element of a value set to one expression (that reads no element of it).
    case fill(ValueID, SwiftExpression)
    /// Every element of a value copied from another of the same shape.
    case copy(ValueID, from: ValueID)
    /// A value that lives in a local of its consumer's loop body (fused): `let name: Scalar = e`.
    case define(ValueID, SwiftExpression)
    /// `do { body }`: a scope for locals.
    case scope([KernelStatement])
    /// A call of an emitted helper on pointers: `Self.productRows(a, 1, 2, b, c, 300, 2, 100)`.
    case call(String, [KernelArgument], note: String?)
    /// A product's call with an epilogue (`ProductKernels.Epilogue`): the trailing closure
    /// `{ row, rows, column, columns in … }` runs `body` for each element (r, c) of each final
    /// block of C, with `i = r·rowLength + c` (`rowLength`: the elements of a row of C).
    /// `wholeRows`: the helper passes whole rows and the body reads every value at its element,
    /// so one loop over the rows' elements runs it.
    case callWithEpilogue(String, [KernelArgument], rowLength: Int, wholeRows: Bool, body: [KernelStatement])

    /// The type of a local.
    enum LocalType: String, Sendable {
        case scalar = "Scalar", bool = "Bool"
    }

    /// `=`, `+=`, `-=`, `*=`, `/=`.
    enum Assignment: String, Sendable {
        case set = "=", add = "+=", subtract = "-=", multiply = "*=", divide = "/="
    }

    /// `for counter in 0..<count { body }`.
    static func loop(_ counter: String, _ count: Int, _ body: [KernelStatement]) -> KernelStatement {
        .loop(counter: counter, lower: 0, upper: count, filter: nil, body: body)
    }

    /// `value[index] = expression`.
    static func store(_ value: ValueID, _ index: SwiftExpression?, _ expression: SwiftExpression) -> KernelStatement {
        .store(value, index: index, op: .set, value: expression)
    }

    /// `let name: Scalar = value`, or `var` when `mutable`.
    static func scalar(_ name: String, _ value: SwiftExpression, mutable: Bool = false) -> KernelStatement {
        .local(name: name, type: .scalar, value: value, mutable: mutable)
    }

    /// `let name = value`, its type inferred (an index, a label, a flag).
    static func named(_ name: String, _ value: SwiftExpression) -> KernelStatement {
        .local(name: name, type: nil, value: value, mutable: false)
    }

    /// True for a statement that declares a local.
    var declaresLocal: Bool {
        switch self {
        case .local, .define: return true
        default: return false
        }
    }
}

/// An argument of an emitted helper.
enum KernelArgument: Sendable, Equatable {
    /// A pointer to a value's storage, read.
    case input(ValueID)
    /// A pointer to a value's storage, written.
    case output(ValueID)
    /// A pointer into the scratch at an offset (a planned temporary).
    case scratch(Int)
    /// A size or stride.
    case int(Int)
    /// A real constant (batch norm's ε).
    case real(Double)
    /// No array, for an optional pointer (`nil`).
    case none
}

/// The statements computing one op, with what the reader should know about them.
struct Kernel: Sendable {
    /// The comments above the code: the formula of each op it computes, producers first.
    var comments: [String]
    var body: [KernelStatement]
    /// True when its locals need a scope of their own (they would clash with the next kernel's).
    var declaresLocals: Bool { body.contains(where: \.declaresLocal) }
}
