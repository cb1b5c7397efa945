/// The floating-point type of a generated model.
public enum ScalarType: String, Sendable, CaseIterable {
    case float = "Float"
    case double = "Double"

    /// Bytes of one value.
    public var byteCount: Int { self == .double ? 8 : 4 }
}

/// A layer's activation: an activation function (`UnaryOp.activations`) with its attribute, or
/// the identity.
public struct Activation: Sendable, Hashable {
    /// The function; nil for the identity.
    public let function: UnaryFunction?

    /// The activation applying `function` (nil: the identity).
    public init(_ function: UnaryFunction?) { self.function = function }

    /// No activation: the layer's output is its affine map.
    public static let identity = Activation(nil)

    /// The spec's word for the activation.
    public var specName: String { function?.op.name ?? "identity" }
}

/// One item of `layers:`.
public struct LayerSpec: Sendable {
    /// What the layer computes.
    public enum Kind: Sendable {
        /// `y = act(x·W + b)`.
        case dense(units: Int, activation: Activation, bias: Bool)
        /// `y_j = max_p (x·W_p + b_p)_j`.
        case maxout(units: Int, pieces: Int)
        /// An activation on its own.
        case activation(Activation)
        /// A 2-D convolution of an image (added in 1.4).
        case conv2d(Conv2DSpec)
        /// Max or average pooling of an image (added in 1.4).
        case pool(PoolSpec)
        /// An image as a feature vector in channel, row, column order (PyTorch's `flatten`);
        /// implicit before a dense or maxout layer that receives an image (added in 1.4).
        case flatten
        /// Batch normalization per channel of an image or per feature (added in 1.5).
        case batchNorm(BatchNormSpec)
        /// Inverted dropout of `rate` in training, the identity at inference (added in 1.5).
        case dropout(rate: Double)
    }

    public var kind: Kind
    /// The `name:` given in the spec, if any.
    public var name: String?
    /// Where the layer's mapping starts.
    public var location: SourceLocation
}

extension LayerSpec {
    /// `dense 100 relu`, `maxout 10 × 2 pieces`, `tanh`.
    public var summary: String {
        switch kind {
        case .dense(let units, let a, let bias): return "dense \(units)" + (a == .identity ? "" : " \(a.specName)") + (bias ? "" : " (no bias)")
        case .maxout(let units, let pieces): return "maxout \(units) × \(pieces) pieces"
        case .activation(let a): return a.specName
        case .conv2d(let c):
            return "conv2d \(c.filters) \(c.kernel.height)×\(c.kernel.width)" + (c.stride == Extent2D(1, 1) ? "" : " stride \(c.stride.height)×\(c.stride.width)")
                + (c.activation == .identity ? "" : " \(c.activation.specName)")
        case .pool(let p): return "\(p.kind.specName) \(p.size.height)×\(p.size.width)" + (p.stride == p.size ? "" : " stride \(p.stride.height)×\(p.stride.width)")
        case .flatten: return "flatten"
        case .batchNorm: return "batch_norm"
        case .dropout(let rate): return "dropout \(rate)"
        }
    }
}

/// The optimizer that `trainStep` applies.
public enum OptimizerSpec: Sendable, Hashable {
    case sgd(learningRate: Double, momentum: Double, nesterov: Bool)
    case adam(learningRate: Double, beta1: Double, beta2: Double, epsilon: Double)
}

/// How weights are drawn at `init()`.
public enum WeightInit: Sendable, Hashable {
    /// Normal, standard deviation √(2/fan_in).
    case he
    /// Uniform in ±√(6/(fan_in+fan_out)).
    case xavier
    /// Normal with the given standard deviation.
    case normal(std: Double)
    /// Uniform in ±limit.
    case uniform(limit: Double)
}

/// The `init:` section.
public struct InitSpec: Sendable, Hashable {
    public var seed: UInt64 = 0
    /// nil: `he` for relu, leaky_relu, elu and maxout layers, `xavier` otherwise.
    public var weights: WeightInit? = nil
    /// The constant every bias starts at.
    public var bias: Double = 0
}

/// A validated spec in the network form.
public struct NetworkSpec: Sendable {
    public var name: String
    public var scalar: ScalarType
    public var batch: Int
    /// Features per example (for an image input, channels · height · width).
    public var input: Int
    /// The image shape of `input: [C, H, W]`; nil for a feature vector (added in 1.4).
    public var inputImage: ImageShape? = nil
    public var layers: [LayerSpec]
    /// The training loss; nil for an inference-only model.
    public var loss: Loss?
    /// λ of `λ·Σ W²`; 0 when absent.
    public var l2: Double
    public var optimizer: OptimizerSpec
    public var initialization: InitSpec

    /// What the network receives per example.
    public var inputFeatures: Features { inputImage.map(Features.image) ?? .vector(input) }

    /// `64 inputs` or `1×8×8 images`, as summaries begin.
    public var inputSummary: String { inputImage.map { "\($0) images" } ?? "\(input) inputs" }
}

/// A validated spec.
public enum Spec: Sendable {
    case network(NetworkSpec)
    case graph(GraphSpec)

    /// The Swift type name of the generated model.
    public var name: String {
        switch self {
        case .network(let n): return n.name
        case .graph(let g): return g.name
        }
    }
}
