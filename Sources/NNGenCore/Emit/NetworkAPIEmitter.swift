/// Emits the public methods of a network model: the array API of docs/GENERATED-API.md and the
/// allocation-free variants on caller-owned buffers, with every argument checked first.
///
/// Every entry point takes any number of examples (training at most `batchSize`): full batches
/// run through the functions of the spec's batch, the examples past the last full batch through
/// the single-example functions (`ComputeFunctions` with suffix `Single`), one at a time. The
/// user never sees padding, and no row is computed twice.
struct NetworkAPIEmitter {
    let model: NetworkModel
    /// Whether the single-example functions exist (the spec's batch is larger than 1).
    let hasSinglePath: Bool
    /// The training graph's functions of a network with `batch_norm` or `dropout` (see
    /// `NetworkEmitter.training`); `model` is then its inference graph.
    var training: ComputeFunctions? = nil
    /// Where the dropout masks start in the scratch.
    var masksOffset = 0

    var name: String { model.spec.name }
    var byLabels: Bool { model.spec.loss?.takesLabels ?? true }
    /// `labels` or `targets`, with its array and buffer types and what multiplies an example's
    /// index into its offset (nothing for one label per example).
    var target: (name: String, array: String, buffer: String, perExample: String) {
        byLabels ? ("labels", "[Int]", "UnsafeBufferPointer<Int>", "")
            : ("targets", "[Scalar]", "UnsafeBufferPointer<Scalar>", " * Self.outputCount")
    }

    func emit(_ w: inout CodeWriter) {
        scores(&w)
        w.line("")
        predictions(&w)
        if model.loss != nil {
            w.line("")
            loss(&w)
            w.line("")
            if training != nil { modalTraining(&w) } else { training(&w) }
        }
        w.line("")
        blocks(&w)
        w.line("")
        checks(&w)
    }

    private func scores(_ w: inout CodeWriter) {
        // The forward pass writes the scores straight into `output`, unless `output` overlaps
        // the inputs it still reads; then they go through the scratch and are copied.
        inference(name: "scores", output: "output", element: "Scalar", perExample: "Self.outputCount",
                  arrayDoc: "Raw scores of the last layer for any number n ≥ 1 of examples: [n][inputCount] → [n][outputCount].",
                  bufferDoc: "Scores of n ≥ 1 examples into a caller-owned buffer of `n * outputCount`; allocates nothing.",
                  direct: "Self.isApart(out, output.count, from: inputs) ? out : nil", &w) { w in
            w.block("if scores != out + first * Self.outputCount {") { w in
                w.line("(out + first * Self.outputCount).update(from: scores, count: rows * Self.outputCount)")
            }
        }
    }

    private func predictions(_ w: inout CodeWriter) {
        inference(name: "predictions", output: "classes", element: "Int", perExample: nil,
                  arrayDoc: "The class with the highest score for each of n ≥ 1 examples (the first one on a tie).",
                  bufferDoc: "The predicted classes of n ≥ 1 examples into a caller-owned buffer of n; allocates nothing.",
                  direct: "nil", &w) { w in
            w.block("for r in 0..<rows {") { w in
                w.line("let row = scores + r * Self.outputCount")
                w.line("var best = 0")
                w.line("for j in 1..<Self.outputCount where row[j] > row[best] { best = j }")
                w.line("out[first + r] = best")
            }
        }
    }

    /// An inference entry point on arrays and its allocation-free twin on buffers: `name(inputs)`
    /// returns `[element]`, `perExample` per example (nil: one), which the buffer variant writes
    /// into `output` through `out`, by `block` for each block of scores (`first`, `rows`, `scores`);
    /// `direct` is the expression of where the forward pass writes the scores (see `forEachBlock`).
    private func inference(name: String, output: String, element: String, perExample: String?, arrayDoc: String, bufferDoc: String,
                           direct: String, _ w: inout CodeWriter, block: (inout CodeWriter) -> Void) {
        let length = perExample.map { "count * \($0)" } ?? "count"
        w.doc(arrayDoc)
        w.block("public func \(name)(_ inputs: [Scalar]) throws -> [\(element)] {") { w in
            w.line("let count = try Self.exampleCount(inputs.count, \"inputs\", Self.inputCount)")
            w.line("var workspace = Workspace()")
            w.line("var \(output) = [\(element)](repeating: 0, count: \(length))")
            w.block("try inputs.withUnsafeBufferPointer { inputs in") { w in
                w.line("try \(output).withUnsafeMutableBufferPointer { try \(name)(inputs, into: $0, workspace: &workspace) }")
            }
            w.line("return \(output)")
        }
        w.line("")
        w.doc(bufferDoc)
        w.block("public func \(name)(_ inputs: UnsafeBufferPointer<Scalar>, into \(output): UnsafeMutableBufferPointer<\(element)>, workspace: inout Workspace) throws {") { w in
            w.line("let count = try Self.exampleCount(inputs.count, \"inputs\", Self.inputCount)")
            w.line("try Self.checkFinite(inputs, \"inputs\")")
            w.line("try Self.checkCount(\(output).count, \"\(output)\", \(length))")
            w.line("let out = \(output).baseAddress!")
            w.block("state.withUnsafeBufferPointer { p in") { w in
                w.block("workspace.buffer.withUnsafeMutableBufferPointer { buffer in") { w in
                    w.block("Self.forEachBlock(p.baseAddress!, inputs.baseAddress!, count, Self.scratch(buffer.baseAddress!), into: \(direct)) { first, rows, scores in", block)
                }
            }
        }
    }

    private func loss(_ w: inout CodeWriter) {
        let what = byLabels ? "Labels are class indices in `0..<outputCount`." : "Targets are [n][outputCount]."
        w.doc("The mean loss over n ≥ 1 examples, regularization included. \(what)")
        arrayEntry("loss", &w)
        w.line("")
        w.doc("The mean loss over n ≥ 1 examples on caller-owned buffers; allocates nothing.")
        bufferEntry("loss", count: true, most: ".max", body: ["Self.computeMeanLoss(p.baseAddress!, inputs.baseAddress!, \(target.name).baseAddress!, count, Self.scratch(buffer.baseAddress!))"], &w)
    }

    /// `name(inputs:labels:)` (or `targets:`) on arrays, returning a `Scalar`: a workspace of its
    /// own, then the variant on buffers.
    func arrayEntry(_ name: String, mutating: Bool = false, _ w: inout CodeWriter) {
        let (t, array, _, _) = target
        w.block("public \(mutating ? "mutating " : "")func \(name)(inputs: [Scalar], \(t): \(array)) throws -> Scalar {") { w in
            w.line("var workspace = Workspace()")
            w.block("return try inputs.withUnsafeBufferPointer { x in") { w in
                w.line("try \(t).withUnsafeBufferPointer { try \(name)(inputs: x, \(t): $0, workspace: &workspace) }")
            }
        }
    }

    /// `lossAndGradient` on arrays: the buffer variant into a workspace of its own, whose gradient
    /// it returns.
    func arrayLossAndGradient(_ w: inout CodeWriter) {
        let (t, array, _, _) = target
        w.block("public func lossAndGradient(inputs: [Scalar], \(t): \(array)) throws -> (loss: Scalar, gradient: [Scalar]) {") { w in
            w.line("var workspace = Workspace()")
            w.line("let loss = try inputs.withUnsafeBufferPointer { x in")
            w.line("    try \(t).withUnsafeBufferPointer { try lossAndGradient(inputs: x, \(t): $0, workspace: &workspace) }")
            w.line("}")
            w.line("return (loss, Array(workspace.buffer[0..<Self.parameterCount]))")
        }
    }

    /// A non-mutating entry point on buffers returning a `Scalar`: the call's examples checked (at
    /// most `most`; `count` binds their number, else the whole-batch check runs), then `body`
    /// with the state at `p` and the workspace's elements at `buffer`.
    func bufferEntry(_ name: String, count: Bool, most: String, body: [String], _ w: inout CodeWriter) {
        let (t, _, buffer, _) = target
        w.block("public func \(name)(inputs: UnsafeBufferPointer<Scalar>, \(t): \(buffer), workspace: inout Workspace) throws -> Scalar {") { w in
            let check = "Self.check(inputs: inputs, \(t): \(t), most: \(most))"
            w.line(count ? "let count = try \(check)" : "try Self.checkWholeBatch(\(check))")
            w.block("return state.withUnsafeBufferPointer { p in") { w in
                w.block("workspace.buffer.withUnsafeMutableBufferPointer { buffer in") { w in
                    for line in body { w.line(line) }
                }
            }
        }
    }

    private func training(_ w: inout CodeWriter) {
        let (t, _, buffer, _) = target
        w.doc("The mean loss over 1 ≤ n ≤ `batchSize` examples and its gradient with respect to the flat",
              "parameter vector, in the same layout.")
        arrayLossAndGradient(&w)
        w.line("")
        w.doc("The mean loss over 1 ≤ n ≤ `batchSize` examples; the gradient is left in `workspace.gradient`.",
              "Allocates nothing.")
        bufferEntry("lossAndGradient", count: true, most: "Self.batchSize", body: [
            "let g = buffer.baseAddress!",
            "return Self.computeMeanLossAndGradient(p.baseAddress!, inputs.baseAddress!, \(t).baseAddress!, count, g, Self.scratch(g))",
        ], &w)
        w.line("")
        w.doc("One optimizer step on 1 ≤ n ≤ `batchSize` examples (the last batch of an epoch may be short);",
              "returns the mean loss before the update.")
        arrayEntry("trainStep", mutating: true, &w)
        w.line("")
        w.doc("One optimizer step on 1 ≤ n ≤ `batchSize` examples in caller-owned buffers, reusing `workspace`:",
              "no heap allocation. Returns the mean loss before the update. Throws `DivergenceError`, leaving",
              "the model as it was, when the loss is NaN or infinite or the update would make a parameter or",
              "the optimizer state so.")
        w.block("public mutating func trainStep(inputs: UnsafeBufferPointer<Scalar>, \(t): \(buffer), workspace: inout Workspace) throws -> Scalar {") { w in
            w.line("let count = try Self.check(inputs: inputs, \(t): \(t), most: Self.batchSize)")
            w.line("var bound = stateBound")
            w.line("let eta = learningRate")
            w.block("let (loss, updated) = state.withUnsafeMutableBufferPointer { state in") { w in
                w.block("workspace.buffer.withUnsafeMutableBufferPointer { buffer in") { w in
                    w.line("let p = state.baseAddress!, g = buffer.baseAddress!")
                    w.line("let loss = Self.computeMeanLossAndGradient(p, inputs.baseAddress!, \(t).baseAddress!, count, g, Self.scratch(g))")
                    w.line("return (loss, loss.isFinite && Self.update(p, g, eta, &bound))")
                }
            }
            w.line("stateBound = bound")
            w.line("guard updated else { throw DivergenceError(model: \"\(name)\", loss: Double(loss)) }")
            w.line("return loss")
        }
    }

    /// The functions that split n examples into full batches and single examples, and the one
    /// that finds the scratch in a workspace.
    private func blocks(_ w: inout CodeWriter) {
        w.doc("The scratch of a workspace whose elements start at `buffer`: past the gradient, at the next",
              "64-byte boundary, so that every array the plan puts at a multiple of 16 elements starts a cache",
              "line (`workspaceCount` leaves room for the move).")
        w.line("@inline(__always)")
        w.block("static func scratch(_ buffer: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Scalar> {") { w in
            w.line("let end = buffer + Self.parameterCount")
            w.line("let past = Int(bitPattern: end) & 63")
            w.line("return past == 0 ? end : end + (64 - past) / MemoryLayout<Scalar>.stride")
        }
        w.line("")
        w.doc("True when the `count` scalars at `output` share no memory with `inputs`, so that the forward",
              "pass may write into `output` while it still reads `inputs`.")
        w.line("@inline(__always)")
        w.block("static func isApart(_ output: UnsafeMutablePointer<Scalar>, _ count: Int, from inputs: UnsafeBufferPointer<Scalar>) -> Bool {") { w in
            w.line("let start = UnsafePointer(output), x = inputs.baseAddress!")
            w.line("return start + count <= x || x + inputs.count <= start")
        }
        w.line("")
        w.doc("The forward pass of `count` examples at `x`: full batches through `computeScores`, the rest",
              hasSinglePath ? "one at a time through `computeScoresSingle`. `body(first, rows, scores)` receives each"
                  : "(none: the batch is 1). `body(first, rows, scores)` receives each",
              "block's scores ([rows][outputCount]): in `o`, at row `first`, when `o` is given (all `count`",
              "examples' rows, apart from `x`), otherwise in the scratch `s`.")
        w.line("@inline(__always)")
        w.block("static func forEachBlock(_ p: UnsafePointer<Scalar>, _ x: UnsafePointer<Scalar>, _ count: Int, _ s: UnsafeMutablePointer<Scalar>, into o: UnsafeMutablePointer<Scalar>?, _ body: (_ first: Int, _ rows: Int, _ scores: UnsafePointer<Scalar>) -> Void) {") { w in
            w.line("var first = 0")
            w.block("while count - first >= Self.batchSize {") { w in
                w.line("let scores = o.map { $0 + first * Self.outputCount } ?? s + Self.scoresOffset")
                w.line("Self.computeScores(p, x + first * Self.inputCount, s, scores)")
                w.line("body(first, Self.batchSize, scores)")
                w.line("first += Self.batchSize")
            }
            if hasSinglePath {
                w.line("let single = s + Self.scratchOffsetSingle")
                w.block("while first < count {") { w in
                    w.line("let scores = o.map { $0 + first * Self.outputCount } ?? single + Self.scoresOffsetSingle")
                    w.line("Self.computeScoresSingle(p, x + first * Self.inputCount, single, scores)")
                    w.line("body(first, 1, scores)")
                    w.line("first += 1")
                }
            }
        }
        guard model.loss != nil else { return }
        if let training {
            w.line("")
            modalBlocks(training, &w)
        }
        let (_, _, buffer, perExample) = target
        let targetPointer = buffer.replacingOccurrences(of: "BufferPointer", with: "Pointer")
        let t = byLabels ? "y" : "t"
        w.line("")
        w.doc("The mean loss of `count` ≥ 1 examples: each full batch's mean weighted by its size, then each",
              "example past them on its own. Every term holds the regularization once, so the mean does too.")
        w.block("static func computeMeanLoss(_ p: UnsafePointer<Scalar>, _ x: UnsafePointer<Scalar>, _ \(t): \(targetPointer), _ count: Int, _ s: UnsafeMutablePointer<Scalar>) -> Scalar {") { w in
            w.line("if count == Self.batchSize { return Self.computeLoss(p, x, \(t), s) }")
            w.line("var total: Scalar = 0, first = 0")
            w.block("while count - first >= Self.batchSize {") { w in
                w.line("total += Self.computeLoss(p, x + first * Self.inputCount, \(t) + first\(perExample), s) * Scalar(Self.batchSize)")
                w.line("first += Self.batchSize")
            }
            if hasSinglePath {
                w.line("let single = s + Self.scratchOffsetSingle")
                w.block("while first < count {") { w in
                    w.line("total += Self.computeLossSingle(p, x + first * Self.inputCount, \(t) + first\(perExample), single)")
                    w.line("first += 1")
                }
            }
            w.line("return total / Scalar(count)")
        }
        guard training == nil else { return }
        w.line("")
        w.doc("The mean loss of 1 ≤ `count` ≤ `batchSize` examples, and its gradient into `g`. A full batch",
              "runs the batch's function; a short one sums each example's loss and gradient (computed at",
              "batch 1 into the scratch) and divides by `count`: d(mean)/dp = (1/n)·Σᵢ dLᵢ/dp, where every",
              "Lᵢ holds the regularization once, so the mean does too.")
        w.line("@inline(__always)")
        w.block("static func computeMeanLossAndGradient(_ p: UnsafePointer<Scalar>, _ x: UnsafePointer<Scalar>, _ \(t): \(targetPointer), _ count: Int, _ g: UnsafeMutablePointer<Scalar>, _ s: UnsafeMutablePointer<Scalar>) -> Scalar {") { w in
            guard hasSinglePath else {
                w.line("Self.computeLossAndGradient(p, x, \(t), g, s)  // count is 1, the batch")
                return
            }
            w.line("if count == Self.batchSize { return Self.computeLossAndGradient(p, x, \(t), g, s) }")
            w.line("let gradientOne = s, single = s + Self.scratchOffsetSingle")
            w.line("g.update(repeating: 0, count: Self.parameterCount)")
            w.line("var total: Scalar = 0")
            w.block("for e in 0..<count {") { w in
                w.line("total += Self.computeLossAndGradientSingle(p, x + e * Self.inputCount, \(t) + e\(perExample), gradientOne, single)")
                w.line("for i in 0..<Self.parameterCount { g[i] += gradientOne[i] }")
            }
            w.line("let scale = 1 / Scalar(count)")
            w.line("for i in 0..<Self.parameterCount { g[i] *= scale }")
            w.line("return total / Scalar(count)")
        }
    }

    private func checks(_ w: inout CodeWriter) {
        SupportEmitter.checkCount(model: name, &w)
        w.line("")
        w.doc("The number of examples in `count` values of `width` each: at least 1, at most `most`.")
        w.block("static func exampleCount(_ count: Int, _ argument: String, _ width: Int, most: Int = .max) throws -> Int {") { w in
            w.block("guard count > 0, count % width == 0, count / width <= most else {") { w in
                w.line("let expected = most == .max ? \"a positive multiple of \\(width) values (\\(width) per example)\"")
                w.line("    : \"\\(width) to \\(most * width) values, \\(width) per example (1 to \\(most) examples)\"")
                w.line("throw InputError(model: \"\(name)\", argument: argument, expected: expected, found: \"\\(count) values\")")
            }
            w.line("return count / width")
        }
        w.line("")
        SupportEmitter.checkFinite(model: name, scalar: model.spec.scalar.rawValue, &w)
        guard model.loss != nil else { return }
        let (t, _, _, _) = target
        w.line("")
        let sequence = byLabels ? "some Collection<Int>" : "some Collection<Scalar>"
        w.doc("Checks a call's examples (at most `most`) and returns their number.")
        w.block("static func check(inputs: some Collection<Scalar>, \(t): \(sequence), most: Int) throws -> Int {") { w in
            w.line("let count = try exampleCount(inputs.count, \"inputs\", Self.inputCount, most: most)")
            w.line("try checkFinite(inputs, \"inputs\")")
            if byLabels {
                w.line("try checkCount(labels.count, \"labels\", count)")
                w.block("for (i, label) in labels.enumerated() where label < 0 || label >= Self.outputCount {") { w in
                    w.line("throw InputError(model: \"\(name)\", argument: \"labels[\\(i)]\", expected: \"a class index in 0..<\\(Self.outputCount)\", found: \"\\(label)\")")
                }
            } else {
                w.line("try checkCount(targets.count, \"targets\", count * Self.outputCount)")
                w.line("try checkFinite(targets, \"targets\")")
            }
            w.line("return count")
        }
    }
}
