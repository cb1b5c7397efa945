/// Emits the public methods of a network model: the array API of docs/GENERATED-API.md and the
/// allocation-free variants on caller-owned buffers, with every argument checked first.
struct NetworkAPIEmitter {
    let model: NetworkModel
    let scoresOffset: Int

    private var name: String { model.spec.name }
    private var n: Int { model.spec.batch }
    private var byLabels: Bool { model.spec.loss?.takesLabels ?? true }
    /// `labels` or `targets`, with its array and buffer types.
    private var target: (name: String, array: String, buffer: String) {
        byLabels ? ("labels", "[Int]", "UnsafeBufferPointer<Int>") : ("targets", "[Scalar]", "UnsafeBufferPointer<Scalar>")
    }

    func emit(_ w: inout CodeWriter) {
        scores(&w)
        if model.loss != nil {
            w.line("")
            training(&w)
        }
        w.line("")
        checks(&w)
    }

    private func scores(_ w: inout CodeWriter) {
        w.doc("Raw scores of the last layer for `batchSize` examples: [batch][input] → [batch][outputs].")
        w.block("public func scores(_ inputs: [Scalar]) throws -> [Scalar] {") { w in
            w.line("var workspace = Workspace()")
            w.line("var output = [Scalar](repeating: 0, count: Self.batchSize * Self.outputCount)")
            w.block("try inputs.withUnsafeBufferPointer { inputs in") { w in
                w.line("try output.withUnsafeMutableBufferPointer { try scores(inputs, into: $0, workspace: &workspace) }")
            }
            w.line("return output")
        }
        w.line("")
        w.doc("Scores into a caller-owned buffer of `batchSize * outputCount`; allocates nothing.")
        w.block("public func scores(_ inputs: UnsafeBufferPointer<Scalar>, into output: UnsafeMutableBufferPointer<Scalar>, workspace: inout Workspace) throws {") { w in
            w.line("try Self.checkCount(inputs.count, \"inputs\", Self.batchSize * Self.inputCount)")
            w.line("try Self.checkFinite(inputs, \"inputs\")")
            w.line("try Self.checkCount(output.count, \"output\", Self.batchSize * Self.outputCount)")
            w.block("state.withUnsafeBufferPointer { p in") { w in
                w.block("workspace.buffer.withUnsafeMutableBufferPointer { buffer in") { w in
                    w.line("let s = buffer.baseAddress! + Self.parameterCount")
                    w.line("Self.computeScores(p.baseAddress!, inputs.baseAddress!, s)")
                    w.line("for i in 0..<output.count { output[i] = s[Self.scoresOffset + i] }")
                }
            }
        }
        w.line("")
        w.doc("The class with the highest score for each example (the first one on a tie).")
        w.block("public func predictions(_ inputs: [Scalar]) throws -> [Int] {") { w in
            w.line("let all = try scores(inputs)")
            w.block("return (0..<Self.batchSize).map { i in") { w in
                w.line("let row = all[i * Self.outputCount..<(i + 1) * Self.outputCount]")
                w.line("return row.indices.reduce(row.startIndex) { row[$1] > row[$0] ? $1 : $0 } - i * Self.outputCount")
            }
        }
    }

    private func training(_ w: inout CodeWriter) {
        let (t, array, buffer) = target
        let what = byLabels ? "Labels are class indices in `0..<outputCount`." : "Targets are [batch][outputs]."
        w.doc("The loss of one batch, regularization included. \(what)")
        w.block("public func loss(inputs: [Scalar], \(t): \(array)) throws -> Scalar {") { w in
            w.line("try Self.check(inputs: inputs, \(t): \(t))")
            w.line("var workspace = Workspace()")
            w.block("return inputs.withUnsafeBufferPointer { x in") { w in
                w.block("\(t).withUnsafeBufferPointer { target in") { w in
                    w.block("state.withUnsafeBufferPointer { p in") { w in
                        w.block("workspace.buffer.withUnsafeMutableBufferPointer { buffer in") { w in
                            w.line("Self.computeLoss(p.baseAddress!, x.baseAddress!, target.baseAddress!, buffer.baseAddress! + Self.parameterCount)")
                        }
                    }
                }
            }
        }
        w.line("")
        w.doc("The loss and its gradient with respect to the flat parameter vector, in the same layout.")
        w.block("public func lossAndGradient(inputs: [Scalar], \(t): \(array)) throws -> (loss: Scalar, gradient: [Scalar]) {") { w in
            w.line("var workspace = Workspace()")
            w.line("let loss = try inputs.withUnsafeBufferPointer { x in")
            w.line("    try \(t).withUnsafeBufferPointer { try lossAndGradient(inputs: x, \(t): $0, workspace: &workspace) }")
            w.line("}")
            w.line("return (loss, Array(workspace.buffer[0..<Self.parameterCount]))")
        }
        w.line("")
        w.doc("The loss; the gradient is left in `workspace.gradient`. Allocates nothing.")
        w.block("public func lossAndGradient(inputs: UnsafeBufferPointer<Scalar>, \(t): \(buffer), workspace: inout Workspace) throws -> Scalar {") { w in
            w.line("try Self.check(inputs: inputs, \(t): \(t))")
            w.block("return state.withUnsafeBufferPointer { p in") { w in
                w.block("workspace.buffer.withUnsafeMutableBufferPointer { buffer in") { w in
                    w.line("let g = buffer.baseAddress!")
                    w.line("return Self.computeLossAndGradient(p.baseAddress!, inputs.baseAddress!, \(t).baseAddress!, g, g + Self.parameterCount)")
                }
            }
        }
        w.line("")
        w.doc("One optimizer step; returns the loss before the update.")
        w.block("public mutating func trainStep(inputs: [Scalar], \(t): \(array)) throws -> Scalar {") { w in
            w.line("var workspace = Workspace()")
            w.block("return try inputs.withUnsafeBufferPointer { x in") { w in
                w.line("try \(t).withUnsafeBufferPointer { try trainStep(inputs: x, \(t): $0, workspace: &workspace) }")
            }
        }
        w.line("")
        w.doc("One optimizer step on caller-owned buffers, reusing `workspace`: no heap allocation.")
        w.doc("Returns the loss before the update. Throws `DivergenceError`, leaving the model as it was,",
              "when the loss is NaN or infinite or the update would make a parameter or the optimizer state so.")
        w.block("public mutating func trainStep(inputs: UnsafeBufferPointer<Scalar>, \(t): \(buffer), workspace: inout Workspace) throws -> Scalar {") { w in
            w.line("try Self.check(inputs: inputs, \(t): \(t))")
            w.line("var bound = stateBound")
            w.block("let (loss, updated) = state.withUnsafeMutableBufferPointer { state in") { w in
                w.block("workspace.buffer.withUnsafeMutableBufferPointer { buffer in") { w in
                    w.line("let p = state.baseAddress!, g = buffer.baseAddress!")
                    w.line("let loss = Self.computeLossAndGradient(p, inputs.baseAddress!, \(t).baseAddress!, g, g + Self.parameterCount)")
                    w.line("return (loss, loss.isFinite && Self.update(p, g, &bound))")
                }
            }
            w.line("stateBound = bound")
            w.line("guard updated else { throw DivergenceError(model: \"\(name)\", loss: Double(loss)) }")
            w.line("return loss")
        }
    }

    private func checks(_ w: inout CodeWriter) {
        SupportEmitter.checkCount(model: name, &w)
        w.line("")
        SupportEmitter.checkFinite(model: name, scalar: model.spec.scalar.rawValue, &w)
        guard model.loss != nil else { return }
        let (t, _, _) = target
        w.line("")
        let sequence = byLabels ? "some Collection<Int>" : "some Collection<Scalar>"
        w.block("static func check(inputs: some Collection<Scalar>, \(t): \(sequence)) throws {") { w in
            w.line("try checkCount(inputs.count, \"inputs\", Self.batchSize * Self.inputCount)")
            w.line("try checkFinite(inputs, \"inputs\")")
            if byLabels {
                w.line("try checkCount(labels.count, \"labels\", Self.batchSize)")
                w.block("for (i, label) in labels.enumerated() where label < 0 || label >= Self.outputCount {") { w in
                    w.line("throw InputError(model: \"\(name)\", argument: \"labels[\\(i)]\", expected: \"a class index in 0..<\\(Self.outputCount)\", found: \"\\(label)\")")
                }
            } else {
                w.line("try checkCount(targets.count, \"targets\", Self.batchSize * Self.outputCount)")
                w.line("try checkFinite(targets, \"targets\")")
            }
        }
    }
}
