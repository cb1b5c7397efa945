/// A rewrite of the training step: the ops of a `HiddenLayerPattern` (`loss(f(x·W1 + b1)·W2 + b2)`
/// and their backward pass) computed in one kernel that keeps its sums in registers and stores
/// one `[H × batch]` matrix (h), where the planned graph makes several passes over such matrices
/// (z, h, their gradients, and the products between them). The rest of the step (L2, the total
/// loss, adding gradient terms) stays planned. `docs/performance/spiral.md` has the measurements.
///
/// The kernel holds no math of its own: f and its derivative are the IR's ops (the pullback the
/// differentiator wrote from f's definition), rendered on SIMD vectors by `LaneExpression`; the
/// loss and its gradient are the loss definition's kernel, on scores stored transposed. What it
/// adds is the loop structure:
///
/// - Layout: x transposed (one row per feature), the batch padded to whole vectors (padding
///   examples have zero inputs, and their dL/dscores are cleared, so they add nothing to a sum).
/// - Forward, one vector of examples (`Lanes`, 512 bits) at a time (bias and activation in the
///   product's epilogue): for each hidden unit j, z = b1[j] + Σₖ xₖ·W1[k, j], h = f(z) (stored
///   transposed, one row per unit, when the backward pass goes over examples), and
///   sᶜ += h·W2[j, c].
/// - The loss and dL/dscores, per example, over the transposed scores (one pass where the loss's
///   definition has one); dL/db2 = Σ over examples of dL/dscores.
/// - Backward, in one of two orders (`BackwardOrder`, chosen by the batch and the registers it
///   needs): dh = Σ_c
///   dL/dsᶜ·W2[j, c], dz from dh by f's pullback (the activation's derivative in the backward
///   product), and the sums dW2[j, c] = Σ h·dL/dsᶜ, db1[j] = Σ dz and dW1[k, j] = Σ xₖ·dz in
///   registers, into the gradient terms the planned ops read.
///
/// It is chosen where the last dimension of every vector it holds fits the registers (at most
/// `maximumInputs` inputs and `maximumClasses` classes) and f's ops have a vector form.
struct FusedHiddenLayer {
    static let maximumInputs = 4
    /// Measured over 2–24 classes (2 inputs, 100 hidden units, batch 300; docs/performance/spiral.md):
    /// the step takes a third to a half of the planned graph's time up to 12 classes; from 16 on,
    /// where its class vectors no longer fit the registers, the two are within noise of each other.
    static let maximumClasses = 12

    let pattern: HiddenLayerPattern
    let isFloat: Bool
    /// Where its scratch starts: after the planned graph's (set once the graph is planned).
    var scratchBase = 0
    /// The forward pass's vectors, one example per lane (512 bits), and the backward pass's, at
    /// 256 bits: one hidden unit or one example per lane, by `backwardOrder`. Either way the
    /// backward pass's loop holds C + K + 1 vectors of sums (or, over units, as many weight
    /// vectors in its other loop), which at 512 bits would take twice as many of AVX2's 16
    /// registers.
    let examples: LaneHelpers
    let backward: LaneHelpers
    let backwardOrder: BackwardOrder
    /// The activation (on `examples` and on `backward`) and its derivative (on `backward`), one
    /// vector statement per op.
    let forward: String
    let forwardOnBackwardLanes: String
    let derivative: [(name: ValueID, text: String)]

    /// How the backward pass runs.
    enum BackwardOrder {
        /// For each vector of hidden units, two loops over the examples: the first recomputes z
        /// and h and takes dh and dz, holding the units' weights, and stores h and dz; the second
        /// adds them into the sums. Nothing of size `[batch × H]` is stored.
        case overUnits
        /// For each hidden unit, one loop over vectors of examples, reading the h the forward pass
        /// stored, into vectors of partial sums whose lanes are added after the last unit. Only
        /// where the activation's derivative reads h, not z.
        case overExamples
    }

    /// From this batch on the backward pass goes over examples when its vectors fit the registers
    /// (`examplesOrderRegisters`), and from `examplesOrderMinimumBatchSpilling` on in any case.
    /// Over units it costs more per example (two loops, z and h recomputed, h and dz stored and
    /// read back, and a second loop that waits on its sums' chains when they are fewer than 8);
    /// over examples it costs C + K + 1 additions across lanes per unit and the last vector's
    /// padding, and spills when its 2C + K + 1 vectors (the sums and W2's row) and the
    /// temporaries outnumber the 16 registers of AVX2. Chosen on 57 shapes (on 10 of them a first
    /// rule, from batch 65, lost up to 0.87×), then checked on 10 not used to choose it: 1.06×
    /// the order over units in geometric mean, 0.93–1.26× (docs/performance/spiral.md, "The
    /// backward pass over examples"). The spiral, batch 300: 15.1 → 12.9 µs.
    static let examplesOrderMinimumBatch = 96
    static let examplesOrderMinimumBatchSpilling = 129
    /// The most vectors (2C + K + 1) the loop over examples holds without spilling, of 16.
    static let examplesOrderRegisters = 12

    /// The backward pass's order for `pattern`: over examples needs a derivative of h alone (only
    /// h is stored), as relu's and leaky relu's are.
    static func backwardOrder(for pattern: HiddenLayerPattern) -> BackwardOrder {
        let (batch, vectors) = (pattern.batch, 2 * pattern.classCount + pattern.inputCount + 1)
        guard !pattern.derivative.contains(where: { $0.inputs.contains(pattern.preActivation) }) else { return .overUnits }
        if batch >= examplesOrderMinimumBatchSpilling || (batch >= examplesOrderMinimumBatch && vectors <= examplesOrderRegisters) {
            return .overExamples
        }
        return .overUnits
    }

    /// The rewrite for `model`, or nil where its training graph does not have the pattern, the
    /// sizes are past the limits, the planned graph unrolls the hidden layer (`unroll`: then its
    /// values already stay in registers, and the step measured 0.77× its speed at batch 4 with 4
    /// units), or the activation's ops have no vector form (see `LaneExpression`).
    init?(_ model: NetworkModel, unroll: UnrollPolicy) {
        guard let pattern = HiddenLayerPattern(model), pattern.inputCount <= Self.maximumInputs,
              (2...Self.maximumClasses).contains(pattern.classCount),
              !unroll.unrolls(pattern.activation, in: model.graph) else { return nil }
        self.pattern = pattern
        isFloat = model.spec.scalar == .float
        let names = ValueNames(model.graph)
        let math = SwiftMath(fast: isFloat)
        let spell: SwiftExpression.Spelling = { id, _ in names[id] }
        func operand(_ id: ValueID) -> SwiftExpression {
            if case .constant(let c) = model.graph[id].role { return .literal(c) }
            return .element(id, nil)
        }
        examples = LaneHelpers(vector: "Lanes", count: isFloat ? 16 : 8)
        backward = LaneHelpers(vector: "BackwardLanes", count: isFloat ? 8 : 4)
        backwardOrder = Self.backwardOrder(for: pattern)
        let f = KernelLowering.elementwiseExpression(pattern.activation, [operand(pattern.preActivation)], math)
        guard let h = LaneExpression.vectorize(f, examples), let hOnBackwardLanes = LaneExpression.vectorize(f, backward) else { return nil }
        forward = h.render(spell)
        forwardOnBackwardLanes = hOnBackwardLanes.render(spell)
        // A comparison read only as selects' masks is written into their conditions instead of as 1/0.
        let comparisons = Dictionary(uniqueKeysWithValues: pattern.derivative.compactMap { op -> (ValueID, Op)? in
            let users = pattern.derivative.filter { $0.inputs.contains(op.output) }
            return KernelLowering.isSelectMask(op, users: users) ? (op.output, op) : nil
        })
        var statements: [(ValueID, String)] = []
        for op in pattern.derivative where comparisons[op.output] == nil {
            var e = KernelLowering.elementwiseExpression(op, op.inputs.map(operand), math)
            if op.kind == .select, let comparison = comparisons[op.inputs[0]], case .binary(let f) = comparison.kind {
                let condition = SwiftExpression.infix(operand(comparison.inputs[0]), f.comparison!, operand(comparison.inputs[1]))
                e = .conditional(condition, operand(op.inputs[1]), operand(op.inputs[2]))
            }
            guard let vector = LaneExpression.vectorize(e, backward) else { return nil }
            statements.append((op.output, vector.render(spell)))
        }
        derivative = statements
    }

    /// Examples per vector in the forward pass.
    var lanes: Int { examples.count }
    /// Units or examples per vector in the backward pass.
    var backwardLanes: Int { backward.count }
    var K: Int { pattern.inputCount }
    var H: Int { pattern.hiddenCount }
    var C: Int { pattern.classCount }
    var N: Int { pattern.batch }
    /// The batch rounded up to whole vectors (padding examples have zero inputs and no loss), of
    /// both passes (the backward pass's vectors are half the forward pass's).
    var paddedBatch: Int { (N + lanes - 1) / lanes * lanes }
    var NP: Int { paddedBatch }

    // Scratch layout, from `scratchBase`: every array transposed or padded for vector access.
    private var inputsOffset: Int { scratchBase }  // [K × NP]
    private var scoresOffset: Int { inputsOffset + K * NP }  // [C × NP]
    private var dScoresOffset: Int { Self.apart(scoresOffset + C * NP, from: scoresOffset, byBytes: 2048, isFloat: isFloat) }  // [C × NP]
    private var lossesOffset: Int { Self.apart(dScoresOffset + C * NP, from: scoresOffset, byBytes: 1024, isFloat: isFloat) }  // [N]
    private var labelsOffset: Int { lossesOffset + N }  // [N] when `hasScalarLabels`
    /// Where the backward pass's own scratch starts (`backwardScratchCount` scalars).
    var backwardOffset: Int { labelsOffset + (hasScalarLabels ? N : 0) }
    /// Scratch scalars the plan and the step use together.
    var scratchCount: Int { backwardOffset + backwardScratchCount }
    /// The backward pass's scratch: over examples, h transposed and each unit's sums by lane;
    /// over units, padded copies of the weights, the sums, and one vector of units' h and dz.
    private var backwardScratchCount: Int {
        switch backwardOrder {
        case .overExamples: return H * NP + H * (C + K + 1) * backwardLanes
        case .overUnits: return unitsScratchCount
        }
    }

    /// The first offset from `offset` on whose distance from `base` is `bytes` modulo 4 KiB. The
    /// loss pass reads the scores and writes at the same indices of the gradient and the losses:
    /// a store 4 KiB (modulo) behind a later load makes the CPU wait for it (4K aliasing), which
    /// measured 1.0 or 7.7 µs for the same pass depending on the offset (docs/performance/spiral.md).
    static func apart(_ offset: Int, from base: Int, byBytes bytes: Int, isFloat: Bool) -> Int {
        let size = isFloat ? 4 : 8, period = 4096 / size, target = bytes / size
        return offset + ((target - (offset - base)) % period + period) % period
    }

    /// The values only the kernel computes and reads: those of its ops that no other entry point
    /// needs (`computeScores` and `computeLoss` compute the forward pass and the loss) and that
    /// are not its outputs. The plan gives them no storage.
    func internalValues(of model: NetworkModel) -> Set<ValueID> {
        let graph = model.graph
        let elsewhere = Set(graph.opsNeeded(for: [model.scores] + (model.loss.map { [$0] } ?? [])))
        return Set(pattern.ops.subtracting(elsewhere).map { graph.ops[$0].output }).subtracting(pattern.outputs)
    }

    /// The values the kernel reads or writes through the function's pointers.
    var pointers: [ValueID] {
        [pattern.W1, pattern.b1, pattern.W2, pattern.b2] + pattern.outputs
    }

    // MARK: Emission

    /// The vector type and its helpers, emitted once in the model.
    func emitHelpers(_ w: inout CodeWriter) {
        w.line("// MARK: Fused hidden-layer step")
        w.line("")
        w.doc("\(lanes) examples, in the forward pass: 512 bits of `Scalar`.")
        examples.emit(&w)
        w.line("")
        w.doc("\(backwardLanes) \(backwardOrder == .overExamples ? "examples" : "hidden units"), in the backward pass: 256 bits of `Scalar`.")
        backward.emit(&w)
    }

    /// True when the loss's definition computes it with its gradient in one pass (which stores
    /// each example's loss in `exampleLosses`).
    private var hasOnePassLoss: Bool {
        guard case .loss(let loss) = pattern.loss.kind else { return false }
        return loss.function.lossAndGradientKernel != nil
    }

    /// True when the one-pass loss takes its labels as `Scalar`s, which the layout pass converts
    /// into the scratch (see `LossArrays.labelsAreScalars`).
    private var hasScalarLabels: Bool {
        guard hasOnePassLoss, case .loss(let loss) = pattern.loss.kind else { return false }
        return loss.function.onePassTakesScalarLabels
    }

    /// The names of the scratch arrays the loss kernel reads and writes: ids past the graph's
    /// values stand for the per-example losses, which no IR value holds.
    private var lossesID: ValueID { ValueID(index: Int.max) }

    /// The kernel, in place of the pattern's ops; `plan` and `names` spell the values it shares
    /// with the planned ops.
    func emit(plan: ExecutionPlan, names: ValueNames, _ w: inout CodeWriter) {
        let p = pattern
        let (W1, b1, W2, b2) = (names[p.W1], names[p.b1], names[p.W2], names[p.b2])
        let f = p.activation.comment.text
        w.line("// Fused (the rewrite of \(p.ops.count) ops): \(names[p.preActivation]) = x · \(W1) + \(b1); \(f);")
        w.line("// scores = \(names[p.hidden]) · \(W2) + \(b2); \(p.loss.comment.text), and its gradient, in one kernel")
        w.block("do {") { w in
            w.line("let xT = s + \(inputsOffset)  // [\(K)×\(NP)] inputs, one row per feature")
            w.line("let scoresT = s + \(scoresOffset), dScoresT = s + \(dScoresOffset)  // [\(C)×\(NP)] one row per class")
            if hasOnePassLoss { w.line("let exampleLosses = s + \(lossesOffset)  // [\(N)] each example's loss") }
            if hasScalarLabels { w.line("let labelsT = s + \(labelsOffset)  // [\(N)] the labels as Scalars") }
            switch backwardOrder {
            case .overExamples:
                w.line("let hT = s + \(backwardOffset)  // [\(H)×\(NP)] \(names[p.hidden]), one row per unit")
                w.line("let partial = s + \(backwardOffset + H * NP)  // [\(H)×\(C + K + 1)×\(backwardLanes)] each unit's sums, by lane")
            case .overUnits: unitsScratchNames(names: names, &w)
            }
            w.line("")
            layout(names: names, &w)
            if backwardOrder == .overUnits { unitsLayout(names: names, &w) }
            w.line("")
            forwardPass(names: names, W1: W1, b1: b1, W2: W2, b2: b2, &w)
            w.line("")
            lossPass(plan: plan, names: names, &w)
            w.line("")
            switch backwardOrder {
            case .overExamples: backwardOverExamples(names: names, &w)
            case .overUnits: backwardOverUnits(names: names, &w)
            }
        }
    }

    /// `a + ` for row `a` of a transposed array with `width` columns (nothing for row 0).
    func row(_ a: Int, _ width: Int) -> String { a == 0 ? "" : "\(a * width) + " }

    /// The index of W2[j, c] (and of its gradient) in the parameter layout, `[H × C]` row-major.
    func unitClass(_ c: Int) -> String { "\(C) * j\(c == 0 ? "" : " + \(c)")" }

    private func layout(names: ValueNames, _ w: inout CodeWriter) {
        w.line("// Layout: x transposed to one row per feature, the batch padded to \(NP) examples with zero inputs")
        w.block("for r in 0..<\(N) {") { w in
            for k in 0..<K { w.line("xT[\(row(k, NP))r] = x[\(K == 1 ? "" : "\(K) * ")r\(k == 0 ? "" : " + \(k)")]") }
            if hasScalarLabels { w.line("labelsT[r] = Scalar(\(names[pattern.labels])[r])") }
        }
        if NP > N {
            w.block("for r in \(N)..<\(NP) {") { w in
                for k in 0..<K { w.line("xT[\(row(k, NP))r] = 0") }
            }
        }
    }

    private func forwardPass(names: ValueNames, W1: String, b1: String, W2: String, b2: String, _ w: inout CodeWriter) {
        let (z, h, e) = (names[pattern.preActivation], names[pattern.hidden], examples)
        w.line("// Forward, \(lanes) examples per vector: \(z) = x·\(W1) + \(b1); \(pattern.activation.comment.text); scores = \(h)·\(W2) + \(b2),")
        w.line(backwardOrder == .overExamples
               ? "// summed unit by unit; \(h) stored for the backward pass"
               : "// summed unit by unit (\(z) and \(h) are not stored: the backward pass recomputes them)")
        w.line("var r0 = 0")
        w.block("while r0 < \(NP) {") { w in
            w.line("let " + (0..<K).map { "x\($0) = \(e.load)(xT + \(row($0, NP))r0)" }.joined(separator: ", "))
            w.line("var " + (0..<C).map { "s\($0) = \(e.vector)(repeating: \(b2)[\($0)])" }.joined(separator: ", "))
            w.block("for j in 0..<\(H) {") { w in
                w.line("var \(z) = \(e.vector)(repeating: \(b1)[j])")
                for k in 0..<K { w.line("\(e.multiplyAdd)(&\(z), x\(k), \(e.vector)(repeating: \(W1)[\(row(k, H))j]))") }
                w.line("let \(h) = \(forward)")
                if backwardOrder == .overExamples { w.line("\(e.store)(\(h), hT + \(NP) * j + r0)") }
                for c in 0..<C { w.line("\(e.multiplyAdd)(&s\(c), \(h), \(e.vector)(repeating: \(W2)[\(unitClass(c))]))") }
            }
            for c in 0..<C { w.line("\(e.store)(s\(c), scoresT + \(row(c, NP))r0)") }
            w.line("r0 += \(lanes)")
        }
    }

    /// The loss and dL/dscores by the loss's own kernels, over the transposed scores; then
    /// dL/db2 = Σ over examples of dL/dscores.
    private func lossPass(plan: ExecutionPlan, names: ValueNames, _ w: inout CodeWriter) {
        let p = pattern
        guard case .loss(let loss) = p.loss.kind, case .constant(let upstream) = plan.graph[p.lossGradient.inputs[2]].role else {
            preconditionFailure("the pattern's loss has a literal upstream gradient")
        }
        var arrays = LossArrays(scores: p.loss.inputs[0], targets: p.labels, output: p.dataLoss, upstream: .literal(upstream),
                                rows: N, columns: C, local: { $0 })
        (arrays.rowStride, arrays.columnStride) = (1, NP)
        arrays.math = SwiftMath(fast: isFloat, fastLog: isFloat)
        arrays.labelsAreScalars = hasScalarLabels
        var overrides = [p.loss.inputs[0]: "scoresT", p.dScores: "dScoresT", lossesID: "exampleLosses"]
        if hasScalarLabels { overrides[p.labels] = "labelsT" }
        let renderer = NetworkRenderer(plan: plan, names: names, overrides: overrides)
        w.line("// \(p.loss.comment.text)")
        w.line("// \(p.lossGradient.comment.text)")
        if let pass = loss.function.lossAndGradientKernel {
            arrays.exampleLosses = lossesID
            w.block("do {") { w in renderer.render(pass(arrays, p.dScores, loss.attribute), &w) }
        } else {
            w.block("do {") { w in renderer.render(loss.function.lossKernel(arrays, loss.attribute), &w) }
            arrays.output = p.dScores
            w.block("do {") { w in renderer.render(loss.function.gradientKernel(arrays, loss.attribute), &w) }
        }
        let (db2, e) = (names[p.db2], examples)
        w.line("// dL/d\(names[p.b2]) = Σ over examples of dL/dscores (the padding examples' columns cleared first)")
        if NP > N {
            w.block("for c in 0..<\(C) {") { w in
                w.block("for r in \(N)..<\(NP) {") { w in w.line("dScoresT[c * \(NP) + r] = 0") }
            }
        }
        w.line("var " + (0..<C).map { "sum\($0) = \(e.vector)()" }.joined(separator: ", "))
        w.line("r0 = 0")
        w.block("while r0 < \(NP) {") { w in
            for c in 0..<C { w.line("sum\(c) += \(e.load)(dScoresT + \(row(c, NP))r0)") }
            w.line("r0 += \(lanes)")
        }
        for c in 0..<C { w.line("\(db2)[\(c)] = sum\(c).sum()") }
    }
}
