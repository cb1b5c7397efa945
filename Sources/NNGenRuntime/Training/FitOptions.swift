/// How the learning rate changes over the epochs of `fit`, from the model's learning rate when
/// `fit` starts (η₀). The rate is set before each epoch's first step.
public enum LearningRateSchedule: Sendable, Equatable {
    /// η₀ throughout.
    case constant
    /// η₀ · factor^⌊epoch / every⌋: multiplied by `factor` every `every` epochs.
    case stepDecay(every: Int, factor: Double)
    /// Cosine annealing from η₀ at the first epoch to `minimum` after the last:
    /// η = minimum + (η₀ − minimum)·(1 + cos(π·epoch / epochs)) / 2.
    case cosine(minimum: Double)

    /// The rate of 0-based `epoch` of `epochs`.
    public func rate(base: Double, epoch: Int, epochs: Int) -> Double {
        switch self {
        case .constant: return base
        case .stepDecay(let every, let factor):
            var rate = base
            for _ in 0..<(epoch / max(every, 1)) { rate *= factor }
            return rate
        case .cosine(let minimum):
            return minimum + (base - minimum) * (1 + Self.cosine(Double.pi * Double(epoch) / Double(max(epochs, 1)))) / 2
        }
    }

    /// cos(x) for x in [0, π], from the standard library's arithmetic only (no libm difference
    /// between platforms): cos(x) = −sin(x − π/2), and the Taylor series of sin on [−π/2, π/2]
    /// to x²¹ errs below 10⁻¹⁷.
    static func cosine(_ x: Double) -> Double {
        let t = x - Double.pi / 2
        var term = t, sum = t
        for k in 1...10 {
            term *= -t * t / Double((2 * k) * (2 * k + 1))
            sum += term
        }
        return -sum
    }
}

/// Stops `fit` when a validation metric has not improved for `patience` epochs, and (with
/// `restoreBest`) puts back the parameters of the best epoch.
public struct EarlyStopping: Sendable, Equatable {
    /// `val_loss` (lower is better), `val_accuracy` (higher is better) or `val_mse` (lower).
    public var metric: String
    public var patience: Int
    /// The least change that counts as an improvement.
    public var minimumDelta: Double
    public var restoreBest: Bool

    public init(metric: String = "val_loss", patience: Int = 5, minimumDelta: Double = 0, restoreBest: Bool = true) {
        self.metric = metric
        self.patience = patience
        self.minimumDelta = minimumDelta
        self.restoreBest = restoreBest
    }

    /// Whether higher values of the metric are better.
    var maximizes: Bool { metric.hasSuffix("accuracy") }
}

/// How `fit` reports progress.
public enum ProgressStyle: Sendable, Equatable {
    /// A live bar when standard output is a terminal, else one line per epoch.
    case automatic
    /// A live progress bar (steps/s, ETA) redrawn in place, then the epoch's line.
    case bar
    /// One line per epoch.
    case lines
    /// Nothing.
    case silent
}

/// Where and how often `fit` writes a checkpoint.
public struct Checkpointing: Sendable, Equatable {
    /// The checkpoint file (safetensors), replaced atomically at each write.
    public var path: String
    /// Written after every `every`-th epoch and after the last.
    public var every: Int

    public init(path: String, every: Int = 1) {
        self.path = path
        self.every = max(every, 1)
    }
}

/// The options of `fit` beyond the data and the number of epochs.
public struct FitOptions: Sendable {
    /// The seed of the shuffling (and of `validationSplit`).
    public var seed: UInt64
    /// Whether each epoch visits the examples in a new random order.
    public var shuffle: Bool
    /// Without a validation set: this fraction of the data (seeded by `seed`) is held out for it.
    public var validationSplit: Double?
    public var schedule: LearningRateSchedule
    public var earlyStopping: EarlyStopping?
    public var checkpoint: Checkpointing?
    /// Whether to continue from `checkpoint`'s file when it exists (else start afresh).
    public var resume: Bool
    public var progress: ProgressStyle
    /// Whether each epoch also evaluates the training set after its last step (`accuracy` or
    /// `mse`): one forward pass over the data, about a third of an epoch's time.
    public var trainingMetrics: Bool

    public init(seed: UInt64 = 0, shuffle: Bool = true, validationSplit: Double? = nil, schedule: LearningRateSchedule = .constant,
                earlyStopping: EarlyStopping? = nil, checkpoint: Checkpointing? = nil, resume: Bool = false, progress: ProgressStyle = .automatic,
                trainingMetrics: Bool = false) {
        self.seed = seed
        self.shuffle = shuffle
        self.validationSplit = validationSplit
        self.schedule = schedule
        self.earlyStopping = earlyStopping
        self.checkpoint = checkpoint
        self.resume = resume
        self.progress = progress
        self.trainingMetrics = trainingMetrics
    }
}
