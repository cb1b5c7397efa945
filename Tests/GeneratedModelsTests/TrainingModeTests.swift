import Foundation
import ExampleModels
import GeneratedModels
import GeneratedUnfusedModels
import NNGenCore
import NNGenRuntime
import XCTest

/// Batch norm and dropout (`Specs/batch_norm_dropout.yaml`, Double): the training graph (batch
/// statistics, the masks of the dropout stream) against the interpreter and central differences,
/// the inference graph (running statistics, no dropout) against the interpreter, the running
/// statistics' update, the whole-batch rule, the masks' documented formula, saving, `fit`, and
/// the unfused emission.
final class TrainingModeTests: XCTestCase {
    typealias Net = GeneratedModels.BatchNormDropoutNet

    /// The spec lowered for training and for inference (`NetworkMode`).
    func lowered() throws -> (training: NetworkModel, inference: NetworkModel) {
        let training = try loweredSpec("batch_norm_dropout")
        return (training, NetworkLowering.lower(training.spec, mode: .inference))
    }

    /// A model whose γ, β and running statistics are not at their start (so that a mix-up of them
    /// shows), with a dropout stream of state 7.
    func model() throws -> Net {
        var net = Net(seed: 3)
        var random = TestRandom(state: 11)
        var p = net.parameters
        for entry in Net.parameterLayout where entry.name.contains("gamma") || entry.name.contains("beta") || entry.name.contains("running") {
            for i in entry.offset..<entry.offset + entry.shape.reduce(1, *) {
                p[i] = entry.name.contains("gamma") || entry.name.contains("var") ? 0.5 + random.uniform() : random.symmetric()
            }
        }
        try net.setParameters(p)
        net.dropoutState = 7
        return net
    }

    func batch(seed: UInt64 = 2) -> Batch { makeBatch(Net.self, seed: seed) }

    func testTrainingPassAgreesWithInterpreter() throws {
        let net = try model(), b = batch(), (training, _) = try lowered()
        let masks = Net.dropoutMasks(state: net.dropoutState)
        let (loss, gradient) = try net.lossAndGradient(b)
        let expected = training.interpret(parameters: net.parameters, inputs: b.inputs, labels: b.labels, masks: masks)
        XCTAssertEqual(loss, expected.loss!, accuracy: 1e-12 * (1 + abs(loss)))
        XCTAssertEqual(try net.trainingLoss(inputs: b.inputs, labels: b.labels), loss, accuracy: 1e-12 * (1 + abs(loss)))
        XCTAssertLessThan(maxError(gradient, expected.gradient), 1e-10)
        // The running statistics get no gradient: the training loss does not read them.
        for entry in Net.parameterLayout where entry.name.contains("running") {
            XCTAssertTrue(gradient[entry.offset..<entry.offset + entry.shape.reduce(1, *)].allSatisfy { $0 == 0 }, entry.name)
        }
        // Another stream state draws other masks, and so another loss.
        var other = net
        other.dropoutState = 8
        XCTAssertNotEqual(try other.trainingLoss(inputs: b.inputs, labels: b.labels), loss)
    }

    /// Central differences of `trainingLoss` (the masks fixed by the stream state) against
    /// `lossAndGradient`, every parameter: γ, β and the weights through the batch statistics.
    func testGradientAgreesWithCentralDifferences() throws {
        let net = try model(), b = batch()
        let gradient = try net.lossAndGradient(b).gradient
        let p = net.parameters, h = 1e-6
        var worst = 0.0, worstIndex = 0
        for i in p.indices {
            var plus = net, minus = net
            var q = p
            q[i] = p[i] + h
            try plus.setParameters(q)
            q[i] = p[i] - h
            try minus.setParameters(q)
            let numeric = (try plus.trainingLoss(inputs: b.inputs, labels: b.labels) - minus.trainingLoss(inputs: b.inputs, labels: b.labels)) / (2 * h)
            // The floor 1e-3 is over the differences' rounding (about 1e-16/h on a loss near 1):
            // some true gradients are 0, such as the conv bias's, which the batch norm after it removes.
            let error = abs(numeric - gradient[i]) / max(abs(numeric), abs(gradient[i]), 1e-3)
            if error > worst { (worst, worstIndex) = (error, i) }
        }
        XCTAssertLessThan(worst, 1e-6, "worst relative error \(worst) at parameter \(worstIndex)")
        // A constant added to a channel before a batch norm drops out of its output.
        let bias = Net.parameterLayout.first { $0.name == "b1" }!
        XCTAssertLessThan(gradient[bias.offset..<bias.offset + 3].map(abs).max()!, 1e-12)
    }

    /// `scores` and `loss` run the inference graph: running statistics, no dropout; on any number
    /// of examples (full batches, then one at a time).
    func testInferenceUsesRunningStatistics() throws {
        let net = try model(), (_, inference) = try lowered()
        var random = TestRandom(state: 5)
        let count = 2 * Net.batchSize + 3
        let inputs = (0..<count * Net.inputCount).map { _ in random.symmetric(1.5) }
        let labels = (0..<count).map { $0 % Net.outputCount }
        let scores = try net.scores(inputs)
        var expected: [Double] = [], expectedLoss = 0.0
        for e in 0..<count {
            var spec = inference.spec
            spec.batch = 1
            let one = NetworkLowering.lower(spec, mode: .inference)
            let evaluation = one.interpret(parameters: net.parameters, inputs: Array(inputs[e * Net.inputCount..<(e + 1) * Net.inputCount]), labels: [labels[e]])
            expected += evaluation.scores
            expectedLoss += evaluation.loss! / Double(count)
        }
        XCTAssertLessThan(maxError(scores, expected), 1e-12)
        XCTAssertEqual(try net.loss(inputs: inputs, labels: labels), expectedLoss, accuracy: 1e-12)
        // The batch graph too, on one batch.
        let first = Array(inputs[0..<Net.batchSize * Net.inputCount])
        let batchScores = inference.interpret(parameters: net.parameters, inputs: first, labels: Array(labels[0..<Net.batchSize])).scores
        XCTAssertLessThan(maxError(Array(scores[0..<Net.batchSize * Net.outputCount]), batchScores), 1e-12)
    }

    /// A step: the optimizer's update of the interpreter's gradient (SGD with momentum 0.9), then
    /// each running statistic moved by its momentum toward the batch's (the variance unbiased);
    /// the dropout stream advances by 1.
    func testTrainStepMovesRunningStatistics() throws {
        var net = try model()
        let b = batch(), (training, _) = try lowered()
        let before = net.parameters, state = net.dropoutState
        let expected = training.interpret(parameters: before, inputs: b.inputs, labels: b.labels, masks: Net.dropoutMasks(state: state))
        _ = try net.trainStep(b)
        XCTAssertEqual(net.dropoutState, state + 1)
        var p = before
        for i in p.indices { p[i] -= 0.1 * expected.gradient[i] }  // the first step's velocity is the gradient
        for (update, statistics) in zip(training.runningStatistics, expected.statistics) {
            let c = update.channels, unbiased = Double(update.rows) / Double(update.rows - 1)
            for k in 0..<c {
                p[update.mean + k] = (1 - update.momentum) * before[update.mean + k] + update.momentum * statistics[k]
                p[update.variance + k] = (1 - update.momentum) * before[update.variance + k] + update.momentum * statistics[c + k] * unbiased
            }
        }
        XCTAssertLessThan(maxError(net.parameters, p), 1e-12)
        XCTAssertEqual(training.runningStatistics.count, 3)
    }

    /// Training calls take exactly one batch; inference calls take any count.
    func testTrainingTakesWholeBatches() throws {
        var net = try model()
        let b = batch(), short = Array(b.inputs.prefix((Net.batchSize - 1) * Net.inputCount)), labels = Array(b.labels.prefix(Net.batchSize - 1))
        let before = net.parameters
        XCTAssertThrowsError(try net.trainStep(inputs: short, labels: labels)) { error in
            XCTAssertTrue("\(error)".contains("trains on whole batches"), "\(error)")
        }
        XCTAssertThrowsError(try net.lossAndGradient(inputs: short, labels: labels))
        XCTAssertThrowsError(try net.trainingLoss(inputs: short, labels: labels))
        XCTAssertEqual(net.parameters, before)
        XCTAssertEqual(net.dropoutState, 7)
        XCTAssertNoThrow(try net.loss(inputs: short, labels: labels))
        XCTAssertTrue(Net.trainsOnWholeBatches)
        XCTAssertFalse(ExampleModels.SpiralNet.trainsOnWholeBatches)
    }

    /// The masks follow the formula `dropoutMasks(state:)` documents, written again here.
    func testMasksFollowTheDocumentedFormula() throws {
        func mix(_ bits: UInt64) -> UInt64 {
            var z = (bits ^ (bits >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let (training, _) = try lowered()
        for state: UInt64 in [0, 7, .max] {
            let masks = Net.dropoutMasks(state: state)
            XCTAssertEqual(masks.count, training.maskCount)
            for layer in training.dropoutMasks {
                let key = mix(state ^ (UInt64(layer.layer) &* 0xD1B5_4A32_D192_ED03))
                var dropped = 0
                for i in 0..<layer.count {
                    let u = Double(mix(key &+ UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15) >> 11) * 0x1p-53
                    XCTAssertEqual(masks[layer.offset + i], u < layer.rate ? 0 : 1 / (1 - layer.rate))
                    if u < layer.rate { dropped += 1 }
                }
                XCTAssertGreaterThan(dropped, 0)
                XCTAssertLessThan(dropped, layer.count)
            }
        }
        XCTAssertNotEqual(Net.dropoutMasks(state: 1), Net.dropoutMasks(state: 2))
    }

    /// The running statistics are saved and loaded with the weights, under PyTorch's words.
    func testRunningStatisticsAreSaved() throws {
        let net = try model()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nngen-bn-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bn.safetensors").path
        try net.save(to: path)
        let file = try SafetensorsFile(contentsOf: path)
        for name in ["bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn_conv.running_var", "bn3.running_mean"] {
            XCTAssertNotNil(file.entry(name), name)
        }
        XCTAssertEqual(try Net(contentsOf: path).parameters, net.parameters)
    }

    /// `fit` leaves out an epoch's last short batch, and a checkpoint keeps the dropout stream.
    func testFitTrainsOnWholeBatches() throws {
        var net = try model()
        var random = TestRandom(state: 9)
        let count = 2 * Net.batchSize + 1
        let data = try Dataset<Double, Int>(features: (0..<count * Net.inputCount).map { _ in random.symmetric() }, featureCount: Net.inputCount,
                                            targets: (0..<count).map { $0 % Net.outputCount })
        let history = try net.fit(data, epochs: 2, options: FitOptions(progress: .silent))
        XCTAssertEqual(history.epochs.map(\.examples), [2 * Net.batchSize, 2 * Net.batchSize])
        XCTAssertEqual(net.dropoutState, 7 + 4)
        let tiny = try Dataset<Double, Int>(features: Array(repeating: 0, count: Net.inputCount), featureCount: Net.inputCount, targets: [0])
        XCTAssertThrowsError(try net.fit(tiny, epochs: 1, options: FitOptions(progress: .silent)))
    }

    /// A run stopped after an epoch and resumed from its checkpoint ends where an uninterrupted run
    /// does: the checkpoint keeps the dropout stream with the running statistics.
    func testResumedRunDrawsTheSameMasks() throws {
        var random = TestRandom(state: 4)
        let count = 3 * Net.batchSize
        let data = try Dataset<Double, Int>(features: (0..<count * Net.inputCount).map { _ in random.symmetric() }, featureCount: Net.inputCount,
                                            targets: (0..<count).map { $0 % Net.outputCount })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nngen-resume-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let options = FitOptions(checkpoint: Checkpointing(path: folder.appendingPathComponent("run.safetensors").path), resume: true, progress: .silent)
        var straight = try model()
        try straight.fit(data, epochs: 3, options: FitOptions(progress: .silent))
        var first = try model()
        try first.fit(data, epochs: 3, options: options) { $0.epoch != 1 }
        var resumed = Net(seed: 1)  // everything comes from the checkpoint
        try resumed.fit(data, epochs: 3, options: options)
        XCTAssertEqual(resumed.dropoutState, straight.dropoutState)
        XCTAssertEqual(resumed.parameters, straight.parameters)
    }

    /// The same spec emitted with `--no-fusion`: the same losses, gradients and steps.
    func testUnfusedEmissionAgrees() throws {
        typealias Unfused = GeneratedUnfusedModels.BatchNormDropoutNet
        var fused = try model()
        var unfused = try Unfused(parameters: fused.parameters)
        unfused.dropoutState = fused.dropoutState
        let b = batch()
        let (l1, g1) = try fused.lossAndGradient(b)
        let (l2, g2) = try unfused.lossAndGradient(inputs: b.inputs, labels: b.labels)
        XCTAssertEqual(l1, l2, accuracy: 1e-12)
        XCTAssertLessThan(maxError(g1, g2), 1e-12)
        XCTAssertLessThan(maxError(try fused.scores(b.inputs), try unfused.scores(b.inputs)), 1e-12)
        for _ in 0..<2 {
            _ = try fused.trainStep(b)
            _ = try unfused.trainStep(inputs: b.inputs, labels: b.labels)
        }
        XCTAssertLessThan(maxError(fused.parameters, unfused.parameters), 1e-12)
    }
}

extension GeneratedModels.BatchNormDropoutNet: LabelModel {}
