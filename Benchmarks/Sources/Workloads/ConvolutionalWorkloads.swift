/// The convolutional workloads (Benchmarks/convnets.py has their numpy, PyTorch and JAX versions).
extension Workload {
    /// LeNet-style training at batch 64 and its forward pass for one image.
    public static let convolutional: [Workload] = [
        Workload(name: "lenet-b64", spec: "lenet.nngen.yaml", requiredFLOPs: lenetFLOPs(batch: 64, training: true),
                 makeRunner: { trainingRunner(LeNetBench(), BenchmarkData.uniform(examples: 64, features: 784, classes: 10, seed: 5)) }),
        Workload(name: "lenet-infer-b1", spec: "lenet_infer.nngen.yaml", requiredFLOPs: lenetFLOPs(batch: 1, training: false),
                 makeRunner: { inferenceRunner(LeNetInferBench(), BenchmarkData.uniform(examples: 1, features: 784, classes: 10, seed: 5)) }),
    ]

    /// 2·MACs of LeNet's products (the convolutions as im2col products): the forward pass, and for
    /// training also dW of every layer and dX of every layer but the first, as `flops(_:batch:)`
    /// counts a dense network's. Each entry is (positions or rows, depth, outputs) per example.
    static func lenetFLOPs(batch: Int, training: Bool) -> Int {
        let products = [(24 * 24, 25, 6), (8 * 8, 150, 16), (1, 256, 120), (1, 120, 84), (1, 84, 10)]
        let forward = products.map { 2 * batch * $0.0 * $0.1 * $0.2 }
        return training ? 2 * forward.reduce(0, +) + forward.dropFirst().reduce(0, +) : forward.reduce(0, +)
    }
}
