/// Decisions made before emitting: which values live where, which elementwise ops are fused
/// into their consumer's loop, and which ops are unrolled.
struct ExecutionPlan {
    /// Where a value's elements are read from in emitted code.
    enum Location: Equatable {
        /// A pointer parameter of the emitted function (`x`, `y`, `t`) or a `let` pointer into `p`, `g`, `s`.
        case pointer(base: String, offset: Int)
        /// A literal.
        case literal(String)
        /// Fused: computed inside the consumer's loop body, never stored.
        case fused
    }

    let graph: Graph
    /// Every op the training (or inference) entry points need, in graph order.
    let liveOps: [Int]
    /// Location of every value (indexed by value id).
    private(set) var locations: [Location]
    /// Scratch elements needed.
    private(set) var scratchCount = 0
    /// Ops whose work (elements, or multiply-adds for matmul) is at most this are unrolled.
    let unrollLimit: Int

    /// Plans `graph` for computing `targets`; `gradientSlots` maps adjoint values to offsets in `g`.
    init(graph: Graph, targets: [ValueID], gradientSlots: [ValueID: Int], unrollLimit: Int) {
        self.graph = graph
        self.unrollLimit = unrollLimit
        liveOps = graph.opsNeeded(for: targets)
        var consumers = [[Int]](repeating: [], count: graph.values.count)
        for i in liveOps { for input in Set(graph.ops[i].inputs) { consumers[input.index].append(i) } }
        let targetSet = Set(targets)
        locations = graph.values.map { v in
            switch v.role {
            case .input: return .pointer(base: "x", offset: 0)
            case .labels: return .pointer(base: "y", offset: 0)
            case .targets: return .pointer(base: "t", offset: 0)
            case .parameter(let offset): return .pointer(base: "p", offset: offset)
            case .constant(let c): return .literal(SwiftLiteral.real(c))
            case .computed: return .fused  // placed below
            case .variable: preconditionFailure("graph specs are emitted by GraphEmitter, not planned here")
            }
        }
        for i in liveOps {
            let op = graph.ops[i], out = op.output
            if let slot = gradientSlots[out] {
                locations[out.index] = .pointer(base: "g", offset: slot)
            } else if !targetSet.contains(out), canFuse(op, into: consumers[out.index]) {
                locations[out.index] = .fused
            } else {
                locations[out.index] = .pointer(base: "s", offset: scratchCount)
                scratchCount += graph[out].shape.count
            }
        }
    }

    /// An elementwise op is fused into its only consumer when that consumer is an elementwise op
    /// of the same shape (so they share one loop) and is not unrolled differently.
    private func canFuse(_ op: Op, into consumers: [Int]) -> Bool {
        guard op.kind.isElementwise, consumers.count == 1 else { return false }
        let consumer = graph.ops[consumers[0]]
        let shape = graph[op.output].shape
        guard consumer.kind.isElementwise, graph[consumer.output].shape == shape else { return false }
        // Every operand must be full-shape, scalar, or the same trailing suffix as the consumer's.
        let suffixes = Set((op.inputs + consumer.inputs).map { graph[$0].shape }.filter { !$0.isScalar && $0 != shape })
        return suffixes.count <= 1
    }

    /// True when `op` is emitted as straight-line code.
    func isUnrolled(_ op: Op) -> Bool { work(op) <= unrollLimit }

    /// Scalar operations an op performs, the measure the unroll limit applies to.
    func work(_ op: Op) -> Int {
        switch op.kind {
        case .matmul(let s): return s.m * s.n * s.k
        case .softmaxCrossEntropy, .softmaxCrossEntropyGradient, .hinge, .hingeGradient,
             .meanSquaredError, .meanSquaredErrorGradient:
            return Int.max  // losses index by labels: always loops
        default:
            return max(graph[op.output].shape.count, op.inputs.map { graph[$0].shape.count }.max() ?? 0)
        }
    }

    /// The location of `id`.
    func location(_ id: ValueID) -> Location { locations[id.index] }
}
