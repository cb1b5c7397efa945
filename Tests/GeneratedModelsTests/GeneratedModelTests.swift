import Foundation
@testable import ExampleModels
@testable import GeneratedModels
import XCTest

/// Every model of `Generated/` against the interpreter, central differences, an independent
/// optimizer, bad input and initialization (see `ModelChecks`).
final class GeneratedModelTests: XCTestCase {
    func testSpiral() throws { try ModelChecks(SpiralNet.self, spec: "spiral").runAll() }
    func testXor() throws { try ModelChecks(XorNet.self, spec: "xor").runAll() }
    func testThreeLayer() throws { try ModelChecks(ThreeLayerNet.self, spec: "three_layer").runAll() }
    /// 30 layers: its code is outlined (KernelOutliner), checked like every other model.
    func testDeepNarrow() throws { try ModelChecks(DeepNarrowNet.self, spec: "deep_narrow").runAll() }
    func testSigmoid() throws { try ModelChecks(SigmoidNet.self, spec: "activation_sigmoid").runAll() }
    func testTanh() throws { try ModelChecks(TanhNet.self, spec: "activation_tanh").runAll() }
    func testRelu() throws { try ModelChecks(ReluNet.self, spec: "activation_relu").runAll() }
    func testLeakyRelu() throws { try ModelChecks(LeakyReluNet.self, spec: "activation_leaky_relu").runAll() }
    func testElu() throws { try ModelChecks(EluNet.self, spec: "activation_elu").runAll() }
    func testIdentity() throws { try ModelChecks(IdentityNet.self, spec: "activation_identity").runAll() }
    func testSoftmaxCrossEntropy() throws { try ModelChecks(SoftmaxClassifier.self, spec: "loss_softmax_cross_entropy").runAll() }
    func testHinge() throws { try ModelChecks(HingeClassifier.self, spec: "loss_hinge").runAll() }
    func testMeanSquaredError() throws { try ModelChecks(Regressor.self, spec: "loss_mean_squared_error").runAll() }
    func testSGD() throws { try ModelChecks(SGDNet.self, spec: "optimizer_sgd").runAll() }
    func testMomentum() throws { try ModelChecks(MomentumNet.self, spec: "optimizer_momentum").runAll() }
    func testNesterov() throws { try ModelChecks(NesterovNet.self, spec: "optimizer_nesterov").runAll() }
    func testAdam() throws { try ModelChecks(AdamNet.self, spec: "optimizer_adam").runAll() }
    func testMaxout() throws { try ModelChecks(MaxoutNet.self, spec: "maxout").runAll() }
    func testFloatActivations() throws { try ModelChecks(FloatActivationsNet.self, spec: "activations_float").runAll() }
    func testSoftplus() throws { try ModelChecks(SoftplusNet.self, spec: "activation_softplus").runAll() }
    func testSilu() throws { try ModelChecks(SiluNet.self, spec: "activation_silu").runAll() }
    func testGelu() throws { try ModelChecks(GeluNet.self, spec: "activation_gelu").runAll() }
    func testSmoothActivationsInFloat() throws { try ModelChecks(SmoothActivationsFloatNet.self, spec: "activations_smooth_float").runAll() }
    func testDigits() throws { try ModelChecks(DigitsNet.self, spec: "digits").runAll() }
    func testTwoClass() throws { try ModelChecks(TwoClassNet.self, spec: "two_class_relu").runAll() }
    func testReluLayer() throws { try ModelChecks(ReluLayerNet.self, spec: "relu_layer").runAll() }
    func testLinearClassifier() throws { try ModelChecks(LinearClassifier.self, spec: "linear_classifier").runAll() }
    func testTenClasses() throws { try ModelChecks(TenClassNet.self, spec: "ten_classes").runAll() }
    func testTenClassesInDouble() throws { try ModelChecks(TenClassDoubleNet.self, spec: "ten_classes_double").runAll() }
    func testWideLayers() throws { try ModelChecks(WideLayersNet.self, spec: "wide_layers").runAll() }
    func testWideHidden() throws { try ModelChecks(WideHiddenNet.self, spec: "wide_hidden_l2").runAll() }
    func testHingeWithLeakyRelu() throws { try ModelChecks(HingeLeakyReluNet.self, spec: "hinge_leaky_relu").runAll() }
    /// The fused step with its backward pass over vectors of examples, in Double.
    func testFusedOverExamples() throws { try ModelChecks(FusedOverExamplesNet.self, spec: "fused_over_examples").runAll() }
    func testWine() throws { try ModelChecks(WineNet.self, spec: "wine").runAll() }
    func testWineAlcohol() throws { try ModelChecks(WineAlcoholNet.self, spec: "wine_alcohol").runAll() }
    /// Convolutions with stride 2, padding (fixed and 'same'), average and max pooling, in Double.
    func testSmallConv() throws { try ModelChecks(SmallConvNet.self, spec: "conv_small").runAll() }
    func testPooling() throws { try ModelChecks(PoolingNet.self, spec: "pooling").runAll() }
    /// Single-channel convolutions computed directly (`DirectConvolution`), one whose input needs its gradient, in Double.
    func testDirectConvolution() throws { try ModelChecks(DirectConvNet.self, spec: "direct_convolution").runAll() }
    func testDirectConvolutionInFloat() throws { try convolutionChecks(DirectConvFloatNet.self, spec: "direct_convolution_float").runAll() }
    /// Convolutions and pooling in Float, through the SIMD product kernels.
    func testConvFloat() throws { try convolutionChecks(ConvFloatNet.self, spec: "conv_float").runAll() }
    func testDigitsCNN() throws { try convolutionChecks(DigitsCNN.self, spec: "digits_cnn").runAll() }

    /// The checks of a convolutional model in Float, scoring at most 400 examples at once (the
    /// count checks need several batches and a remainder, and 359 for `predictions`): an example
    /// costs a hundred times a dense one's work, and the tests run a debug build.
    func convolutionChecks<M: TestableModel>(_ type: M.Type, spec: String) throws -> ModelChecks<M> {
        var checks = try ModelChecks(type, spec: spec)
        checks.largestCount = 400
        return checks
    }

    /// The inference-only model: scores agree with the interpreter; bad input throws.
    func testInferenceOnly() throws {
        let lowered = try loweredSpec("inference_only")
        let model = Scorer()
        let inputs: [Float] = [0.5, -1, 2, 1.5, 0.25, -0.75]
        let scores = try model.scores(inputs).map(Double.init)
        let expected = lowered.interpret(parameters: model.parameters.map(Double.init), inputs: inputs.map(Double.init)).scores
        XCTAssertLessThan(maxError(scores, expected), 1e-5)
        XCTAssertThrowsError(try model.scores([1, 2]))
        XCTAssertEqual(try model.predictions(inputs).count, Scorer.batchSize)
        // Any number of examples, as every network spec: up to 10,000 at once equal one at a time.
        try checkAnyCountEqualsOneAtATime(Scorer.self, spec: "inference_only", largestCount: 10_000, tolerance: 1e-5)
        XCTAssertThrowsError(try model.scores([])) { error in
            XCTAssertEqual("\(error)", "Scorer: inputs: expected a positive multiple of 3 values (3 per example), found 0 values")
        }
    }

    /// Initialization has the documented spread: spiral's weights are normal with std 0.01,
    /// xor's are xavier-uniform within ±√(6/(fan_in + fan_out)) = ±1, biases start at the constant.
    /// `learningRate` starts at the spec's and is what the step uses: twice the rate moves plain
    /// SGD's parameters twice as far; 0 leaves them; NaN is refused like a diverging step, and
    /// the optimizer's state can be read and set back.
    func testLearningRateIsSettable() throws {
        let start = SGDNet(), batch = makeBatch(SGDNet.self)
        XCTAssertEqual(start.learningRate, 0.2)
        var once = start, twice = start, frozen = start, broken = start
        twice.learningRate = 0.4
        frozen.learningRate = 0
        broken.learningRate = .nan
        _ = try once.trainStep(batch)
        _ = try twice.trainStep(batch)
        _ = try frozen.trainStep(batch)
        for i in 0..<SGDNet.parameterCount {
            XCTAssertEqual(Double(twice.parameters[i] - start.parameters[i]), 2 * Double(once.parameters[i] - start.parameters[i]), accuracy: 1e-6)  // Float rounding
        }
        XCTAssertEqual(frozen.parameters, start.parameters)
        XCTAssertThrowsError(try broken.trainStep(batch))
        XCTAssertEqual(broken.parameters, start.parameters)
        var momentum = MomentumNet()
        _ = try momentum.trainStep(makeBatch(MomentumNet.self))
        let state = momentum.optimizerState
        XCTAssertEqual(state.count, MomentumNet.parameterCount)
        XCTAssertTrue(state.contains { $0 != 0 })
        var copy = MomentumNet(seed: 1)
        try copy.setParameters(momentum.parameters)
        try copy.setOptimizerState(state)
        _ = try momentum.trainStep(makeBatch(MomentumNet.self, seed: 2))
        _ = try copy.trainStep(makeBatch(MomentumNet.self, seed: 2))
        XCTAssertEqual(copy.parameters, momentum.parameters, "the velocity carried over")
        XCTAssertThrowsError(try copy.setOptimizerState([1]))
    }

    func testInitializationSpread() {
        let spiral = SpiralNet(seed: 3).parameters.map { Double($0) }
        let weights = Array(spiral[0..<200]) + Array(spiral[300..<600])
        let std = (weights.map { $0 * $0 }.reduce(0, +) / Double(weights.count)).squareRoot()
        XCTAssertEqual(std, 0.01, accuracy: 0.001)
        XCTAssertTrue(spiral[200..<300].allSatisfy { $0 == 0 })
        let xor = XorNet().parameters
        XCTAssertTrue(xor[0..<8].allSatisfy { abs($0) <= 1 } && xor[0..<8].contains { abs($0) > 0.3 })
        let classifier = SoftmaxClassifier().parameters  // uniform ±0.3, bias 0.1
        XCTAssertTrue(classifier[0..<45].allSatisfy { abs($0) <= 0.3 })
        XCTAssertTrue(classifier[45..<54].allSatisfy { $0 == 0.1 })
    }
}
