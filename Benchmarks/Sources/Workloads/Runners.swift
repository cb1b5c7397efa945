/// What the runners need of a generated training model (the API of docs/GENERATED-API.md).
protocol TrainableBenchModel {
    associatedtype Workspace
    static func makeWorkspace() -> Workspace
    mutating func trainStep(inputs: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Int>, workspace: inout Workspace) throws -> Float
    mutating func trainStep(inputs: [Float], labels: [Int]) throws -> Float
}

extension XorBench: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SpiralBench: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension MnistMLPBench: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension DeepBench: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }

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
    return WorkloadRunner(
        stepBuffers: {
            data.inputs.withUnsafeBufferPointer { inputs in
                data.labels.withUnsafeBufferPointer { labels in
                    state.last = try! state.model.trainStep(inputs: inputs, labels: labels, workspace: &workspace)
                }
            }
        },
        stepArrays: { state.last = try! state.model.trainStep(inputs: data.inputs, labels: data.labels) },
        last: { state.last })
}

/// The mnist-mlp forward pass for one example.
func inferenceRunner(_ data: BenchmarkData) -> WorkloadRunner {
    let state = RunnerState(MnistInferBench())
    var workspace = MnistInferBench.Workspace()
    var output = [Float](repeating: 0, count: MnistInferBench.outputCount)
    return WorkloadRunner(
        stepBuffers: {
            data.inputs.withUnsafeBufferPointer { inputs in
                output.withUnsafeMutableBufferPointer { scores in
                    try! state.model.scores(inputs, into: scores, workspace: &workspace)
                }
            }
            state.last = output[0]
        },
        stepArrays: { state.last = try! state.model.scores(data.inputs)[0] },
        last: { state.last })
}
