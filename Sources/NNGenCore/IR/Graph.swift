/// A stable identifier of a value in a `Graph`: its index in `Graph.values`.
public struct ValueID: Hashable, Comparable, Sendable {
    public let index: Int
    public static func < (a: ValueID, b: ValueID) -> Bool { a.index < b.index }
}

/// Where a value comes from.
public enum ValueRole: Hashable, Sendable {
    /// The caller's input batch.
    case input
    /// The caller's class indices (integers), one per example.
    case labels
    /// The caller's real targets (mean squared error).
    case targets
    /// A slice of the flat parameter vector starting at `offset`.
    case parameter(offset: Int)
    /// A dropout layer's mask in training (0, or 1/(1 − rate) for a kept unit), at `offset` in
    /// the masks the entry point draws before the forward pass.
    case dropoutMask(offset: Int)
    /// An input or param of a graph spec (a stored property of the generated struct).
    case variable
    /// A numeric literal (always a scalar).
    case constant(Double)
    /// The result of an op.
    case computed
}

/// One value of the IR: a named array of static shape.
public struct Value: Sendable {
    public let id: ValueID
    /// A readable name, unique in the graph, used for emitted identifiers and messages.
    public let name: String
    public let shape: Shape
    public let role: ValueRole
}

/// One operation: `output = kind(inputs)`.
public struct Op: Sendable {
    public let kind: OpKind
    public let inputs: [ValueID]
    public let output: ValueID
    /// What the op computes in the model's terms (forward) or which chain-rule step it is (backward).
    public let comment: OpComment
}

/// The IR: values with static shapes and the ordered ops that compute them.
///
/// Ops are in a valid evaluation order (each op's inputs come earlier). Ids are indices, so every
/// traversal is deterministic.
public struct Graph: Sendable {
    public private(set) var values: [Value] = []
    public private(set) var ops: [Op] = []
    private var usedNames: Set<String> = []
    /// For each name asked for more than once, the suffix to try next (names are never freed, so
    /// the smaller suffixes stay taken and the search need not start again at 2).
    private var nextSuffix: [String: Int] = [:]

    /// Creates an empty graph.
    public init() {}

    /// The value with `id`.
    public subscript(_ id: ValueID) -> Value { values[id.index] }

    /// Adds a value; its name is made unique by a numeric suffix when taken.
    mutating func addValue(name: String, shape: Shape, role: ValueRole) -> ValueID {
        var unique = name
        if usedNames.contains(unique) {
            var n = nextSuffix[name, default: 2]
            repeat {
                unique = "\(name)_\(n)"
                n += 1
            } while usedNames.contains(unique)
            nextSuffix[name] = n
        }
        usedNames.insert(unique)
        let id = ValueID(index: values.count)
        values.append(Value(id: id, name: unique, shape: shape, role: role))
        return id
    }

    /// Appends an op (its output value must already exist).
    mutating func append(_ op: Op) { ops.append(op) }

    /// For each value, the index of the op that produces it (nil for inputs, params, constants).
    public var producers: [Int?] {
        var result = [Int?](repeating: nil, count: values.count)
        for (i, op) in ops.enumerated() { result[op.output.index] = i }
        return result
    }

    /// The indices of the ops needed to compute `targets`, in graph order.
    public func opsNeeded(for targets: [ValueID]) -> [Int] {
        let producers = self.producers
        var needed = [Bool](repeating: false, count: ops.count)
        var stack = targets
        while let v = stack.popLast() {
            guard let i = producers[v.index], !needed[i] else { continue }
            needed[i] = true
            stack.append(contentsOf: ops[i].inputs)
        }
        return needed.indices.filter { needed[$0] }
    }
}
