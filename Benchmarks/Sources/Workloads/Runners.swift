/// What the runners need of a generated training model (the API of GENERATED-API.md).
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

/// One training step (forward, loss, backward, SGD update) on a fixed batch.
final class TrainingRunner<Model: TrainableBenchModel>: WorkloadRunner {
    var model: Model
    var workspace: Model.Workspace
    let data: BenchmarkData
    var last: Float = 0

    init(_ model: Model, _ data: BenchmarkData) {
        self.model = model
        self.data = data
        workspace = Model.makeWorkspace()
    }

    func stepBuffers() {
        data.inputs.withUnsafeBufferPointer { inputs in
            data.labels.withUnsafeBufferPointer { labels in
                last = try! model.trainStep(inputs: inputs, labels: labels, workspace: &workspace)
            }
        }
    }

    func stepArrays() {
        last = try! model.trainStep(inputs: data.inputs, labels: data.labels)
    }
}

/// The mnist-mlp forward pass for one example.
final class InferenceRunner: WorkloadRunner {
    let model = MnistInferBench()
    var workspace = MnistInferBench.Workspace()
    var output = [Float](repeating: 0, count: MnistInferBench.outputCount)
    let data: BenchmarkData
    var last: Float = 0

    init(_ data: BenchmarkData) { self.data = data }

    func stepBuffers() {
        data.inputs.withUnsafeBufferPointer { inputs in
            output.withUnsafeMutableBufferPointer { scores in
                try! model.scores(inputs, into: scores, workspace: &workspace)
            }
        }
        last = output[0]
    }

    func stepArrays() {
        last = try! model.scores(data.inputs)[0]
    }
}
