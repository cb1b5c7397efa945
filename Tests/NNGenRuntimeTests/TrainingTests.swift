import Foundation
import ExampleModels
import GeneratedModels
import NNGenRuntime
import XCTest

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The training driver on the digits data: every example used every epoch, checkpoints that
/// resume bit-identically, schedules, early stopping, evaluation and the curves' picture.
final class TrainingTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder.remove() }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The digits, pixels scaled to [0, 1], split 1,438 / 359.
    func digits() throws -> (train: Dataset<Float, Int>, test: Dataset<Float, Int>) {
        var all = try Dataset<Float, Int>(csvFile: Self.root.appendingPathComponent("Data/digits/digits.csv").path, header: false, label: -1)
        try all.mapFeatures { $0 / 16 }
        let split = try all.split(validationFraction: 0.2, seed: 0)
        return (split.training, split.validation)
    }

    /// 1,438 examples at batch 32: 44 full batches and one of 30, every example once per epoch,
    /// counted by a model that records what `trainStep` receives.
    func testEveryExampleIsUsedEachEpoch() throws {
        let (train, _) = try digits()
        XCTAssertEqual(train.count, 1_438)
        // Each example's label is its index, so that the counting model sees which came.
        let indexed = try Dataset<Float, Int>(features: train.features, featureCount: 64, targets: Array(0..<train.count))
        var model = CountingModel()
        let history = try model.fit(indexed, epochs: 3, options: FitOptions(progress: .silent))
        XCTAssertEqual(model.seen.count, 3 * 1_438)
        for epoch in 0..<3 {
            XCTAssertEqual(Set(model.seen[epoch * 1_438..<(epoch + 1) * 1_438]), Set(0..<1_438), "epoch \(epoch + 1)")
        }
        XCTAssertEqual(model.batches.filter { $0 == 32 }.count, 3 * 44)
        XCTAssertEqual(model.batches.filter { $0 == 30 }.count, 3)
        XCTAssertEqual(history.epochs.map(\.examples), [1_438, 1_438, 1_438])
        XCTAssertNotEqual(model.seen[0..<1_438], model.seen[1_438..<2_876], "each epoch has its own order")
    }

    /// 10 epochs straight, and 4 epochs, a checkpoint, then a new model resuming 6: the saved
    /// weights are the same bytes. Also with Adam-free momentum state, a cosine schedule and a
    /// validation set, all of which the checkpoint carries.
    func testResumeIsBitIdentical() throws {
        let (train, test) = try digits()
        let checkpoint = folder.file("run.checkpoint")
        let options = FitOptions(seed: 3, schedule: .cosine(minimum: 0.001), checkpoint: Checkpointing(path: checkpoint, every: 2), resume: true, progress: .silent)
        var straight = DigitsNet()
        var plain = options
        plain.checkpoint = nil
        let full = try straight.fit(train, epochs: 10, validation: test, options: plain)
        try straight.save(to: folder.file("straight.safetensors"))

        var first = DigitsNet()
        let part = try first.fit(train, epochs: 10, validation: test, options: options) { $0.epoch < 4 }
        XCTAssertEqual(part.epochs.count, 4)
        var resumed = DigitsNet(seed: 99)  // a new model: everything comes from the checkpoint
        let rest = try resumed.fit(train, epochs: 10, validation: test, options: options)
        try resumed.save(to: folder.file("resumed.safetensors"))
        XCTAssertEqual(try folder.read("straight.safetensors"), try folder.read("resumed.safetensors"))
        XCTAssertEqual(rest.epochs.count, 10, "the resumed history holds the first 4 epochs too")
        XCTAssertEqual(rest.values(of: "val_loss"), full.values(of: "val_loss"))
        XCTAssertEqual(rest.epochs.map(\.learningRate), full.epochs.map(\.learningRate))
        XCTAssertEqual(full.epochs.first!.learningRate, 0.05, accuracy: 1e-9)  // the spec's rate, a Float
        // A checkpoint of another model is refused.
        var other = DigitsNet()
        var wrongData = options
        wrongData.checkpoint = Checkpointing(path: checkpoint)
        XCTAssertThrowsError(try other.fit(test, epochs: 10, options: wrongData)) { error in
            XCTAssertTrue("\(error)".contains("trained on 1438 examples, this run has 359"), "\(error)")
        }
    }

    /// The trained digits model scores ≥ 97% on the held-out fifth; `evaluate` agrees with
    /// `predictClasses` and with the loss of the generated model.
    func testFitReachesTheExampleAccuracy() throws {
        let (train, test) = try digits()
        var model = DigitsNet()
        let history = try model.fit(train, epochs: 20, validation: test, options: FitOptions(seed: 1, progress: .silent))
        let evaluation = try model.evaluate(test)
        XCTAssertGreaterThanOrEqual(evaluation.accuracy!, 0.97)
        XCTAssertEqual(history.epochs.last!.metrics["val_accuracy"], evaluation.accuracy)
        let predicted = try model.predictClasses(test)
        XCTAssertEqual(Double(zip(predicted, test.targets).filter { $0 == $1 }.count) / Double(test.count), evaluation.accuracy!)
        XCTAssertEqual(evaluation.loss, Double(try model.loss(inputs: test.features, labels: test.targets)), accuracy: 1e-6)
        XCTAssertLessThan(history.values(of: "loss").last!, history.values(of: "loss").first! / 3)
    }

    /// Early stopping on val_loss with patience 2 stops before the last epoch when the
    /// validation loss rises, and restores the best epoch's parameters.
    func testEarlyStoppingRestoresTheBestEpoch() throws {
        let (train, test) = try digits()
        var model = DigitsNet()
        model.learningRate = 0.5  // too large: the validation loss soon stops improving
        let history = try model.fit(train, epochs: 40, validation: test,
                                    options: FitOptions(earlyStopping: EarlyStopping(metric: "val_loss", patience: 2), progress: .silent))
        XCTAssertTrue(history.stoppedEarly)
        XCTAssertLessThan(history.epochs.count, 40)
        let losses = history.values(of: "val_loss")
        let bestEpoch = losses.indices.min { losses[$0] < losses[$1] }! + 1
        XCTAssertEqual(history.restoredEpoch, bestEpoch)
        XCTAssertEqual(try model.evaluate(test).loss, losses[bestEpoch - 1], accuracy: 1e-6)
    }

    /// A standardization saved in the model's file: the model loads from it, the statistics read
    /// back exactly, and one of the wrong width is refused.
    func testStandardizationSavedWithTheModel() throws {
        let (train, _) = try digits()
        let standardization = Standardization(fitting: train)
        let pixel20 = (0..<train.count).map { Double(train.features[$0 * 64 + 20]) }
        XCTAssertEqual(standardization.mean[20], pixel20.reduce(0, +) / 1_438, accuracy: 1e-12)
        let model = DigitsNet(seed: 4), path = folder.file("model.safetensors")
        try model.save(to: path, standardization: standardization)
        XCTAssertEqual(try DigitsNet(contentsOf: path).parameters, model.parameters)
        XCTAssertEqual(try Standardization(contentsOf: path), standardization)
        XCTAssertThrowsError(try model.save(to: folder.file("bad.safetensors"), standardization: Standardization(mean: [0], scale: [1])))
        var standardized = train
        try standardized.standardize(standardization)
        let column = (0..<standardized.count).map { Double(standardized.features[$0 * 64 + 20]) }
        XCTAssertEqual(column.reduce(0, +) / Double(column.count), 0, accuracy: 1e-6)
    }

    func testSchedules() {
        XCTAssertEqual(LearningRateSchedule.constant.rate(base: 0.1, epoch: 7, epochs: 10), 0.1)
        XCTAssertEqual(LearningRateSchedule.stepDecay(every: 3, factor: 0.5).rate(base: 0.1, epoch: 7, epochs: 10), 0.025, accuracy: 1e-15)
        let cosine = LearningRateSchedule.cosine(minimum: 0.01)
        XCTAssertEqual(cosine.rate(base: 0.1, epoch: 0, epochs: 10), 0.1, accuracy: 1e-15)
        XCTAssertEqual(cosine.rate(base: 0.1, epoch: 5, epochs: 10), 0.055, accuracy: 1e-15)
        for epoch in 0..<10 {
            let expected = 0.01 + 0.09 * (1 + cos(Double.pi * Double(epoch) / 10)) / 2
            XCTAssertEqual(cosine.rate(base: 0.1, epoch: epoch, epochs: 10), expected, accuracy: 1e-15)
        }
    }

    /// The SVG parses as XML and has one polyline per metric, with as many points as epochs.
    func testCurvesAreWellFormedSVG() throws {
        let (train, test) = try digits()
        var model = DigitsNet()
        let history = try model.fit(train, epochs: 5, validation: test, options: FitOptions(progress: .silent, trainingMetrics: true))
        XCTAssertEqual(history.metricNames, ["loss", "accuracy", "val_loss", "val_accuracy"])
        XCTAssertEqual(history.epochs.last!.metrics["accuracy"], try model.evaluate(train).accuracy)
        let path = folder.file("curves.svg")
        try history.writeSVG(to: path)
        let delegate = PolylineCollector()
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = delegate
        XCTAssertTrue(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        XCTAssertEqual(delegate.root, "svg")
        XCTAssertEqual(delegate.curves.map(\.metric).sorted(), ["accuracy", "loss", "val_accuracy", "val_loss"])
        for curve in delegate.curves { XCTAssertEqual(curve.points, 5, curve.metric) }
    }
}

/// Collects the SVG's root element and each polyline's metric and number of points.
final class PolylineCollector: NSObject, XMLParserDelegate {
    var root: String?
    var curves: [(metric: String, points: Int)] = []

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if root == nil { root = name }
        if name == "polyline", let metric = attributes["data-metric"] {
            curves.append((metric, attributes["points"]?.split(separator: " ").count ?? 0))
        }
    }
}

/// DigitsNet, recording the labels (here, example indices) and the size of every batch that
/// `trainStep` receives.
struct CountingModel: TrainableNetwork {
    typealias Scalar = Float
    typealias Target = Int
    typealias Workspace = DigitsNet.Workspace
    var model = DigitsNet()
    var seen: [Int] = []
    var batches: [Int] = []

    static var batchSize: Int { DigitsNet.batchSize }
    static var inputCount: Int { DigitsNet.inputCount }
    static var outputCount: Int { 1_438 }
    static var parameterCount: Int { DigitsNet.parameterCount }
    static var parameterLayout: [(name: String, offset: Int, shape: [Int])] { DigitsNet.parameterLayout }
    static var tensorNames: [(safetensors: String, pytorch: String?)] { DigitsNet.tensorNames }
    static var targetsPerExample: Int { 1 }
    var parameters: [Float] { model.parameters }
    var learningRate: Float {
        get { model.learningRate }
        set { model.learningRate = newValue }
    }
    var optimizerState: [Float] { model.optimizerState }

    init() {}
    init(parameters: [Float]) throws { model = try DigitsNet(parameters: parameters) }
    mutating func setParameters(_ values: [Float]) throws { try model.setParameters(values) }
    mutating func setOptimizerState(_ values: [Float]) throws { try model.setOptimizerState(values) }
    func scores(_ inputs: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, workspace: inout Workspace) throws {}
    func loss(inputs: UnsafeBufferPointer<Float>, expected: UnsafeBufferPointer<Int>, workspace: inout Workspace) throws -> Float { 0 }

    mutating func trainStep(inputs: UnsafeBufferPointer<Float>, expected: UnsafeBufferPointer<Int>, workspace: inout Workspace) throws -> Float {
        seen += expected
        batches.append(expected.count)
        // The real step on labels the model knows, so that the data flow is the real one.
        let labels = expected.map { $0 % DigitsNet.outputCount }
        return try labels.withUnsafeBufferPointer { try model.trainStep(inputs: inputs, labels: $0, workspace: &workspace) }
    }
}
