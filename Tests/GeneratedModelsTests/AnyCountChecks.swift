import NNGenCore
import NNGenRuntime
import XCTest

/// Issue "Datasets, not batches": every entry point takes any number of examples (training at
/// most a batch), through the batch code for full batches and the single-example code for the rest.
extension ModelChecks {
    /// Agreement between the batch code and the single-example code on the same example: the
    /// same math in another order of operations (other kernels, other fusion).
    var countTolerance: Double { isDouble ? 1e-12 : 1e-5 }

    /// See `checkAnyCountEqualsOneAtATime`.
    func anyCountEqualsOneAtATime() throws {
        try checkAnyCountEqualsOneAtATime(M.self, spec: spec, largestCount: largestCount, tolerance: countTolerance)
    }

    /// A batch of 1 ≤ n < `batchSize` examples: the loss and gradient are the mean over the n,
    /// which the interpreter computes independently from the spec lowered at batch n; `trainStep`
    /// applies that gradient; `loss` also takes more than a batch (and agrees with the
    /// interpreter there), training does not.
    func shortBatchesAreTheMeanOfTheirExamples() throws {
        guard lowered.loss != nil else { return }
        let model = M(seed: 5), full = makeBatch(M.self, seed: 4)
        for n in Set([1, M.batchSize / 2, M.batchSize - 1]).filter({ $0 >= 1 && $0 < M.batchSize }).sorted() {
            let batch = first(n, of: full)
            let expected = interpret(model.parameters, batch, batchSize: n)
            let (loss, gradient) = try model.lossAndGradient(batch)
            XCTAssertLessThan(abs(Double(loss) - expected.loss!) / (1 + abs(expected.loss!)), tolerance, "\(spec): loss of \(n)")
            XCTAssertLessThan(maxError(gradient.map(Double.init), expected.gradient), tolerance, "\(spec): gradient of \(n) examples vs the interpreter")
            XCTAssertEqual(Double(try model.loss(batch)), Double(loss), accuracy: tolerance * (1 + abs(Double(loss))), "\(spec): loss() of \(n)")
            var stepped = model
            XCTAssertEqual(try stepped.trainStep(batch), loss, "\(spec): trainStep's loss of \(n)")
            XCTAssertNotEqual(stepped.parameters, model.parameters, "\(spec): trainStep on \(n) examples changed nothing")
        }
        // More than a batch: 2·batch + 1 examples, two full batches and one on its own.
        var longer = full
        for _ in 0..<2 {
            longer.inputs += full.inputs
            longer.labels += full.labels
            longer.targets += full.targets
        }
        let n = 2 * M.batchSize + 1
        longer = first(n, of: longer)
        let expected = interpret(model.parameters, longer, batchSize: n)
        let loss = Double(try model.loss(longer))
        XCTAssertLessThan(abs(loss - expected.loss!) / (1 + abs(expected.loss!)), tolerance, "\(spec): loss of \(n) examples")
        var copy = model
        XCTAssertThrowsError(try copy.trainStep(longer)) { error in
            XCTAssertTrue("\(error)".contains("inputs: expected \(M.inputCount) to \(M.batchSize * M.inputCount) values"), "\(spec): \(error)")
        }
    }

    /// The first `n` examples of `batch`.
    private func first(_ n: Int, of batch: Batch) -> Batch {
        Batch(inputs: Array(batch.inputs.prefix(n * M.inputCount)),
              labels: lowered.labels != nil ? Array(batch.labels.prefix(n)) : [],
              targets: lowered.targets != nil ? Array(batch.targets.prefix(n * M.outputCount)) : [])
    }

    /// The interpreter on the spec lowered at batch `batchSize`.
    private func interpret(_ parameters: [M.Scalar], _ batch: Batch, batchSize: Int) -> NetworkModel.Evaluation {
        var spec = lowered.spec
        spec.batch = batchSize
        return NetworkLowering.lower(spec).interpret(parameters: parameters.map(Double.init), inputs: batch.inputs.map { Double(M.Scalar($0)) },
                                                     labels: batch.labels, targets: batch.targets.map { Double(M.Scalar($0)) })
    }
}

/// Scoring n examples at once gives, row by row, what scoring them one at a time gives, for
/// n = 1, 31, 32, 33, 359, `largestCount` (10,000) and around the model's batch; `predictions`
/// agree with the scores' argmax; the scores land where the caller's buffer is, whatever its
/// placement (`checkScoresPlacement`). `tolerance`: the batch and single-example code may round
/// differently (other kernels, other fusion).
func checkAnyCountEqualsOneAtATime<M: ScoringModel>(_ type: M.Type, spec: String, largestCount: Int, tolerance: Double) throws {
    let model = M(seed: 11)
    let total = largestCount, width = M.inputCount, outputs = M.outputCount
    var random = TestRandom(state: 5)
    let inputs = (0..<total * width).map { _ in M.Scalar(random.symmetric(1.5)) }
    var oneAtATime = [M.Scalar](repeating: .nan, count: total * outputs)
    var workspace = M.Workspace()
    try inputs.withUnsafeBufferPointer { x in
        try oneAtATime.withUnsafeMutableBufferPointer { out in
            for e in 0..<total {
                try model.scores(UnsafeBufferPointer(rebasing: x[e * width..<(e + 1) * width]),
                                 into: UnsafeMutableBufferPointer(rebasing: out[e * outputs..<(e + 1) * outputs]), workspace: &workspace)
            }
        }
    }
    let b = M.batchSize
    let counts = Set([1, 31, 32, 33, 359, total, b - 1, b, b + 1, 2 * b + 3]).filter { $0 >= 1 && $0 <= total }.sorted()
    for n in counts {
        let scores = try model.scores(Array(inputs[0..<n * width]))
        XCTAssertEqual(scores.count, n * outputs, "\(spec): scores of \(n)")
        let worst = maxError(scores.map(Double.init), oneAtATime[0..<n * outputs].map(Double.init))
        XCTAssertLessThan(worst, tolerance, "\(spec): scores of \(n) examples at once vs one at a time")
    }
    try checkScoresPlacement(M.self, spec: spec, inputs: inputs)
    let predictions = try model.predictions(Array(inputs[0..<359 * width]))
    for (e, predicted) in predictions.enumerated() {
        let row = oneAtATime[e * outputs..<(e + 1) * outputs].map(Double.init)
        let best = row.max()!
        // The predicted class has the highest score (a near-tie may go either way in rounding).
        XCTAssertLessThan(best - row[predicted], tolerance * (1 + abs(best)), "\(spec): prediction \(e)")
    }
}
