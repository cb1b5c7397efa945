/// One epoch of `fit`: its metrics by name (`loss`: the mean training loss of its steps;
/// `val_loss`, `val_accuracy` or `val_mse` on the validation set), learning rate and time.
public struct EpochRecord: Sendable, Equatable {
    /// 1-based.
    public var epoch: Int
    /// Metric values by name; `History.metricNames` gives their order.
    public var metrics: [String: Double]
    public var learningRate: Double
    /// Training examples this epoch used (every one, the last batch short if need be).
    public var examples: Int
    /// Wall-clock seconds of the epoch's steps and evaluation.
    public var seconds: Double
}

/// Every metric of every epoch of `fit`.
public struct History: Sendable, Equatable {
    public var epochs: [EpochRecord] = []
    /// The metric names in report order: `loss` first, then the validation metrics.
    public var metricNames: [String] = []
    /// The epoch (1-based) whose parameters the model holds after early stopping restored them.
    public var restoredEpoch: Int?
    /// Whether early stopping ended the run before its last epoch.
    public var stoppedEarly = false

    public init() {}

    /// One metric over the epochs (NaN where an epoch lacks it).
    public func values(of metric: String) -> [Double] { epochs.map { $0.metrics[metric] ?? .nan } }

    /// The records as text for a checkpoint: per epoch `epoch lr examples seconds name=value…`.
    var encoded: String {
        epochs.map { r in
            ([String(r.epoch), String(r.learningRate), String(r.examples), String(r.seconds)]
                + metricNames.compactMap { name in r.metrics[name].map { "\(name)=\($0)" } }).joined(separator: " ")
        }.joined(separator: "\n")
    }

    /// The records from `encoded` text; nil when it is not.
    init?(encoded: String, metricNames: [String]) {
        self.metricNames = metricNames
        for line in encoded.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 4, let epoch = Int(words[0]), let rate = Double(words[1]), let examples = Int(words[2]),
                  let seconds = Double(words[3]) else { return nil }
            var metrics: [String: Double] = [:]
            for word in words.dropFirst(4) {
                let parts = word.split(separator: "=")
                guard parts.count == 2, let v = Double(parts[1]) else { return nil }
                metrics[String(parts[0])] = v
            }
            epochs.append(EpochRecord(epoch: epoch, metrics: metrics, learningRate: rate, examples: examples, seconds: seconds))
        }
    }
}
