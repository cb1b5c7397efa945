/// A rewrite of the training step: the ops of a `HiddenLayerPattern` (`loss(f(x·W1 + b1)·W2 + b2)`
/// and their backward pass) computed in one kernel that keeps its sums in registers instead of
/// the planned graph's passes over `[batch × H]` matrices. The rest of the step (L2, the total
/// loss, adding gradient terms) stays planned. `docs/performance/spiral.md` has the measurements.
///
/// The kernel holds no math of its own: f and its derivative are the IR's ops (the pullback the
/// differentiator wrote from f's definition), rendered on SIMD vectors by `LaneExpression`; the
/// loss and its gradient are the loss definition's kernel, on scores stored transposed. What it
/// adds is the loop structure:
///
/// - Layout: x transposed (one row per feature), the batch padded to whole vectors; W1, b1 and
///   W2ᵀ copied with H padded to whole vectors of units (padding units have zero weights).
/// - Forward, one vector of examples (`Lanes`, 512 bits) at a time (bias and activation in the
///   product's epilogue): for each hidden unit j, z = b1[j] + Σₖ xₖ·W1[k, j], h = f(z), and
///   sᶜ += h·W2[j, c]; nothing of size `[batch × H]` is stored.
/// - The loss and dL/dscores, per example, over the transposed scores (one pass where the loss's
///   definition has one); dL/db2 = Σ over examples of dL/dscores.
/// - Backward, one vector of hidden units (`UnitLanes`, 256 bits) at a time, in two loops over
///   the examples: the first recomputes z and h and takes dh = Σ_c dL/dsᶜ·W2[j, c] and dz from dh
///   by f's pullback (the activation's derivative in the backward product), storing h and dz for
///   the vector of units; the second sums dW2, db1 (the bias-gradient sum) and dW1 in registers.
/// - The sums into the gradient layout.
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
    /// The forward pass's vectors, one example per lane (512 bits), and the backward pass's, one
    /// hidden unit per lane (256 bits). The backward pass's first loop holds the units' K + 1 + C
    /// weight vectors, its second the C + K + 1 sums: at 256 bits, 6 and 6 of AVX2's 16 registers
    /// for the spiral (K = 2, C = 3), and as many of NEON's 32 of 128 bits. At 512 bits each
    /// vector takes two AVX2 registers, and the first loop spills weights (a reload, off the
    /// loop's chains). Measured on AVX2 against the one-loop 512-bit step, whose time depended on
    /// where the stack started (docs/performance/spiral.md, "The backward pass in two loops"):
    /// over 37 shapes, 1.10× its mean time over four starts (0.85–1.57×), 1.19× its slower
    /// start's, 1.01× its faster start's.
    let examples: LaneHelpers
    let units: LaneHelpers
    /// The activation (on examples and on units) and its derivative (on units), one vector
    /// statement per op.
    private let forward: String
    private let forwardOnUnits: String
    private let derivative: [(name: ValueID, text: String)]

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
        units = LaneHelpers(vector: "UnitLanes", count: isFloat ? 8 : 4)
        let f = KernelLowering.elementwiseExpression(pattern.activation, [operand(pattern.preActivation)], math)
        guard let h = LaneExpression.vectorize(f, examples), let hOnUnits = LaneExpression.vectorize(f, units) else { return nil }
        forward = h.render(spell)
        forwardOnUnits = hOnUnits.render(spell)
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
            guard let vector = LaneExpression.vectorize(e, units) else { return nil }
            statements.append((op.output, vector.render(spell)))
        }
        derivative = statements
    }

    /// Examples per vector in the forward pass.
    var lanes: Int { examples.count }
    /// Hidden units per vector in the backward pass.
    var unitLanes: Int { units.count }
    private var K: Int { pattern.inputCount }
    private var H: Int { pattern.hiddenCount }
    private var C: Int { pattern.classCount }
    private var N: Int { pattern.batch }
    /// The batch rounded up to whole vectors (padding examples have zero inputs and no loss).
    var paddedBatch: Int { (N + lanes - 1) / lanes * lanes }
    /// H rounded up to whole vectors of units (padding units have zero weights and bias).
    var paddedHidden: Int { (H + unitLanes - 1) / unitLanes * unitLanes }
    private var NP: Int { paddedBatch }
    private var HP: Int { paddedHidden }

    // Scratch layout, from `scratchBase`: every array transposed or padded for vector access.
    private var inputsOffset: Int { scratchBase }  // [K × NP]
    private var scoresOffset: Int { inputsOffset + K * NP }  // [C × NP]
    private var dScoresOffset: Int { Self.apart(scoresOffset + C * NP, from: scoresOffset, byBytes: 2048, isFloat: isFloat) }  // [C × NP]
    private var lossesOffset: Int { Self.apart(dScoresOffset + C * NP, from: scoresOffset, byBytes: 1024, isFloat: isFloat) }  // [N]
    private var labelsOffset: Int { lossesOffset + N }  // [N] when `hasScalarLabels`
    private var W1Offset: Int { labelsOffset + (hasScalarLabels ? N : 0) }  // [K × HP]
    private var b1Offset: Int { W1Offset + K * HP }  // [HP]
    private var W2Offset: Int { b1Offset + HP }  // [C × HP], W2 transposed
    private var dW2Offset: Int { W2Offset + C * HP }  // [C × HP]
    private var dW1Offset: Int { dW2Offset + C * HP }  // [K × HP]
    private var db1Offset: Int { dW1Offset + K * HP }  // [HP]
    private var chunkOffset: Int { db1Offset + HP }  // [N × 2 × unitLanes]: h and dz of one vector of units
    /// Scratch scalars the plan and the step use together.
    var scratchCount: Int { chunkOffset + N * 2 * unitLanes }

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
        w.doc("\(unitLanes) hidden units, in the backward pass: 256 bits of `Scalar`.")
        units.emit(&w)
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
            w.line("let W1p = s + \(W1Offset), b1p = s + \(b1Offset)  // \(W1) [\(K)×\(HP)], \(b1) [\(HP)], zero-padded")
            w.line("let W2t = s + \(W2Offset)  // \(W2)ᵀ [\(C)×\(HP)], zero-padded")
            w.line("let dW2t = s + \(dW2Offset), dW1p = s + \(dW1Offset), db1p = s + \(db1Offset)  // padded sums")
            w.line("let chunk = s + \(chunkOffset)  // [\(N)×2×\(unitLanes)] h and dz of the backward pass's vector of units")
            w.line("")
            layout(names: names, W1: W1, b1: b1, W2: W2, &w)
            w.line("")
            forwardPass(names: names, W1: W1, b1: b1, W2: W2, b2: b2, &w)
            w.line("")
            lossPass(plan: plan, names: names, &w)
            w.line("")
            backwardPass(names: names, &w)
            w.line("")
            gradientPass(names: names, &w)
        }
    }

    /// `a + ` for row `a` of a transposed array with `width` columns (nothing for row 0).
    private func row(_ a: Int, _ width: Int) -> String { a == 0 ? "" : "\(a * width) + " }

    private func layout(names: ValueNames, W1: String, b1: String, W2: String, _ w: inout CodeWriter) {
        w.line("// Layout: x transposed to one row per feature, the batch padded to \(NP) examples and the")
        w.line("// hidden layer to \(HP) units (padding examples have zero inputs, padding units zero weights)")
        w.block("for r in 0..<\(N) {") { w in
            for k in 0..<K { w.line("xT[\(row(k, NP))r] = x[\(K == 1 ? "" : "\(K) * ")r\(k == 0 ? "" : " + \(k)")]") }
            if hasScalarLabels { w.line("labelsT[r] = Scalar(\(names[pattern.labels])[r])") }
        }
        if NP > N {
            w.block("for r in \(N)..<\(NP) {") { w in
                for k in 0..<K { w.line("xT[\(row(k, NP))r] = 0") }
            }
        }
        w.block("for j in 0..<\(H) {") { w in
            for k in 0..<K { w.line("W1p[\(row(k, HP))j] = \(W1)[\(row(k, H))j]") }
            w.line("b1p[j] = \(b1)[j]")
            for c in 0..<C { w.line("W2t[\(row(c, HP))j] = \(W2)[\(C) * j\(c == 0 ? "" : " + \(c)")]") }
        }
        if HP > H {
            w.block("for j in \(H)..<\(HP) {") { w in
                for k in 0..<K { w.line("W1p[\(row(k, HP))j] = 0") }
                w.line("b1p[j] = 0")
                for c in 0..<C { w.line("W2t[\(row(c, HP))j] = 0") }
            }
        }
    }

    private func forwardPass(names: ValueNames, W1: String, b1: String, W2: String, b2: String, _ w: inout CodeWriter) {
        let (z, h, e) = (names[pattern.preActivation], names[pattern.hidden], examples)
        w.line("// Forward, \(lanes) examples per vector: \(z) = x·\(W1) + \(b1); \(pattern.activation.comment.text); scores = \(h)·\(W2) + \(b2),")
        w.line("// summed unit by unit (\(z) and \(h) are not stored: the backward pass recomputes them)")
        w.line("var r0 = 0")
        w.block("while r0 < \(NP) {") { w in
            w.line("let " + (0..<K).map { "x\($0) = \(e.load)(xT + \(row($0, NP))r0)" }.joined(separator: ", "))
            w.line("var " + (0..<C).map { "s\($0) = \(e.vector)(repeating: \(b2)[\($0)])" }.joined(separator: ", "))
            w.block("for j in 0..<\(H) {") { w in
                w.line("var \(z) = \(e.vector)(repeating: \(b1)[j])")
                for k in 0..<K { w.line("\(e.multiplyAdd)(&\(z), x\(k), \(e.vector)(repeating: \(W1)[\(row(k, H))j]))") }
                w.line("let \(h) = \(forward)")
                for c in 0..<C { w.line("\(e.multiplyAdd)(&s\(c), \(h), \(e.vector)(repeating: \(W2)[\(C) * j\(c == 0 ? "" : " + \(c)")]))") }
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

    /// The backward pass: for each vector of hidden units, two loops over the examples. The
    /// first recomputes z and h and takes dh and dz, holding only the units' weights; it stores
    /// h and dz. The second adds them into the sums (dW2, db1, dW1), holding only the sums. In
    /// one loop, the sums and the weights together (2·(C + K + 1) vectors, 12 for the spiral)
    /// plus the temporaries outnumber AVX2's 16 registers, and LLVM spilled a sum into the red
    /// zone: its store and reload on every example bound the loop, at a speed that depended on
    /// the stack's alignment (docs/performance/spiral.md).
    private func backwardPass(names: ValueNames, _ w: inout CodeWriter) {
        let p = pattern
        let (z, h, dh, dz) = (names[p.preActivation], names[p.hidden], names[p.dHidden], names[p.dPreActivation])
        let u = units, width = 2 * unitLanes
        w.line("// Backward, \(unitLanes) hidden units per vector, examples innermost (\(z) and \(h) recomputed):")
        w.line("// dL/d\(names[p.W2]) = \(h)ᵀ · dL/dscores; \(dh) = dL/dscores · \(names[p.W2])ᵀ; \(dz) from \(dh) by the activation's")
        w.line("// pullback; dL/d\(names[p.b1]) = Σ over examples of \(dz); dL/d\(names[p.W1]) = xᵀ · \(dz)")
        w.line("var j0 = 0")
        w.block("while j0 < \(HP) {") { w in
            w.line("// \(h) and \(dz) of every example, from the units' weights")
            w.line("let " + (0..<K).map { "w1_\($0) = \(u.load)(W1p + \(row($0, HP))j0)" }.joined(separator: ", ") + ", bias = \(u.load)(b1p + j0)")
            w.line("let " + (0..<C).map { "w2_\($0) = \(u.load)(W2t + \(row($0, HP))j0)" }.joined(separator: ", "))
            w.block("for r in 0..<\(N) {") { w in
                w.line("let " + (0..<K).map { "x\($0) = \(u.vector)(repeating: xT[\(row($0, NP))r])" }.joined(separator: ", "))
                w.line("var \(z) = bias")
                for k in 0..<K { w.line("\(u.multiplyAdd)(&\(z), x\(k), w1_\(k))") }
                w.line("let \(h) = \(forwardOnUnits)")
                w.line("var \(dh) = \(u.vector)(repeating: dScoresT[r]) * w2_0")
                for c in 1..<C { w.line("\(u.multiplyAdd)(&\(dh), \(u.vector)(repeating: dScoresT[\(row(c, NP))r]), w2_\(c))") }
                for (id, text) in derivative {
                    if let comment = p.derivative.first(where: { $0.output == id })?.comment.text { w.line("// " + comment) }
                    w.line("let \(names[id]) = \(text)")
                }
                w.line("\(u.store)(\(h), chunk + r * \(width))")
                w.line("\(u.store)(\(dz), chunk + r * \(width) + \(unitLanes))")
            }
            w.line("// The sums over examples")
            w.line("var " + ((0..<C).map { "dW2_\($0)" } + ["db1Sum"] + (0..<K).map { "dW1_\($0)" }).map { "\($0) = \(u.vector)()" }.joined(separator: ", "))
            w.block("for r in 0..<\(N) {") { w in
                w.line("let \(h) = \(u.load)(chunk + r * \(width)), \(dz) = \(u.load)(chunk + r * \(width) + \(unitLanes))")
                for c in 0..<C { w.line("\(u.multiplyAdd)(&dW2_\(c), \(h), \(u.vector)(repeating: dScoresT[\(row(c, NP))r]))") }
                w.line("db1Sum += \(dz)")
                for k in 0..<K { w.line("\(u.multiplyAdd)(&dW1_\(k), \(u.vector)(repeating: xT[\(row(k, NP))r]), \(dz))") }
            }
            for c in 0..<C { w.line("\(u.store)(dW2_\(c), dW2t + \(row(c, HP))j0)") }
            w.line("\(u.store)(db1Sum, db1p + j0)")
            for k in 0..<K { w.line("\(u.store)(dW1_\(k), dW1p + \(row(k, HP))j0)") }
            w.line("j0 += \(unitLanes)")
        }
    }

    /// The padded sums into the gradient terms the planned ops read.
    private func gradientPass(names: ValueNames, _ w: inout CodeWriter) {
        let p = pattern
        let (dW1, db1, dW2) = (names[p.dW1], names[p.db1], names[p.dW2])
        w.line("// The sums in the parameters' layout")
        w.block("for j in 0..<\(H) {") { w in
            for k in 0..<K { w.line("\(dW1)[\(row(k, H))j] = dW1p[\(row(k, HP))j]") }
            w.line("\(db1)[j] = db1p[j]")
            for c in 0..<C { w.line("\(dW2)[\(C) * j\(c == 0 ? "" : " + \(c)")] = dW2t[\(row(c, HP))j]") }
        }
    }
}
