/// The training entry points of a network with `batch_norm` or `dropout`, which computes
/// differently in training: `trainingLoss`, `lossAndGradient` and `trainStep` run the training
/// graph (batch statistics, the dropout masks of `dropoutState`) on exactly one whole batch, and
/// `trainStep` then moves the running statistics and advances the dropout stream. `scores`,
/// `predictions` and `loss` run the inference graph on any number of examples.
extension NetworkAPIEmitter {
    private var hasMasks: Bool { (training?.model.maskCount ?? 0) > 0 }

    func modalTraining(_ w: inout CodeWriter) {
        let (t, _, buffer, _) = target
        let random = hasMasks ? "dropoutState, " : ""
        let mode = hasMasks ? "batch statistics, the dropout masks of `dropoutState`" : "batch statistics"
        w.doc("The training loss of one whole batch (`batchSize` examples; \(mode)): what `lossAndGradient`",
              "differentiates. `loss` is the inference loss (running statistics\(hasMasks ? ", no dropout" : "")).")
        arrayEntry("trainingLoss", &w)
        w.line("")
        w.doc("`trainingLoss` on caller-owned buffers; allocates nothing.")
        bufferEntry("trainingLoss", count: false, most: "Self.batchSize", body: [
            "Self.computeTrainingLoss(p.baseAddress!, inputs.baseAddress!, \(t).baseAddress!, \(random)Self.scratch(buffer.baseAddress!))",
        ], &w)
        w.line("")
        w.doc("The training loss of one whole batch (`batchSize` examples) and its gradient with respect to the",
              "flat parameter vector, in the same layout (0 for the running statistics).")
        arrayLossAndGradient(&w)
        w.line("")
        w.doc("The training loss of one whole batch; the gradient is left in `workspace.gradient`. Allocates nothing.")
        bufferEntry("lossAndGradient", count: false, most: "Self.batchSize", body: [
            "let g = buffer.baseAddress!",
            "return Self.computeTrainingLossAndGradient(p.baseAddress!, inputs.baseAddress!, \(t).baseAddress!, \(random)g, Self.scratch(g))",
        ], &w)
        w.line("")
        w.doc("One optimizer step on one whole batch (`batchSize` examples); returns the training loss before the",
              "update. Then each batch norm's running statistics move toward the batch's\(hasMasks ? " and the dropout stream advances" : "").")
        arrayEntry("trainStep", mutating: true, &w)
        w.line("")
        w.doc("`trainStep` on caller-owned buffers, reusing `workspace`: no heap allocation. Throws `DivergenceError`,",
              "leaving the model as it was, when the loss is NaN or infinite or the update would make a parameter,",
              "the optimizer state or a running statistic so.")
        w.block("public mutating func trainStep(inputs: UnsafeBufferPointer<Scalar>, \(t): \(buffer), workspace: inout Workspace) throws -> Scalar {") { w in
            w.line("try Self.checkWholeBatch(Self.check(inputs: inputs, \(t): \(t), most: Self.batchSize))")
            w.line("var bound = stateBound")
            w.line("let eta = learningRate\(hasMasks ? ", random = dropoutState" : "")")
            w.block("let (loss, updated) = state.withUnsafeMutableBufferPointer { state in") { w in
                w.block("workspace.buffer.withUnsafeMutableBufferPointer { buffer in") { w in
                    w.line("let p = state.baseAddress!, g = buffer.baseAddress!, s = Self.scratch(g)")
                    w.line("let loss = Self.computeTrainingLossAndGradient(p, inputs.baseAddress!, \(t).baseAddress!, \(hasMasks ? "random, " : "")g, s)")
                    w.line("guard loss.isFinite, Self.moveRunningStatistics(p, s, store: false, &bound), Self.update(p, g, eta, &bound) else { return (loss, false) }")
                    w.line("_ = Self.moveRunningStatistics(p, s, store: true, &bound)")
                    w.line("return (loss, true)")
                }
            }
            w.line("stateBound = bound")
            w.line("guard updated else { throw DivergenceError(model: \"\(name)\", loss: Double(loss)) }")
            if hasMasks { w.line("dropoutState &+= 1") }
            w.line("return loss")
        }
    }

    /// The static functions behind the training entry points: the masks, the training pass on one
    /// batch, the running statistics' update, and the whole-batch check.
    func modalBlocks(_ training: ComputeFunctions, _ w: inout CodeWriter) {
        let (_, _, buffer, _) = target
        let targetPointer = buffer.replacingOccurrences(of: "BufferPointer", with: "Pointer")
        let t = byLabels ? "y" : "t"
        let randomParameter = hasMasks ? "_ random: UInt64, " : ""
        let masks = hasMasks ? "m, " : ""
        if hasMasks { dropoutMasks(training.model, &w) }
        for gradient in [false, true] {
            let function = gradient ? "computeLossAndGradientTraining" : "computeLossTraining"
            w.doc(gradient ? "The training pass on one batch, its loss, and its gradient into `g`." : "The training pass on one batch and its loss.")
            w.line("@inline(__always)")
            let signature = "_ p: UnsafePointer<Scalar>, _ x: UnsafePointer<Scalar>, _ \(t): \(targetPointer), \(randomParameter)"
                + (gradient ? "_ g: UnsafeMutablePointer<Scalar>, " : "") + "_ s: UnsafeMutablePointer<Scalar>"
            w.block("static func \(gradient ? "computeTrainingLossAndGradient" : "computeTrainingLoss")(\(signature)) -> Scalar {") { w in
                if hasMasks {
                    w.line("let m = s + Self.masksOffset")
                    w.line("Self.fillDropoutMasks(random, m)")
                }
                w.line("return Self.\(function)(p, x, \(t), \(masks)\(gradient ? "g, " : "")s)")
            }
            w.line("")
        }
        runningStatistics(training, &w)
        w.line("")
        w.doc("Refuses a training call on anything but one whole batch: batch statistics are the batch's.")
        w.block("static func checkWholeBatch(_ count: Int) throws {") { w in
            w.block("guard count == Self.batchSize else {") { w in
                w.line("throw InputError(model: \"\(name)\", argument: \"inputs\", expected: \"\\(Self.batchSize) examples (a network with batch_norm or dropout trains on whole batches)\", found: \"\\(count) examples\")")
            }
        }
    }

    /// `dropoutMasks(state:)` and the functions that fill the masks of one batch.
    private func dropoutMasks(_ model: NetworkModel, _ w: inout CodeWriter) {
        w.doc("Scalars of one batch's dropout masks.")
        w.line("public static let dropoutMaskCount = \(model.maskCount)")
        w.line("static let masksOffset = \(masksOffset)")
        w.line("")
        w.doc("The dropout masks a training pass draws from stream state `state`: each dropout layer's in layer order,",
              "one value per unit of the batch (in the layout the network holds them: NHWC for an image), 0 for a",
              "dropped unit and 1/(1 − rate) for a kept one. Unit i (from 0) of the ℓ-th dropout layer is dropped when",
              "`mix(mix(state ^ ℓ·0xD1B54A32D192ED03) &+ (i + 1)·0x9E3779B97F4A7C15) >> 11` is under rate·2⁵³, `mix`",
              "being SplitMix64's finalizer: the same masks on every machine, and reproducible elsewhere.")
        w.block("public static func dropoutMasks(state: UInt64) -> [Scalar] {") { w in
            w.line("var masks = [Scalar](repeating: 0, count: dropoutMaskCount)")
            w.line("masks.withUnsafeMutableBufferPointer { fillDropoutMasks(state, $0.baseAddress!) }")
            w.line("return masks")
        }
        w.line("")
        w.doc("Writes the masks of `dropoutMasks(state:)` at `m`.")
        w.block("static func fillDropoutMasks(_ state: UInt64, _ m: UnsafeMutablePointer<Scalar>) {") { w in
            for mask in model.dropoutMasks {
                let threshold = UInt64((mask.rate * 0x1p53).rounded())
                w.line("// dropout layer \(mask.layer): \(mask.count) units, rate \(mask.rate)")
                w.line("Self.fillDropoutMask(state, \(mask.layer), m + \(mask.offset), \(mask.count), threshold: \(threshold), kept: \(SwiftLiteral.real(1 / (1 - mask.rate))))")
            }
        }
        w.line("")
        w.doc("One layer's mask: unit i is dropped (0) when its 53 random bits are under `threshold`, else `kept`.")
        w.block("static func fillDropoutMask(_ state: UInt64, _ layer: UInt64, _ m: UnsafeMutablePointer<Scalar>, _ count: Int, threshold: UInt64, kept: Scalar) {") { w in
            w.line("let key = mixBits(state ^ (layer &* 0xD1B5_4A32_D192_ED03))")
            w.block("for i in 0..<count {") { w in
                w.line("m[i] = mixBits(key &+ UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15) >> 11 < threshold ? 0 : kept")
            }
        }
        w.line("")
        w.doc("SplitMix64's finalizer (Steele, Lea and Flood): 64 well-mixed bits from any 64.")
        w.line("@inline(__always)")
        w.block("static func mixBits(_ bits: UInt64) -> UInt64 {") { w in
            w.line("var z = (bits ^ (bits >> 30)) &* 0xBF58_476D_1CE4_E5B9")
            w.line("z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB")
            w.line("return z ^ (z >> 31)")
        }
        w.line("")
    }

    /// `moveRunningStatistics`: each batch norm's running statistics toward the batch's, which the
    /// training pass left in the scratch.
    private func runningStatistics(_ training: ComputeFunctions, _ w: inout CodeWriter) {
        let lit = SwiftLiteral.real
        w.doc("Moves each batch norm's running statistics toward the batch's (left in the scratch `s` by the training",
              "pass): running = (1 − momentum)·running + momentum·batch, the batch variance unbiased (× n/(n − 1)),",
              "as PyTorch does. With `store` false, only checks that every new value is finite; with `store` true,",
              "stores them and keeps `bound` at least their magnitude. Returns false when a new value is not finite.")
        w.block("static func moveRunningStatistics(_ p: UnsafeMutablePointer<Scalar>, _ s: UnsafePointer<Scalar>, store: Bool, _ bound: inout Double) -> Bool {") { w in
            w.line("var largest: Scalar = 0")
            for update in training.model.runningStatistics {
                let statistics = training.scratchOffset(of: update.statistics), channels = update.channels
                w.line("// \(training.model.graph[update.statistics].name): \(channels) channels over \(update.rows) values, momentum \(update.momentum)")
                w.block("for c in 0..<\(channels) {") { w in
                    w.line("let mean = \(lit(1 - update.momentum)) * p[\(update.mean) + c] + \(lit(update.momentum)) * s[\(statistics) + c]")
                    w.line("let variance = \(lit(1 - update.momentum)) * p[\(update.variance) + c] + \(lit(update.momentum * Double(update.rows) / Double(update.rows - 1))) * s[\(statistics + channels) + c]")
                    w.line("guard mean.isFinite, variance.isFinite else { return false }")
                    w.line("largest = max(largest, mean.magnitude, variance.magnitude)")
                    w.block("if store {") { w in
                        w.line("p[\(update.mean) + c] = mean")
                        w.line("p[\(update.variance) + c] = variance")
                    }
                }
            }
            w.line("if store { bound = max(bound, Double(largest)) }")
            w.line("return true")
        }
    }
}
