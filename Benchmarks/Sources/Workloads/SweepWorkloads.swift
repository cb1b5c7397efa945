// Written by Benchmarks/sweep.py from its SWEEP list; do not edit (run the script instead).

extension Workload {
    /// The sweep: networks of every shape, activation, loss and scalar type (Benchmarks/sweep.py).
    public static let sweep: [Workload] = [
        Workload(name: "2x16x2-relu-ce-b1", spec: "Sweep/2x16x2-relu-ce-b1.nngen.yaml", requiredFLOPs: 320,
                 makeRunner: { trainingRunner(SweepTrain01(), BenchmarkData.normal(examples: 1, features: 2, classes: 2, seed: 1)) }),
        Workload(name: "2x16x2-sigm-mse-b4", spec: "Sweep/2x16x2-sigm-mse-b4.nngen.yaml", requiredFLOPs: 1280,
                 makeRunner: { regressionRunner(SweepTrain02(), BenchmarkData.normal(examples: 4, features: 2, classes: 2, seed: 2)) }),
        Workload(name: "10x16x2-relu-ce-b1-f64", spec: "Sweep/10x16x2-relu-ce-b1-f64.nngen.yaml", requiredFLOPs: 832,
                 makeRunner: { trainingRunner(SweepTrain03(), BenchmarkData.normal(examples: 1, features: 10, classes: 2, seed: 3)) }),
        Workload(name: "16x16x16x2-relu-ce-b4-f64", spec: "Sweep/16x16x16x2-relu-ce-b4-f64.nngen.yaml", requiredFLOPs: 11008,
                 makeRunner: { trainingRunner(SweepTrain04(), BenchmarkData.normal(examples: 4, features: 16, classes: 2, seed: 4)) }),
        Workload(name: "4x32x3-tanh-svm-b16", spec: "Sweep/4x32x3-tanh-svm-b16.nngen.yaml", requiredFLOPs: 17408,
                 makeRunner: { trainingRunner(SweepTrain05(), BenchmarkData.normal(examples: 16, features: 4, classes: 3, seed: 5)) }),
        Workload(name: "8x128x3-id-ce-b64", spec: "Sweep/8x128x3-id-ce-b64.nngen.yaml", requiredFLOPs: 409600,
                 makeRunner: { trainingRunner(SweepTrain06(), BenchmarkData.normal(examples: 64, features: 8, classes: 3, seed: 6)) }),
        Workload(name: "8x64x5-lrelu-ce-b128", spec: "Sweep/8x64x5-lrelu-ce-b128.nngen.yaml", requiredFLOPs: 507904,
                 makeRunner: { trainingRunner(SweepTrain07(), BenchmarkData.normal(examples: 128, features: 8, classes: 5, seed: 7)) }),
        Workload(name: "16x128x8-elu-ce-b64", spec: "Sweep/16x128x8-elu-ce-b64.nngen.yaml", requiredFLOPs: 917504,
                 makeRunner: { trainingRunner(SweepTrain08(), BenchmarkData.normal(examples: 64, features: 16, classes: 8, seed: 8)) }),
        Workload(name: "13x32x1-tanh-mse-b32-f64", spec: "Sweep/13x32x1-tanh-mse-b32-f64.nngen.yaml", requiredFLOPs: 59392,
                 makeRunner: { regressionRunner(SweepTrain09(), BenchmarkData.normal(examples: 32, features: 13, classes: 1, seed: 9)) }),
        Workload(name: "32x64x64x64x1-sigm-mse-b64", spec: "Sweep/32x64x64x64x1-sigm-mse-b64.nngen.yaml", requiredFLOPs: 3694592,
                 makeRunner: { regressionRunner(SweepTrain10(), BenchmarkData.normal(examples: 64, features: 32, classes: 1, seed: 10)) }),
        Workload(name: "2x100x10-relu-ce-b300", spec: "Sweep/2x100x10-relu-ce-b300.nngen.yaml", requiredFLOPs: 2040000,
                 makeRunner: { trainingRunner(SweepTrain11(), BenchmarkData.normal(examples: 300, features: 2, classes: 10, seed: 11)) }),
        Workload(name: "2x64x64x10-relu-ce-b300", spec: "Sweep/2x64x64x10-relu-ce-b300.nngen.yaml", requiredFLOPs: 8678400,
                 makeRunner: { trainingRunner(SweepTrain12(), BenchmarkData.normal(examples: 300, features: 2, classes: 10, seed: 12)) }),
        Workload(name: "2x50x3-elu-ce-b300", spec: "Sweep/2x50x3-elu-ce-b300.nngen.yaml", requiredFLOPs: 390000,
                 makeRunner: { trainingRunner(SweepTrain13(), BenchmarkData.normal(examples: 300, features: 2, classes: 3, seed: 13)) }),
        Workload(name: "3x32x32x32x32x4-lrelu-svm-b512", spec: "Sweep/3x32x32x32x32x4-lrelu-svm-b512.nngen.yaml", requiredFLOPs: 10027008,
                 makeRunner: { trainingRunner(SweepTrain14(), BenchmarkData.normal(examples: 512, features: 3, classes: 4, seed: 14)) }),
        Workload(name: "32x256x10-softplus-svm-b64-f64", spec: "Sweep/32x256x10-softplus-svm-b64-f64.nngen.yaml", requiredFLOPs: 3080192,
                 makeRunner: { trainingRunner(SweepTrain15(), BenchmarkData.normal(examples: 64, features: 32, classes: 10, seed: 15)) }),
        Workload(name: "64x128x64x10-silu-ce-b32", spec: "Sweep/64x128x64x10-silu-ce-b32.nngen.yaml", requiredFLOPs: 2744320,
                 makeRunner: { trainingRunner(SweepTrain16(), BenchmarkData.normal(examples: 32, features: 64, classes: 10, seed: 16)) }),
        Workload(name: "64x256x10-gelu-ce-b128", spec: "Sweep/64x256x10-gelu-ce-b128.nngen.yaml", requiredFLOPs: 10354688,
                 makeRunner: { trainingRunner(SweepTrain17(), BenchmarkData.normal(examples: 128, features: 64, classes: 10, seed: 17)) }),
        Workload(name: "50x200x25-silu-svm-b200", spec: "Sweep/50x200x25-silu-svm-b200.nngen.yaml", requiredFLOPs: 14000000,
                 makeRunner: { trainingRunner(SweepTrain18(), BenchmarkData.normal(examples: 200, features: 50, classes: 25, seed: 18)) }),
        Workload(name: "128x64x2-softplus-ce-b512", spec: "Sweep/128x64x2-softplus-ce-b512.nngen.yaml", requiredFLOPs: 17170432,
                 makeRunner: { trainingRunner(SweepTrain19(), BenchmarkData.normal(examples: 512, features: 128, classes: 2, seed: 19)) }),
        Workload(name: "100x64x10-maxout-ce-b64", spec: "Sweep/100x64x10-maxout-ce-b64.nngen.yaml", requiredFLOPs: 3522560,
                 makeRunner: { trainingRunner(SweepTrain20(), BenchmarkData.normal(examples: 64, features: 100, classes: 10, seed: 20)) }),
        Workload(name: "64x128x64x10-maxout-svm-b128-f64", spec: "Sweep/64x128x64x10-maxout-svm-b128-f64.nngen.yaml", requiredFLOPs: 31948800,
                 makeRunner: { trainingRunner(SweepTrain21(), BenchmarkData.normal(examples: 128, features: 64, classes: 10, seed: 21)) }),
        Workload(name: "128x512x100-relu-ce-b256", spec: "Sweep/128x512x100-relu-ce-b256.nngen.yaml", requiredFLOPs: 145752064,
                 makeRunner: { trainingRunner(SweepTrain22(), BenchmarkData.normal(examples: 256, features: 128, classes: 100, seed: 22)) }),
        Workload(name: "300x300x100x20-tanh-ce-b50-f64", spec: "Sweep/300x300x100x20-tanh-ce-b50-f64.nngen.yaml", requiredFLOPs: 27600000,
                 makeRunner: { trainingRunner(SweepTrain23(), BenchmarkData.normal(examples: 50, features: 300, classes: 20, seed: 23)) }),
        Workload(name: "784x256x128x10-relu-ce-b128", spec: "Sweep/784x256x128x10-relu-ce-b128.nngen.yaml", requiredFLOPs: 128909312,
                 makeRunner: { trainingRunner(SweepTrain24(), BenchmarkData.normal(examples: 128, features: 784, classes: 10, seed: 24)) }),
        Workload(name: "784x1024x1024x10-relu-ce-b256", spec: "Sweep/784x1024x1024x10-relu-ce-b256.nngen.yaml", requiredFLOPs: 2448424960,
                 makeRunner: { trainingRunner(SweepTrain25(), BenchmarkData.normal(examples: 256, features: 784, classes: 10, seed: 25)) }),
        Workload(name: "784x512x10-gelu-ce-b64-f64", spec: "Sweep/784x512x10-gelu-ce-b64-f64.nngen.yaml", requiredFLOPs: 104726528,
                 makeRunner: { trainingRunner(SweepTrain26(), BenchmarkData.normal(examples: 64, features: 784, classes: 10, seed: 26)) }),
        Workload(name: "256x256x256x256x256x10-tanh-ce-b256", spec: "Sweep/256x256x256x256x256x10-tanh-ce-b256.nngen.yaml", requiredFLOPs: 373030912,
                 makeRunner: { trainingRunner(SweepTrain27(), BenchmarkData.normal(examples: 256, features: 256, classes: 10, seed: 27)) }),
        Workload(name: "512x512x512x256-relu-mse-b512", spec: "Sweep/512x512x512x256-relu-mse-b512.nngen.yaml", requiredFLOPs: 1744830464,
                 makeRunner: { regressionRunner(SweepTrain28(), BenchmarkData.normal(examples: 512, features: 512, classes: 256, seed: 28)) }),
        Workload(name: "256x1024x256x50-relu-mse-b128", spec: "Sweep/256x1024x256x50-relu-mse-b128.nngen.yaml", requiredFLOPs: 345374720,
                 makeRunner: { regressionRunner(SweepTrain29(), BenchmarkData.normal(examples: 128, features: 256, classes: 50, seed: 29)) }),
        Workload(name: "1024x2048x100-relu-ce-b512", spec: "Sweep/1024x2048x100-relu-ce-b512.nngen.yaml", requiredFLOPs: 4924112896,
                 makeRunner: { trainingRunner(SweepTrain30(), BenchmarkData.normal(examples: 512, features: 1024, classes: 100, seed: 30)) }),
        Workload(name: "20x2048x2-relu-ce-b16", spec: "Sweep/20x2048x2-relu-ce-b16.nngen.yaml", requiredFLOPs: 3014656,
                 makeRunner: { trainingRunner(SweepTrain31(), BenchmarkData.normal(examples: 16, features: 20, classes: 2, seed: 31)) }),
        Workload(name: "1024x16x100-relu-ce-b32", spec: "Sweep/1024x16x100-relu-ce-b32.nngen.yaml", requiredFLOPs: 2404352,
                 makeRunner: { trainingRunner(SweepTrain32(), BenchmarkData.normal(examples: 32, features: 1024, classes: 100, seed: 32)) }),
        Workload(name: "784x128x10-relu-infer-b256", spec: "Sweep/784x128x10-relu-infer-b256.nngen.yaml", requiredFLOPs: 52035584,
                 makeRunner: { inferenceRunner(SweepInfer33(), BenchmarkData.normal(examples: 256, features: 784, classes: 10, seed: 33)) }),
        Workload(name: "784x256x128x10-relu-infer-b1", spec: "Sweep/784x256x128x10-relu-infer-b1.nngen.yaml", requiredFLOPs: 469504,
                 makeRunner: { inferenceRunner(SweepInfer34(), BenchmarkData.normal(examples: 1, features: 784, classes: 10, seed: 34)) }),
        Workload(name: "1024x2048x100-relu-infer-b1", spec: "Sweep/1024x2048x100-relu-infer-b1.nngen.yaml", requiredFLOPs: 4603904,
                 makeRunner: { inferenceRunner(SweepInfer35(), BenchmarkData.normal(examples: 1, features: 1024, classes: 100, seed: 35)) }),
        Workload(name: "64x128x64x10-silu-infer-b1-f64", spec: "Sweep/64x128x64x10-silu-infer-b1-f64.nngen.yaml", requiredFLOPs: 34048,
                 makeRunner: { inferenceRunner(SweepInfer36(), BenchmarkData.normal(examples: 1, features: 64, classes: 10, seed: 36)) }),
        Workload(name: "32x256x10-gelu-infer-b1", spec: "Sweep/32x256x10-gelu-infer-b1.nngen.yaml", requiredFLOPs: 21504,
                 makeRunner: { inferenceRunner(SweepInfer37(), BenchmarkData.normal(examples: 1, features: 32, classes: 10, seed: 37)) }),
        Workload(name: "256x256x256x256x256x10-tanh-infer-b64", spec: "Sweep/256x256x256x256x256x10-tanh-infer-b64.nngen.yaml", requiredFLOPs: 33882112,
                 makeRunner: { inferenceRunner(SweepInfer38(), BenchmarkData.normal(examples: 64, features: 256, classes: 10, seed: 38)) }),
        Workload(name: "2x100x3-relu-infer-b1", spec: "Sweep/2x100x3-relu-infer-b1.nngen.yaml", requiredFLOPs: 1000,
                 makeRunner: { inferenceRunner(SweepInfer39(), BenchmarkData.normal(examples: 1, features: 2, classes: 3, seed: 39)) }),
        Workload(name: "256x256-id-infer-b256", spec: "Sweep/256x256-id-infer-b256.nngen.yaml", requiredFLOPs: 33554432,
                 makeRunner: { inferenceRunner(SweepInfer40(), BenchmarkData.normal(examples: 256, features: 256, classes: 256, seed: 40)) }),
        Workload(name: "512x512-id-infer-b512", spec: "Sweep/512x512-id-infer-b512.nngen.yaml", requiredFLOPs: 268435456,
                 makeRunner: { inferenceRunner(SweepInfer41(), BenchmarkData.normal(examples: 512, features: 512, classes: 512, seed: 41)) }),
        Workload(name: "1024x1024-id-infer-b256", spec: "Sweep/1024x1024-id-infer-b256.nngen.yaml", requiredFLOPs: 536870912,
                 makeRunner: { inferenceRunner(SweepInfer42(), BenchmarkData.normal(examples: 256, features: 1024, classes: 1024, seed: 42)) }),
    ]
}

extension SweepTrain01: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain02: RegressionBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain03: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain04: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain05: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain06: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain07: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain08: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain09: RegressionBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain10: RegressionBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain11: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain12: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain13: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain14: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain15: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain16: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain17: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain18: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain19: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain20: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain21: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain22: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain23: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain24: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain25: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain26: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain27: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain28: RegressionBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain29: RegressionBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain30: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain31: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepTrain32: TrainableBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepInfer33: InferenceBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepInfer34: InferenceBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepInfer35: InferenceBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepInfer36: InferenceBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepInfer37: InferenceBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepInfer38: InferenceBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepInfer39: InferenceBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepInfer40: InferenceBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepInfer41: InferenceBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
extension SweepInfer42: InferenceBenchModel { static func makeWorkspace() -> Workspace { Workspace() } }
