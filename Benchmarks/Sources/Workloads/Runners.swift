/// What every runner needs of a generated model (the API of docs/GENERATED-API.md).
protocol BenchModel {
    associatedtype Scalar: BinaryFloatingPoint
    associatedtype Workspace
    static var outputCount: Int { get }
    static func makeWorkspace() -> Workspace
}

/// A generated model that trains on class labels.
protocol TrainableBenchModel: BenchModel {
    mutating func trainStep(inputs: UnsafeBufferPointer<Scalar>, labels: UnsafeBufferPointer<Int>, workspace: inout Workspace) throws -> Scalar
    mutating func trainStep(inputs: [Scalar], labels: [Int]) throws -> Scalar
}

/// A generated model that trains on real targets (mean squared error).
protocol RegressionBenchModel: BenchModel {
    mutating func trainStep(inputs: UnsafeBufferPointer<Scalar>, targets: UnsafeBufferPointer<Scalar>, workspace: inout Workspace) throws -> Scalar
    mutating func trainStep(inputs: [Scalar], targets: [Scalar]) throws -> Scalar
}

/// A generated model without a loss: scores only.
protocol InferenceBenchModel: BenchModel {
    func scores(_ inputs: UnsafeBufferPointer<Scalar>, into output: UnsafeMutableBufferPointer<Scalar>, workspace: inout Workspace) throws
    func scores(_ inputs: [Scalar]) throws -> [Scalar]
}

extension XorBench: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SpiralBench: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension MnistMLPBench: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension DeepBench: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension MnistInferBench: InferenceBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension LeNetBench: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension LeNetInferBench: InferenceBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }

/// The mutable state of a runner: the model, its workspace, and the last result.
final class RunnerState<Model> {
    var model: Model
    var last: Float = 0
    init(_ model: Model) { self.model = model }
}

/// One training step (forward, loss, backward, SGD update) on a fixed batch. Called with a
/// concrete model type, so the closures are specialized for it.
func trainingRunner<Model: TrainableBenchModel>(_ model: Model, _ data: BenchmarkData) -> WorkloadRunner {
    let state = RunnerState(model)
    var workspace = Model.makeWorkspace()
    let inputs = data.inputs.map { Model.Scalar($0) }
    return WorkloadRunner(
        stepBuffers: {
            inputs.withUnsafeBufferPointer { inputs in
                data.labels.withUnsafeBufferPointer { labels in
                    state.last = Float(try! state.model.trainStep(inputs: inputs, labels: labels, workspace: &workspace))
                }
            }
        },
        stepArrays: { state.last = Float(try! state.model.trainStep(inputs: inputs, labels: data.labels)) },
        last: { state.last })
}

/// One training step of a regression model; the targets are the batch's input values taken in
/// order and cycled to `batch × outputCount` (any fixed values cost the same).
func regressionRunner<Model: RegressionBenchModel>(_ model: Model, _ data: BenchmarkData) -> WorkloadRunner {
    let state = RunnerState(model)
    var workspace = Model.makeWorkspace()
    let inputs = data.inputs.map { Model.Scalar($0) }
    let examples = data.labels.count
    let targets = (0..<examples * Model.outputCount).map { inputs[$0 % inputs.count] }
    return WorkloadRunner(
        stepBuffers: {
            inputs.withUnsafeBufferPointer { inputs in
                targets.withUnsafeBufferPointer { targets in
                    state.last = Float(try! state.model.trainStep(inputs: inputs, targets: targets, workspace: &workspace))
                }
            }
        },
        stepArrays: { state.last = Float(try! state.model.trainStep(inputs: inputs, targets: targets)) },
        last: { state.last })
}

/// The forward pass of an inference model on a fixed batch. `scores` does not mutate the model,
/// so the closures capture it as a constant: reading it out of a `RunnerState` would retain and
/// release its parameter array on every call, which a caller holding the model in a `let` does
/// not pay (2 × 100 × 3 at batch 1: 0.0844 → 0.0825 µs). The buffer API gets buffers allocated
/// once (`InferenceBuffers`), as a program that scores in a loop holds them.
func inferenceRunner<Model: InferenceBenchModel>(_ model: Model, _ data: BenchmarkData) -> WorkloadRunner {
    let state = RunnerState(model)
    var workspace = Model.makeWorkspace()
    let inputs = data.inputs.map { Model.Scalar($0) }
    let buffers = InferenceBuffers(inputs: inputs, outputCount: data.labels.count * Model.outputCount)
    return WorkloadRunner(
        stepBuffers: {
            try! model.scores(UnsafeBufferPointer(buffers.inputs), into: buffers.output, workspace: &workspace)
            state.last = Float(buffers.output[0])
        },
        stepArrays: { state.last = Float(try! model.scores(inputs)[0]) },
        last: { state.last })
}

/// An inference runner's input and output buffers, allocated once and owned by the runner. Arrays
/// reached through `withUnsafeBufferPointer` and `withUnsafeMutableBufferPointer` at every call
/// cost the runner a uniqueness check and two closures per call, which were the runner's time,
/// not the model's (2 × 100 × 3 at batch 1, with the scores written straight into the output:
/// 79.2–79.7 → 75.5–76.0 ns).
final class InferenceBuffers<Scalar: BinaryFloatingPoint> {
    let inputs: UnsafeMutableBufferPointer<Scalar>
    let output: UnsafeMutableBufferPointer<Scalar>

    init(inputs values: [Scalar], outputCount: Int) {
        inputs = .allocate(capacity: values.count)
        _ = inputs.initialize(from: values)
        output = .allocate(capacity: outputCount)
        output.initialize(repeating: 0)
    }

    deinit {
        inputs.deallocate()
        output.deallocate()
    }
}
