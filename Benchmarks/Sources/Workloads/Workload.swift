/// One benchmark workload: a model generated at build time from the spec beside this file,
/// fixed data, and a runner that performs one step through either API.
public struct Workload: Sendable {
    /// The workload's name, as `../shared/bench` and `compare.py` call it.
    public let name: String
    /// The spec file the model comes from.
    public let spec: String
    /// Matrix-product FLOPs one step needs: forward, dW of every layer, dX of every layer but the
    /// first (the count the Python baselines use; elementwise work is not counted).
    public let requiredFLOPs: Int
    /// A fresh runner: a new model, its workspace and its data.
    public let makeRunner: @Sendable () -> WorkloadRunner

    /// The five workloads of the comparison, in its order.
    public static let all: [Workload] = [
        Workload(name: "xor", spec: "xor.nngen.yaml", requiredFLOPs: flops([2, 4, 2], batch: 4),
                 makeRunner: { trainingRunner(XorBench(), BenchmarkData.xor()) }),
        Workload(name: "spiral", spec: "spiral.nngen.yaml", requiredFLOPs: flops([2, 100, 3], batch: 300),
                 makeRunner: { trainingRunner(SpiralBench(), BenchmarkData.spiral()) }),
        Workload(name: "mnist-mlp", spec: "mnist_mlp.nngen.yaml", requiredFLOPs: flops([784, 128, 10], batch: 64),
                 makeRunner: { trainingRunner(MnistMLPBench(), BenchmarkData.uniform(examples: 64, features: 784, classes: 10, seed: 3)) }),
        Workload(name: "deep-tanh-svm", spec: "deep.nngen.yaml", requiredFLOPs: flops([64, 64, 64, 10], batch: 32),
                 makeRunner: { trainingRunner(DeepBench(), BenchmarkData.normal(examples: 32, features: 64, classes: 10, seed: 4)) }),
        Workload(name: "mnist-mlp-infer-b1", spec: "mnist_infer.nngen.yaml", requiredFLOPs: 2 * (784 * 128 + 128 * 10),
                 makeRunner: { inferenceRunner(MnistInferBench(), BenchmarkData.uniform(examples: 1, features: 784, classes: 10, seed: 3)) }),
    ]

    /// 2·MACs of forward + dW (every layer) + dX (every layer but the first).
    static func flops(_ sizes: [Int], batch: Int) -> Int {
        let layers = zip(sizes.dropLast(), sizes.dropFirst()).map { 2 * batch * $0 * $1 }
        return 2 * layers.reduce(0, +) + layers.dropFirst().reduce(0, +)
    }
}

/// Performs one step of a workload, the way an app would call the generated model. The steps are
/// closures made for each concrete model type, so no generic code runs inside the timing.
public final class WorkloadRunner {
    /// One step through the allocation-free entry point (caller-owned buffers and a workspace).
    public let stepBuffers: () -> Void
    /// One step through the array API.
    public let stepArrays: () -> Void
    /// The last loss (or first score), so the work cannot be optimized away.
    public let last: () -> Float

    init(stepBuffers: @escaping () -> Void, stepArrays: @escaping () -> Void, last: @escaping () -> Float) {
        self.stepBuffers = stepBuffers
        self.stepArrays = stepArrays
        self.last = last
    }
}
