/// One parameter array of the flat vector (`W1`, `b1`, … or `<name>_W`, `<name>_b`).
public struct ParameterInfo: Sendable {
    public enum Kind: Sendable {
        case weight, bias
        /// Batch norm's γ (starts at 1) and β (starts at 0); neither is in the L2 term.
        case scale, shift
        /// Batch norm's running statistics: model state that `trainStep` updates from the batch's,
        /// not the optimizer; their gradient is 0 (the training loss does not read them). The mean
        /// starts at 0, the variance at 1.
        case runningMean, runningVariance
    }
    /// The name in the layout (`W1`, or `hidden_W` for a layer named `hidden`).
    public var name: String
    public var kind: Kind
    /// Where it starts in the flat vector.
    public var offset: Int
    /// Its shape as docs/SPEC-LANGUAGE.md lays it out (`[fan_in, units]`, `[pieces, fan_in, units]`, …).
    public var shape: [Int]
    /// 1-based number of the parameterized layer that owns it.
    public var layer: Int
    /// How it starts (weights only; biases start at `InitSpec.bias`, the batch norm arrays as `Kind` says).
    public var initialization: WeightInit
    public var fanIn: Int
    public var fanOut: Int
    /// The IR values that view it (one, or one per maxout piece).
    public var slices: [ValueID]
    /// Its tensor name in a safetensors file: `W1`, `b1`, or `<name>.W`, `<name>.b` for a named layer.
    public var tensorName: String
    /// Its name in a PyTorch `state_dict` (`<name>.weight` of shape `[units, fan_in]`,
    /// `<name>.bias`): named dense, conv2d and batch_norm layers only, which correspond to
    /// `nn.Linear`, `nn.Conv2d` and `nn.BatchNorm1d`/`2d` modules.
    public var pytorchName: String?
    /// Element count.
    public var count: Int { shape.reduce(1, *) }
    /// The constant a batch norm array starts at (1 for γ and the running variance, 0 for β and
    /// the running mean); NaN for the other kinds.
    public var batchNormStart: Double {
        switch kind {
        case .scale, .runningVariance: return 1
        case .shift, .runningMean: return 0
        case .weight, .bias: return .nan
        }
    }
}

/// How a network is lowered: for training (batch statistics, dropout masks, the backward pass)
/// or for inference (running statistics, no dropout, no backward pass). The two graphs are the
/// same for a network without `batch_norm` and `dropout`.
public enum NetworkMode: Sendable {
    case training, inference
}

/// A batch norm layer's running statistics, as `trainStep` updates them after a step:
/// `running = (1 − momentum)·running + momentum·batch`, the variance unbiased (× rows/(rows − 1)).
public struct RunningStatisticsUpdate: Sendable {
    /// The batch's statistics (`batchStatistics`, `[2 × channels]`), in the training graph.
    public var statistics: ValueID
    /// Offsets of the running mean and the running variance in the parameter vector.
    public var mean: Int, variance: Int
    public var channels: Int, rows: Int
    public var momentum: Double
}

/// A dropout layer's mask in training, in the masks an entry point draws before its forward pass.
public struct DropoutMask: Sendable {
    /// 1-based number of the dropout layer, which keys its random numbers.
    public var layer: Int
    /// Where the mask starts among the masks, and its length (the layer's values for one batch, in
    /// the layout the network holds them: NHWC for an image).
    public var offset: Int, count: Int
    public var rate: Double
}

/// A network spec lowered to the IR: forward pass, loss, and (with a loss) the backward pass.
public struct NetworkModel: Sendable {
    public let spec: NetworkSpec
    public let graph: Graph
    /// `[batch, input]`.
    public let inputs: ValueID
    /// `[batch]` class indices, for label losses.
    public let labels: ValueID?
    /// `[batch, outputs]` real targets, for mean squared error.
    public let targets: ValueID?
    /// `[batch, outputs]`.
    public let scores: ValueID
    /// The scalar loss including regularization (nil for inference-only specs).
    public let loss: ValueID?
    public let parameters: [ParameterInfo]
    /// For every parameter slice, the value holding dL/d(slice); empty without a loss.
    public let gradients: [(slice: ValueID, adjoint: ValueID)]
    /// For each layer of the spec, the range of `graph.ops` that computes it.
    public let layerOps: [Range<Int>]
    /// Which graph this is (see `NetworkMode`).
    public var mode: NetworkMode = .training
    /// The running statistics `trainStep` updates (training graph with batch norm only).
    public var runningStatistics: [RunningStatisticsUpdate] = []
    /// The dropout masks the training graph reads (its `dropoutMask` values).
    public var dropoutMasks: [DropoutMask] = []
    /// Scalars of all the dropout masks of one batch.
    public var maskCount: Int { dropoutMasks.last.map { $0.offset + $0.count } ?? 0 }
    public var parameterCount: Int { parameters.last.map { $0.offset + $0.count } ?? 0 }
    public var outputCount: Int { graph[scores].shape.dims[1] }
}
