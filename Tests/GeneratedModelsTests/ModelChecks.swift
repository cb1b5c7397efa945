import Foundation
import NNGenCore
import XCTest

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The spec `Specs/<name>.yaml`, lowered by NNGenCore: the interpreter's side of every comparison.
func loweredSpec(_ name: String) throws -> NetworkModel {
    let path = repositoryRoot.appendingPathComponent("Specs/\(name).yaml").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    guard case .network(let spec) = try SpecParser.parse(text, path: path) else { throw XCTSkip("not a network spec") }
    return NetworkLowering.lower(spec)
}

/// Deterministic pseudo-random numbers for test data (a 64-bit LCG, top bits).
struct TestRandom {
    var state: UInt64
    mutating func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) * 0x1.0p-53
    }
    mutating func symmetric(_ scale: Double = 1) -> Double { (2 * uniform() - 1) * scale }
}

/// A batch with inputs in ±1.5, every class used, targets in ±1.
func makeBatch<M: TestableModel>(_ type: M.Type, seed: UInt64 = 1) -> Batch {
    var random = TestRandom(state: seed)
    let inputs = (0..<M.batchSize * M.inputCount).map { _ in random.symmetric(1.5) }
    let labels = (0..<M.batchSize).map { ($0 * 7 + Int(seed)) % M.outputCount }
    let targets = (0..<M.batchSize * M.outputCount).map { _ in random.symmetric() }
    return Batch(inputs: inputs, labels: labels, targets: targets)
}

/// Largest |a − b| / (1 + |b|) over two arrays.
func maxError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) / (1 + abs($1)) }.max() ?? 0
}

/// All checks of issue 2 for one generated model and its spec.
struct ModelChecks<M: TestableModel> {
    let spec: String
    let lowered: NetworkModel
    var isDouble: Bool { M.Scalar.self == Double.self }
    /// Agreement expected between emitted code and the Double interpreter.
    var tolerance: Double { isDouble ? 1e-10 : 2e-4 }

    /// The most examples scored at once by `anyCountEqualsOneAtATime`.
    var largestCount = 10_000

    init(_ type: M.Type, spec: String) throws {
        self.spec = spec
        lowered = try loweredSpec(spec)
    }

    func interpret(_ parameters: [M.Scalar], _ batch: Batch) -> NetworkModel.Evaluation {
        lowered.interpret(parameters: parameters.map(Double.init), inputs: batch.inputs.map { Double(M.Scalar($0)) },
                          labels: batch.labels, targets: batch.targets.map { Double(M.Scalar($0)) })
    }

    func runAll() throws {
        XCTAssertEqual(M.parameterCount, lowered.parameterCount, "\(spec): parameterCount")
        try scoresAgreeWithInterpreter()
        try gradientAgreesWithInterpreter()
        if isDouble { try gradientAgreesWithCentralDifferences() }
        try trainStepMatchesIndependentUpdate()
        try badInputThrowsAndChangesNothing()
        try extremeInputsGiveFiniteResults()
        try initializationIsDeterministic()
        try anyCountEqualsOneAtATime()
        try shortBatchesAreTheMeanOfTheirExamples()
    }

    /// Inputs of ±10³ (sigmoid and tanh far in saturation), ±10⁴ (scores of that size) and ±10³⁰:
    /// the math stays finite for every model (no square of a score of 10³⁰ reaches a Float
    /// loss), and so must the loss and every gradient component. Targets scale with the inputs.
    func extremeInputsGiveFiniteResults() throws {
        let model = M()
        for magnitude in [1e3, 1e4, 1e30] {
            var batch = makeBatch(M.self, seed: 3)
            batch.inputs = batch.inputs.enumerated().map { i, v in (i % 2 == 0 ? 1 : -1) * magnitude * (0.5 + abs(v) / 3) }
            if lowered.targets != nil && !isDouble && magnitude > 1e18 { continue }  // (s − t)² overflows Float
            batch.targets = batch.targets.map { $0 * magnitude }
            let (loss, gradient) = try model.lossAndGradient(batch)
            XCTAssertTrue(loss.isFinite, "\(spec): loss \(loss) at inputs of ±\(magnitude)")
            let bad = gradient.firstIndex { !$0.isFinite }
            XCTAssertNil(bad, "\(spec): gradient[\(bad ?? -1)] = \(bad.map { gradient[$0] } ?? 0) at inputs of ±\(magnitude)")
        }
    }

    func scoresAgreeWithInterpreter() throws {
        let model = M(), batch = makeBatch(M.self)
        let scores = try model.scores(batch.inputs.map(M.Scalar.init)).map(Double.init)
        let expected = interpret(model.parameters, batch).scores
        XCTAssertLessThan(maxError(scores, expected), tolerance, "\(spec): scores differ from the interpreter")
    }

    func gradientAgreesWithInterpreter() throws {
        let model = M(), batch = makeBatch(M.self)
        let (loss, gradient) = try model.lossAndGradient(batch)
        let expected = interpret(model.parameters, batch)
        XCTAssertLessThan(abs(Double(loss) - expected.loss!) / (1 + abs(expected.loss!)), tolerance, "\(spec): loss")
        XCTAssertEqual(Double(try model.loss(batch)), Double(loss), accuracy: tolerance * (1 + abs(Double(loss))), "\(spec): loss() vs lossAndGradient()")
        XCTAssertLessThan(maxError(gradient.map(Double.init), expected.gradient), tolerance, "\(spec): gradient differs from the interpreter")
    }

    /// Central differences on the emitted `loss`, every parameter up to 400, else a fixed sample.
    func gradientAgreesWithCentralDifferences() throws {
        let model = M(), batch = makeBatch(M.self)
        let parameters = model.parameters.map(Double.init)
        let gradient = try model.lossAndGradient(batch).gradient.map(Double.init)
        let stride = max(1, parameters.count / 400)
        let h = 1e-5
        var worst = 0.0
        for i in Swift.stride(from: 0, to: parameters.count, by: stride) {
            var plus = parameters, minus = parameters
            plus[i] += h
            minus[i] -= h
            let lp = Double(try M(parameters: plus.map(M.Scalar.init)).loss(batch))
            let lm = Double(try M(parameters: minus.map(M.Scalar.init)).loss(batch))
            let numeric = (lp - lm) / (2 * h)
            let error = abs(numeric - gradient[i]) / max(abs(numeric), abs(gradient[i]), 1e-5)
            worst = max(worst, error)
        }
        XCTAssertLessThan(worst, 1e-6, "\(spec): gradient vs central differences, worst relative error \(worst)")
    }

    /// Two `trainStep`s equal the spec's optimizer applied in Double to the interpreter's gradients.
    func trainStepMatchesIndependentUpdate() throws {
        var model = M()
        let batch = makeBatch(M.self)
        var p = model.parameters.map(Double.init)
        var velocity = [Double](repeating: 0, count: p.count), m = velocity, v = velocity
        for step in 1...2 {
            let expected = interpret(p.map(M.Scalar.init), batch)
            let loss = try model.trainStep(batch)
            XCTAssertLessThan(abs(Double(loss) - expected.loss!) / (1 + abs(expected.loss!)), tolerance * 10, "\(spec): step \(step) loss")
            let g = expected.gradient
            switch lowered.spec.optimizer {
            case .sgd(let lr, let mu, let nesterov):
                for i in p.indices {
                    if mu == 0 {
                        p[i] -= lr * g[i]
                    } else {
                        velocity[i] = mu * velocity[i] + g[i]
                        p[i] -= nesterov ? lr * (g[i] + mu * velocity[i]) : lr * velocity[i]
                    }
                }
            case .adam(let lr, let b1, let b2, let eps):
                for i in p.indices {
                    m[i] = b1 * m[i] + (1 - b1) * g[i]
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                    let mHat = m[i] / (1 - pow(b1, Double(step))), vHat = v[i] / (1 - pow(b2, Double(step)))
                    p[i] -= lr * mHat / (vHat.squareRoot() + eps)
                }
            }
            let actual = model.parameters.map(Double.init)
            XCTAssertLessThan(maxError(actual, p), tolerance * 100, "\(spec): parameters after step \(step)")
            p = actual.map { Double(M.Scalar($0)) }
        }
    }

    func badInputThrowsAndChangesNothing() throws {
        var model = M()
        _ = try model.trainStep(makeBatch(M.self))  // optimizer state is no longer at its start
        let before = model.parameters
        let good = makeBatch(M.self, seed: 2)
        var bad: [(String, Batch)] = []
        var b = good
        if M.inputCount > 1 {
            b.inputs.removeLast()  // not a whole number of examples
            bad.append(("inputs", b))
        }
        b = good
        b.inputs += b.inputs.prefix(M.inputCount)  // one example more than a batch
        b.labels += b.labels.prefix(1)
        b.targets += b.targets.prefix(M.outputCount)
        bad.append(("inputs", b))
        b = good
        (b.inputs, b.labels, b.targets) = ([], [], [])  // no example
        bad.append(("inputs", b))
        for (index, value) in [(0, Double.nan), (M.inputCount + 1, Double.infinity), (M.batchSize * M.inputCount - 1, -Double.infinity)] {
            b = good
            b.inputs[index] = value
            bad.append(("inputs[\(index)]", b))
        }
        if lowered.labels != nil {
            b = good
            b.labels.removeLast()
            bad.append(("labels", b))
            b = good
            b.labels[M.batchSize - 1] = M.outputCount
            bad.append(("labels[\(M.batchSize - 1)]", b))
            b = good
            b.labels[0] = -1
            bad.append(("labels[0]", b))
        } else {
            b = good
            b.targets.removeLast()
            bad.append(("targets", b))
            b = good
            b.targets[1] = .nan
            bad.append(("targets[1]", b))
        }
        for (argument, batch) in bad {
            var copy = model
            XCTAssertThrowsError(try copy.trainStep(batch), "\(spec): \(argument)") { error in
                let text = String(describing: error)
                XCTAssertTrue(text.contains(String(describing: M.self)) && text.contains("\(argument):"), "\(spec): message '\(text)'")
            }
            if argument != "inputs" || batch.inputs.count % M.inputCount != 0 || batch.inputs.isEmpty {
                XCTAssertThrowsError(try model.loss(batch))  // loss takes more than a batch
            }
            XCTAssertThrowsError(try model.lossAndGradient(batch))
            XCTAssertEqual(copy.parameters, before, "\(spec): a failed trainStep changed the parameters")
            // The optimizer state is unchanged too: the next good step matches the untouched model's.
            var untouched = model
            _ = try copy.trainStep(good)
            _ = try untouched.trainStep(good)
            XCTAssertEqual(copy.parameters, untouched.parameters, "\(spec): a failed trainStep changed the optimizer state")
        }
        XCTAssertThrowsError(try model.scores(Array(repeating: 0, count: M.batchSize * M.inputCount + (M.inputCount > 1 ? 1 : -M.batchSize))))
        var nanInputs = [M.Scalar](repeating: 0, count: M.batchSize * M.inputCount)
        nanInputs[nanInputs.count / 2] = .nan
        XCTAssertThrowsError(try model.scores(nanInputs)) { error in
            XCTAssertTrue("\(error)".contains("inputs[\(nanInputs.count / 2)]: expected a finite number, found nan"), "\(error)")
        }
        XCTAssertThrowsError(try M(parameters: Array(repeating: 0, count: M.parameterCount - 1)))
    }

    func initializationIsDeterministic() throws {
        XCTAssertEqual(M().parameters, M().parameters, "\(spec): init() is not deterministic")
        XCTAssertEqual(M().parameters, M(seed: lowered.spec.initialization.seed).parameters, "\(spec): init() is not init(seed: spec seed)")
        XCTAssertNotEqual(M(seed: 1).parameters, M(seed: 2).parameters, "\(spec): seeds 1 and 2 give the same parameters")
        XCTAssertEqual(M(seed: 1).parameters, M(seed: 1).parameters)
        XCTAssertTrue(M().parameters.allSatisfy { $0.isFinite })
    }
}
