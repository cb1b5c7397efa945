import ExampleModels
import GeneratedModels
import GeneratedUnfusedModels
import XCTest

// Both modules declare the same types: every name in this file is qualified.

/// Every spec emitted with fusion (`Generated/`: the fused training step, elementwise chains in one
/// loop, the loss with its gradient) against the same spec emitted with `--no-fusion`
/// (`GeneratedUnfused/`: every op a kernel of its own): the same parameters from `init()`, and the
/// same scores (of a batch and of single examples), loss, gradient and two training steps to float
/// rounding. The unfused models are built with `NNGEN_SWIFT_KERNELS`, so they run the emitted Swift
/// kernels where the fused ones call NNGenKernels' C kernels. The unfused models also
/// pass every check the fused ones do (`ModelChecks`, `GraphChecks`), so the general path stays
/// tested for the specs that fusion takes over.
final class FusionDifferentialTests: XCTestCase {
    func testSpiral() throws { try compare(ExampleModels.SpiralNet.self, GeneratedUnfusedModels.SpiralNet.self, "spiral") }
    func testXor() throws { try compare(GeneratedModels.XorNet.self, GeneratedUnfusedModels.XorNet.self, "xor") }
    func testThreeLayer() throws { try compare(GeneratedModels.ThreeLayerNet.self, GeneratedUnfusedModels.ThreeLayerNet.self, "three_layer") }
    func testDeepNarrow() throws { try compare(GeneratedModels.DeepNarrowNet.self, GeneratedUnfusedModels.DeepNarrowNet.self, "deep_narrow") }
    func testSigmoid() throws { try compare(GeneratedModels.SigmoidNet.self, GeneratedUnfusedModels.SigmoidNet.self, "activation_sigmoid") }
    func testTanh() throws { try compare(GeneratedModels.TanhNet.self, GeneratedUnfusedModels.TanhNet.self, "activation_tanh") }
    func testRelu() throws { try compare(GeneratedModels.ReluNet.self, GeneratedUnfusedModels.ReluNet.self, "activation_relu") }
    func testLeakyRelu() throws { try compare(GeneratedModels.LeakyReluNet.self, GeneratedUnfusedModels.LeakyReluNet.self, "activation_leaky_relu") }
    func testElu() throws { try compare(GeneratedModels.EluNet.self, GeneratedUnfusedModels.EluNet.self, "activation_elu") }
    func testIdentity() throws { try compare(GeneratedModels.IdentityNet.self, GeneratedUnfusedModels.IdentityNet.self, "activation_identity") }
    func testSoftmaxClassifier() throws { try compare(GeneratedModels.SoftmaxClassifier.self, GeneratedUnfusedModels.SoftmaxClassifier.self, "loss_softmax_cross_entropy") }
    func testHingeClassifier() throws { try compare(GeneratedModels.HingeClassifier.self, GeneratedUnfusedModels.HingeClassifier.self, "loss_hinge") }
    func testRegressor() throws { try compare(GeneratedModels.Regressor.self, GeneratedUnfusedModels.Regressor.self, "loss_mean_squared_error") }
    func testSGD() throws { try compare(GeneratedModels.SGDNet.self, GeneratedUnfusedModels.SGDNet.self, "optimizer_sgd") }
    func testMomentum() throws { try compare(GeneratedModels.MomentumNet.self, GeneratedUnfusedModels.MomentumNet.self, "optimizer_momentum") }
    func testNesterov() throws { try compare(GeneratedModels.NesterovNet.self, GeneratedUnfusedModels.NesterovNet.self, "optimizer_nesterov") }
    func testAdam() throws { try compare(GeneratedModels.AdamNet.self, GeneratedUnfusedModels.AdamNet.self, "optimizer_adam") }
    func testMaxout() throws { try compare(GeneratedModels.MaxoutNet.self, GeneratedUnfusedModels.MaxoutNet.self, "maxout") }
    func testFloatActivations() throws { try compare(GeneratedModels.FloatActivationsNet.self, GeneratedUnfusedModels.FloatActivationsNet.self, "activations_float") }
    func testSoftplus() throws { try compare(GeneratedModels.SoftplusNet.self, GeneratedUnfusedModels.SoftplusNet.self, "activation_softplus") }
    func testSilu() throws { try compare(GeneratedModels.SiluNet.self, GeneratedUnfusedModels.SiluNet.self, "activation_silu") }
    func testGelu() throws { try compare(GeneratedModels.GeluNet.self, GeneratedUnfusedModels.GeluNet.self, "activation_gelu") }
    func testSmoothActivationsFloat() throws { try compare(GeneratedModels.SmoothActivationsFloatNet.self, GeneratedUnfusedModels.SmoothActivationsFloatNet.self, "activations_smooth_float") }
    func testDigits() throws { try compare(ExampleModels.DigitsNet.self, GeneratedUnfusedModels.DigitsNet.self, "digits") }
    func testTwoClass() throws { try compare(GeneratedModels.TwoClassNet.self, GeneratedUnfusedModels.TwoClassNet.self, "two_class_relu") }
    func testReluLayer() throws { try compare(GeneratedModels.ReluLayerNet.self, GeneratedUnfusedModels.ReluLayerNet.self, "relu_layer") }
    func testLinearClassifier() throws {
        try compare(GeneratedModels.LinearClassifier.self, GeneratedUnfusedModels.LinearClassifier.self, "linear_classifier")
    }
    func testTenClasses() throws { try compare(GeneratedModels.TenClassNet.self, GeneratedUnfusedModels.TenClassNet.self, "ten_classes") }
    func testTenClassesInDouble() throws {
        try compare(GeneratedModels.TenClassDoubleNet.self, GeneratedUnfusedModels.TenClassDoubleNet.self, "ten_classes_double")
        try compare(GeneratedModels.WideLayersNet.self, GeneratedUnfusedModels.WideLayersNet.self, "wide_layers")
        try compare(GeneratedModels.HingeLeakyReluNet.self, GeneratedUnfusedModels.HingeLeakyReluNet.self, "hinge_leaky_relu")
        try compare(GeneratedModels.FusedOverExamplesNet.self, GeneratedUnfusedModels.FusedOverExamplesNet.self, "fused_over_examples")
    }
    func testWideHidden() throws { try compare(GeneratedModels.WideHiddenNet.self, GeneratedUnfusedModels.WideHiddenNet.self, "wide_hidden_l2") }
    func testWine() throws { try compare(ExampleModels.WineNet.self, GeneratedUnfusedModels.WineNet.self, "wine") }
    func testWineAlcohol() throws { try compare(ExampleModels.WineAlcoholNet.self, GeneratedUnfusedModels.WineAlcoholNet.self, "wine_alcohol") }
    func testSmallConv() throws { try compare(GeneratedModels.SmallConvNet.self, GeneratedUnfusedModels.SmallConvNet.self, "conv_small") }
    func testPooling() throws { try compare(GeneratedModels.PoolingNet.self, GeneratedUnfusedModels.PoolingNet.self, "pooling") }
    /// Direct convolutions against im2col and products (`--no-fusion` does not rewrite).
    func testDirectConvolution() throws { try compare(GeneratedModels.DirectConvNet.self, GeneratedUnfusedModels.DirectConvNet.self, "direct_convolution") }
    func testDirectConvolutionInFloat() throws {
        try compare(GeneratedModels.DirectConvFloatNet.self, GeneratedUnfusedModels.DirectConvFloatNet.self, "direct_convolution_float")
    }
    func testConvFloat() throws { try compare(GeneratedModels.ConvFloatNet.self, GeneratedUnfusedModels.ConvFloatNet.self, "conv_float") }
    func testDigitsCNN() throws { try compare(ExampleModels.DigitsCNN.self, GeneratedUnfusedModels.DigitsCNN.self, "digits_cnn") }

    func testGraphs() throws {
        try compare(GeneratedModels.SimpleGraph.self, GeneratedUnfusedModels.SimpleGraph.self)
        try compare(GeneratedModels.SquaredNormOfWx.self, GeneratedUnfusedModels.SquaredNormOfWx.self)
        try compare(GeneratedModels.TwoLayerGraph.self, GeneratedUnfusedModels.TwoLayerGraph.self)
        try compare(GeneratedModels.ElementwiseOps.self, GeneratedUnfusedModels.ElementwiseOps.self)
        try compare(GeneratedModels.LinearAlgebraOps.self, GeneratedUnfusedModels.LinearAlgebraOps.self)
        try compare(GeneratedModels.PowOps.self, GeneratedUnfusedModels.PowOps.self)
        try compare(GeneratedModels.ResidualGraph.self, GeneratedUnfusedModels.ResidualGraph.self)
        try compare(GeneratedModels.LinearAlgebraOpsInParts.self, GeneratedUnfusedModels.LinearAlgebraOpsInParts.self)
    }

    /// The inference-only model: the same scores.
    func testInferenceOnly() throws {
        let inputs: [Float] = [0.5, -1, 2, 1.5, 0.25, -0.75]
        let fused = try GeneratedModels.Scorer().scores(inputs).map(Double.init)
        let unfused = try GeneratedUnfusedModels.Scorer().scores(inputs).map(Double.init)
        XCTAssertLessThan(maxError(fused, unfused), 1e-6)
    }

    /// Fused and unfused agree; then the unfused model passes every model check on its own.
    private func compare<F: TestableModel, U: TestableModel>(_ fused: F.Type, _ unfused: U.Type, _ spec: String) throws where F.Scalar == U.Scalar {
        // Float: the fused step uses the fast exponential and logarithm where the planned softmax uses libm's.
        let tolerance = F.Scalar.self == Double.self ? 1e-12 : 2e-5
        var f = F(), u = U()
        XCTAssertEqual(f.parameters, u.parameters, "\(spec): init() differs")
        let batch = makeBatch(F.self, seed: 5)
        let inputs = batch.inputs.map(F.Scalar.init)
        XCTAssertLessThan(maxError(try f.scores(inputs).map(Double.init), try u.scores(inputs).map(Double.init)), tolerance, "\(spec): scores")
        // One example alone: the single-row kernels, NNGenKernels' C kernel among them in the fused
        // models (the unfused ones are built with NNGEN_SWIFT_KERNELS).
        for example in 0..<3 {
            let one = Array(inputs[example * F.inputCount ..< (example + 1) * F.inputCount])
            XCTAssertLessThan(maxError(try f.scores(one).map(Double.init), try u.scores(one).map(Double.init)), tolerance,
                              "\(spec): scores of example \(example) alone")
        }
        let (fl, fg) = try f.lossAndGradient(batch), (ul, ug) = try u.lossAndGradient(batch)
        XCTAssertLessThan(maxError([Double(fl)], [Double(ul)]), tolerance, "\(spec): loss")
        XCTAssertLessThan(maxError(fg.map(Double.init), ug.map(Double.init)), tolerance, "\(spec): gradient")
        XCTAssertLessThan(maxError([Double(try f.loss(batch))], [Double(try u.loss(batch))]), tolerance, "\(spec): loss()")
        for step in 1...2 {
            let (a, b) = (try f.trainStep(batch), try u.trainStep(batch))
            XCTAssertLessThan(maxError([Double(a)], [Double(b)]), tolerance, "\(spec): loss at step \(step)")
            XCTAssertLessThan(maxError(f.parameters.map(Double.init), u.parameters.map(Double.init)), tolerance, "\(spec): parameters after step \(step)")
        }
        // 10,000 examples at once are scored by the fused model's checks; here up to 1,000 (400
        // for the convolutional models, as there).
        var checks = try ModelChecks(U.self, spec: spec)
        checks.largestCount = spec.hasPrefix("conv") || spec == "digits_cnn" ? 400 : 1_000
        try checks.runAll()
    }

    /// Fused and unfused graphs agree on the value and every gradient; the unfused graph passes
    /// the graph checks on its own.
    private func compare<F: TestableGraph, U: TestableGraph>(_ fused: F.Type, _ unfused: U.Type) throws {
        let lowered = try loweredGraph(F.spec)
        let values = graphTestValues(lowered)
        let (fv, fg) = try F.make(values).valueAndGradient(), (uv, ug) = try U.make(values).valueAndGradient()
        XCTAssertEqual(Double(fv), Double(uv), accuracy: 1e-12 * (1 + abs(Double(fv))), "\(F.spec): value")
        for (a, b) in zip(storedArrays(fg), storedArrays(ug)) {
            XCTAssertLessThan(maxError(a, b), 1e-12, "\(F.spec): gradient")
        }
        try GraphChecks(U.self).runAll()
    }
}

// The unfused models, as the shared checks see them.

extension GeneratedUnfusedModels.SpiralNet: LabelModel {}
extension GeneratedUnfusedModels.XorNet: LabelModel {}
extension GeneratedUnfusedModels.ThreeLayerNet: LabelModel {}
extension GeneratedUnfusedModels.DeepNarrowNet: LabelModel {}
extension GeneratedUnfusedModels.SigmoidNet: LabelModel {}
extension GeneratedUnfusedModels.TanhNet: LabelModel {}
extension GeneratedUnfusedModels.ReluNet: LabelModel {}
extension GeneratedUnfusedModels.LeakyReluNet: LabelModel {}
extension GeneratedUnfusedModels.EluNet: LabelModel {}
extension GeneratedUnfusedModels.IdentityNet: LabelModel {}
extension GeneratedUnfusedModels.SoftmaxClassifier: LabelModel {}
extension GeneratedUnfusedModels.HingeClassifier: LabelModel {}
extension GeneratedUnfusedModels.Regressor: TargetModel {}
extension GeneratedUnfusedModels.SGDNet: LabelModel {}
extension GeneratedUnfusedModels.MomentumNet: LabelModel {}
extension GeneratedUnfusedModels.NesterovNet: LabelModel {}
extension GeneratedUnfusedModels.AdamNet: LabelModel {}
extension GeneratedUnfusedModels.MaxoutNet: LabelModel {}
extension GeneratedUnfusedModels.FloatActivationsNet: LabelModel {}
extension GeneratedUnfusedModels.SoftplusNet: LabelModel {}
extension GeneratedUnfusedModels.SiluNet: LabelModel {}
extension GeneratedUnfusedModels.GeluNet: TargetModel {}
extension GeneratedUnfusedModels.SmoothActivationsFloatNet: LabelModel {}
extension GeneratedUnfusedModels.DigitsNet: LabelModel {}
extension GeneratedUnfusedModels.TwoClassNet: LabelModel {}
extension GeneratedUnfusedModels.ReluLayerNet: LabelModel {}
extension GeneratedUnfusedModels.LinearClassifier: LabelModel {}
extension GeneratedUnfusedModels.TenClassNet: LabelModel {}
extension GeneratedUnfusedModels.TenClassDoubleNet: LabelModel {}
extension GeneratedUnfusedModels.WideLayersNet: LabelModel {}
extension GeneratedUnfusedModels.HingeLeakyReluNet: LabelModel {}
extension GeneratedUnfusedModels.FusedOverExamplesNet: LabelModel {}
extension GeneratedUnfusedModels.WideHiddenNet: LabelModel {}
extension GeneratedUnfusedModels.WineNet: LabelModel {}
extension GeneratedUnfusedModels.WineAlcoholNet: TargetModel {}

extension GeneratedUnfusedModels.SimpleGraph: TestableGraph {
    static let spec = GeneratedModels.SimpleGraph.spec
    static func make(_ v: [[Double]]) throws -> Self { Self(x: v[0][0], y: v[1][0], z: v[2][0]) }
}

extension GeneratedUnfusedModels.SquaredNormOfWx: TestableGraph {
    static let spec = GeneratedModels.SquaredNormOfWx.spec
    static func make(_ v: [[Double]]) throws -> Self { try Self(W: v[0], x: v[1]) }
}

extension GeneratedUnfusedModels.TwoLayerGraph: TestableGraph {
    static let spec = GeneratedModels.TwoLayerGraph.spec
    static func make(_ d: [[Double]]) throws -> Self {
        let v = d.map { $0.map(Float.init) }
        return try Self(W1: v[0], b1: v[1], W2: v[2], b2: v[3], x: v[4], t: v[5])
    }
}

extension GeneratedUnfusedModels.PowOps: TestableGraph {
    static let spec = GeneratedModels.PowOps.spec
    static func make(_ v: [[Double]]) throws -> Self {
        try Self(a: v[0], b_nonzero: v[1], c: v[2], d: v[3][0], e_nonzero: v[4], w: v[5])
    }
}

extension GeneratedUnfusedModels.ElementwiseOps: ElementwiseOpsInit, TestableGraph {
    static let spec = GeneratedModels.ElementwiseOps.spec
}

extension GeneratedUnfusedModels.LinearAlgebraOps: LinearAlgebraOpsInit, TestableGraph {
    static let spec = GeneratedModels.LinearAlgebraOps.spec
}

extension GeneratedUnfusedModels.LinearAlgebraOpsInParts: LinearAlgebraOpsInit, TestableGraph {
    static let spec = GeneratedModels.LinearAlgebraOpsInParts.spec
}

extension GeneratedUnfusedModels.ResidualGraph: ResidualGraphInit, TestableGraph {
    static let spec = GeneratedModels.ResidualGraph.spec
}
extension GeneratedUnfusedModels.SmallConvNet: LabelModel {}
extension GeneratedUnfusedModels.PoolingNet: LabelModel {}
extension GeneratedUnfusedModels.DirectConvNet: LabelModel {}
extension GeneratedUnfusedModels.DirectConvFloatNet: LabelModel {}
extension GeneratedUnfusedModels.ConvFloatNet: LabelModel {}
extension GeneratedUnfusedModels.DigitsCNN: LabelModel {}
