import ExampleModels
import GeneratedModels
import NNGenRuntime

/// One batch of test data, in Double; labels for classifiers, targets for regressors.
struct Batch {
    var inputs: [Double]
    var labels: [Int] = []
    var targets: [Double] = []
}

/// What the any-count checks need of every generated network, inference-only ones included: the
/// array API and the allocation-free scoring of `GeneratedNetwork`.
protocol ScoringModel: GeneratedNetwork {
    init(seed: UInt64)
    func scores(_ inputs: [Scalar]) throws -> [Scalar]
    func predictions(_ inputs: [Scalar]) throws -> [Int]
}

/// What the tests need of a generated model, whatever its loss takes: the API of
/// docs/GENERATED-API.md, reached through `Batch`.
protocol TestableModel: ScoringModel {
    init()
    init(parameters: [Scalar]) throws
    var parameters: [Scalar] { get set }
    func loss(_ batch: Batch) throws -> Scalar
    func lossAndGradient(_ batch: Batch) throws -> (loss: Scalar, gradient: [Scalar])
    mutating func trainStep(_ batch: Batch) throws -> Scalar
}

/// A generated model whose loss takes class indices.
protocol LabelModel: TestableModel {
    func loss(inputs: [Scalar], labels: [Int]) throws -> Scalar
    func lossAndGradient(inputs: [Scalar], labels: [Int]) throws -> (loss: Scalar, gradient: [Scalar])
    mutating func trainStep(inputs: [Scalar], labels: [Int]) throws -> Scalar
}

extension LabelModel {
    func loss(_ b: Batch) throws -> Scalar { try loss(inputs: b.inputs.map(Scalar.init), labels: b.labels) }
    func lossAndGradient(_ b: Batch) throws -> (loss: Scalar, gradient: [Scalar]) {
        try lossAndGradient(inputs: b.inputs.map(Scalar.init), labels: b.labels)
    }
    mutating func trainStep(_ b: Batch) throws -> Scalar { try trainStep(inputs: b.inputs.map(Scalar.init), labels: b.labels) }
}

/// A generated model whose loss takes real targets (mean squared error).
protocol TargetModel: TestableModel {
    func loss(inputs: [Scalar], targets: [Scalar]) throws -> Scalar
    func lossAndGradient(inputs: [Scalar], targets: [Scalar]) throws -> (loss: Scalar, gradient: [Scalar])
    mutating func trainStep(inputs: [Scalar], targets: [Scalar]) throws -> Scalar
}

extension TargetModel {
    func loss(_ b: Batch) throws -> Scalar { try loss(inputs: b.inputs.map(Scalar.init), targets: b.targets.map(Scalar.init)) }
    func lossAndGradient(_ b: Batch) throws -> (loss: Scalar, gradient: [Scalar]) {
        try lossAndGradient(inputs: b.inputs.map(Scalar.init), targets: b.targets.map(Scalar.init))
    }
    mutating func trainStep(_ b: Batch) throws -> Scalar {
        try trainStep(inputs: b.inputs.map(Scalar.init), targets: b.targets.map(Scalar.init))
    }
}

extension SpiralNet: LabelModel {}
extension TwoClassNet: LabelModel {}
extension XorNet: LabelModel {}
extension ThreeLayerNet: LabelModel {}
extension DeepNarrowNet: LabelModel {}
extension SigmoidNet: LabelModel {}
extension TanhNet: LabelModel {}
extension ReluNet: LabelModel {}
extension LeakyReluNet: LabelModel {}
extension EluNet: LabelModel {}
extension IdentityNet: LabelModel {}
extension SoftmaxClassifier: LabelModel {}
extension HingeClassifier: LabelModel {}
extension Regressor: TargetModel {}
extension SGDNet: LabelModel {}
extension MomentumNet: LabelModel {}
extension NesterovNet: LabelModel {}
extension AdamNet: LabelModel {}
extension DigitsNet: LabelModel {}
extension MaxoutNet: LabelModel {}
extension FloatActivationsNet: LabelModel {}
extension SoftplusNet: LabelModel {}
extension SiluNet: LabelModel {}
extension GeluNet: TargetModel {}
extension SmoothActivationsFloatNet: LabelModel {}
extension ReluLayerNet: LabelModel {}
extension LinearClassifier: LabelModel {}
extension TenClassNet: LabelModel {}
extension TenClassDoubleNet: LabelModel {}
extension WideLayersNet: LabelModel {}
extension HingeLeakyReluNet: LabelModel {}
extension FusedOverExamplesNet: LabelModel {}
extension WideHiddenNet: LabelModel {}
extension WineNet: LabelModel {}
extension Scorer: ScoringModel {}
extension WineAlcoholNet: TargetModel {}
extension SmallConvNet: LabelModel {}
extension PoolingNet: LabelModel {}
extension DirectConvNet: LabelModel {}
extension DirectConvFloatNet: LabelModel {}
extension ConvFloatNet: LabelModel {}
extension DigitsCNN: LabelModel {}
