/// The static functions that compute one lowering of a network on raw pointers: the forward pass
/// (`computeScores`), the loss (`computeLoss`) and the loss with its gradient
/// (`computeLossAndGradient`), each name followed by `suffix`.
///
/// A network is emitted twice: at the spec's batch (no suffix), and, when that batch is larger
/// than 1, at batch 1 (`Single`), which scores and trains on the examples past the last full
/// batch (see `NetworkAPIEmitter`). Each lowering has its own plan, scratch layout and outlined
/// kernels; the product kernels and fast math functions they call are emitted once.
struct ComputeFunctions {
    let model: NetworkModel
    let plan: ExecutionPlan
    let names: ValueNames
    /// The fused training step, when the model has its shape (the batch lowering only).
    let fused: FusedHiddenLayer?
    /// What follows the functions' names: `""` or `"Single"`.
    let suffix: String

    /// Plans `model` for emission (see `NetworkEmitter.init`); `fusedStep` allows the fused
    /// training step.
    init(model: NetworkModel, unrollLimit: Int, fusion: Bool, fusedStep: Bool, suffix: String) {
        self.model = model
        self.suffix = suffix
        var slots: [ValueID: Int] = [:]
        for (slice, adjoint) in model.gradients {
            if case .parameter(let offset) = model.graph[slice].role { slots[adjoint] = offset }
        }
        // The batch statistics are read by `trainStep` after the pass, to update the running ones.
        let targets = [model.scores] + (model.loss.map { [$0] } ?? []) + model.gradients.map(\.adjoint) + model.runningStatistics.map(\.statistics)
        var fused = fusion && fusedStep ? FusedHiddenLayer(model, unroll: UnrollPolicy(limit: unrollLimit)) : nil
        plan = ExecutionPlan(graph: model.graph, targets: targets, gradientSlots: slots, unrollLimit: unrollLimit,
                             fastMath: true, fusion: fusion, unstored: fused?.internalValues(of: model) ?? [],
                             scalarBytes: model.spec.scalar.byteCount)
        fused?.scratchBase = ExecutionPlan.aligned(plan.scratchCount)
        self.fused = fused
        names = ValueNames(model.graph)
    }

    /// Scalars of scratch the functions use.
    var scratchCount: Int { fused?.scratchCount ?? plan.scratchCount }

    /// Where the scores are planned in the scratch: where `computeScores` writes them for the loss.
    var scoresOffset: Int {
        guard case .pointer("s", let offset) = plan.location(model.scores) else { preconditionFailure("scores not in scratch") }
        return offset
    }

    /// Where `value` is planned in the scratch.
    func scratchOffset(of value: ValueID) -> Int {
        guard case .pointer("s", let offset) = plan.location(value) else { preconditionFailure("\(model.graph[value].name) not in scratch") }
        return offset
    }

    /// Writes the functions, then the kernels they outline. A training graph with dropout reads its
    /// masks from `m`; an inference graph (`NetworkMode.inference`) has no gradient function.
    func emit(_ w: inout CodeWriter) {
        let outliner = KernelOutliner(plan: plan, names: names, prefix: "outlined\(suffix)")
        defer { outliner.emit(&w) }
        let f = FunctionEmitter(plan: plan, names: names, outliner: outliner)
        let scalarIn = "UnsafePointer<Scalar>", scalarOut = "UnsafeMutablePointer<Scalar>"
        let p = FunctionEmitter.Parameter(name: "p", type: scalarIn), x = FunctionEmitter.Parameter(name: "x", type: scalarIn)
        let s = FunctionEmitter.Parameter(name: "s", type: scalarOut), g = FunctionEmitter.Parameter(name: "g", type: scalarOut)
        let o = FunctionEmitter.Parameter(name: "o", type: scalarOut)
        let masks = model.maskCount > 0 ? [FunctionEmitter.Parameter(name: "m", type: scalarIn)] : []
        let m = masks.isEmpty ? "" : "m, "
        let mode = model.mode == .training && model.spec.hasTrainingMode ? " in training (batch statistics\(masks.isEmpty ? "" : ", dropout masks at `m`"))" : ""
        let batch = model.spec.batch == 1 ? "one example" : "\(model.spec.batch) examples"
        // The scores go to `o`: the caller's buffer for `scores(_:into:workspace:)`, which then
        // copies nothing (a 256 × 1,024 scores copy was 0.7% of that product's time, and at batch 1
        // the copy's loads waited for the scores' scalar stores), or their planned place in the
        // scratch, where the loss reads them.
        f.emit(name: "computeScores\(suffix)", doc: "Forward pass of \(batch)\(mode): the scratch at `s`, scores into `o` ([\(model.spec.batch)][outputCount]).",
               parameters: [p, x] + masks + [s, o], targets: [model.scores], result: nil, backwardFrom: nil, inlined: model.loss != nil,
               placed: [model.scores: "o"], epilogue: [], &w)
        guard let loss = model.loss else { return }
        let target = model.targets != nil
            ? FunctionEmitter.Parameter(name: "t", type: scalarIn) : FunctionEmitter.Parameter(name: "y", type: "UnsafePointer<Int>")
        let firstBackward = model.graph.producers[loss.index]! + 1
        // The forward pass is emitted once, in computeScores; the other entry points call it.
        let forward = FunctionEmitter.Prelude(call: "Self.computeScores\(suffix)(p, x, \(m)s, s + \(scoresOffset))",
                                              ops: Set(model.graph.opsNeeded(for: [model.scores])))
        w.line("")
        f.emit(name: "computeLoss\(suffix)", doc: "Forward pass and loss of \(batch)\(mode).", parameters: [p, x, target] + masks + [s],
               targets: [loss], result: "Scalar", backwardFrom: nil, prelude: forward, epilogue: ["", "return \(names[loss])[0]"], &w)
        guard model.mode == .training else { return }
        w.line("")
        let rewrite = fused.map { fused in
            FunctionEmitter.Rewrite(ops: fused.pattern.ops, pointers: fused.pointers) { [plan, names] w in fused.emit(plan: plan, names: names, &w) }
        }
        f.emit(name: "computeLossAndGradient\(suffix)", doc: "Forward pass, loss, and the backward pass writing dL/dp into `g`, for \(batch)\(mode).",
               parameters: [p, x, target] + masks + [g, s], targets: [loss] + model.gradients.map(\.adjoint) + model.runningStatistics.map(\.statistics), result: "Scalar",
               backwardFrom: firstBackward, prelude: forward, rewrite: rewrite, epilogue: ["", "return \(names[loss])[0]"], &w)
    }
}
