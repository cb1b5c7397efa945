/// The memory a generated model's allocation-free entry points use (its nested `Workspace`).
public protocol ModelWorkspace {
    /// Allocates the model's `workspaceCount` scalars, once.
    init()
}

/// A generated network model: what `predict` and the data-set functions of NNGenRuntime need.
/// Every emitted network conforms when the module that compiles it can import NNGenRuntime.
public protocol GeneratedNetwork: SafetensorsModel {
    associatedtype Workspace: ModelWorkspace
    /// Examples per call of the fixed-shape code (`batch:` of the spec).
    static var batchSize: Int { get }
    /// Features per example.
    static var inputCount: Int { get }
    /// Units of the last layer.
    static var outputCount: Int { get }
    /// Scores of n ≥ 1 examples ([n][inputCount]) into `output` ([n][outputCount]); allocates nothing.
    func scores(_ inputs: UnsafeBufferPointer<Scalar>, into output: UnsafeMutableBufferPointer<Scalar>, workspace: inout Workspace) throws
}

/// A generated network with a loss: what `fit` and `evaluate` need. The expected outputs are
/// class indices (`Target` is `Int`, one per example) for classifiers, or real targets (`Target`
/// is `Scalar`, `outputCount` per example) for mean squared error.
public protocol TrainableNetwork: GeneratedNetwork {
    associatedtype Target: Sendable
    /// Values of `Target` per example: 1 (a label) or `outputCount` (targets).
    static var targetsPerExample: Int { get }
    /// The learning rate of `trainStep`; a schedule sets it between steps.
    var learningRate: Scalar { get set }
    /// The optimizer's state (momentum, Adam's moments): what a checkpoint keeps besides the parameters.
    var optimizerState: [Scalar] { get }
    /// Sets the optimizer's state; throws for a wrong count or a non-finite value.
    mutating func setOptimizerState(_ values: [Scalar]) throws
    /// Sets the parameters, keeping the optimizer state; throws for a wrong count or a non-finite value.
    mutating func setParameters(_ values: [Scalar]) throws
    /// The mean loss over n ≥ 1 examples, regularization included; allocates nothing.
    func loss(inputs: UnsafeBufferPointer<Scalar>, expected: UnsafeBufferPointer<Target>, workspace: inout Workspace) throws -> Scalar
    /// Whether `trainStep` takes exactly `batchSize` examples (see the extension's default).
    static var trainsOnWholeBatches: Bool { get }
    /// The dropout stream's state, which a checkpoint keeps so that a resumed run draws the masks
    /// it would have drawn (see the extension's default for a network without dropout).
    var dropoutState: UInt64 { get set }
    /// One optimizer step on 1 ≤ n ≤ `batchSize` examples (exactly `batchSize` when
    /// `trainsOnWholeBatches`); returns the mean loss before it.
    mutating func trainStep(inputs: UnsafeBufferPointer<Scalar>, expected: UnsafeBufferPointer<Target>, workspace: inout Workspace) throws -> Scalar
}

extension TrainableNetwork {
    /// True for a network with `batch_norm` or `dropout`, whose `trainStep` takes exactly
    /// `batchSize` examples (its models declare it); false for the others.
    public static var trainsOnWholeBatches: Bool { false }
    /// A network without dropout has no dropout stream: 0, and setting it changes nothing.
    public var dropoutState: UInt64 {
        get { 0 }
        set {}
    }

    /// Whether the model's expected outputs are class indices (`Target` is `Int`).
    public static var isClassifier: Bool { Target.self == Int.self }
}
