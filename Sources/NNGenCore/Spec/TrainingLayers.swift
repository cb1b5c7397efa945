/// A `batch_norm` layer (added in 1.5): each channel of an image, or each feature of a vector,
/// normalized by statistics over the batch in training and by running ones at inference, then
/// scaled and shifted: `y = γ·(x − μ)/√(σ² + ε) + β`, as PyTorch's `BatchNorm2d` and `BatchNorm1d`.
public struct BatchNormSpec: Hashable, Sendable {
    /// How far each training step moves the running statistics toward the batch's:
    /// `running = (1 − momentum)·running + momentum·batch` (PyTorch's convention, 0.1 by default).
    public var momentum: Double = 0.1
    /// Added to the variance before its square root (1e-5 by default, as PyTorch).
    public var epsilon: Double = 1e-5

    /// A batch norm with the given momentum and epsilon.
    public init(momentum: Double = 0.1, epsilon: Double = 1e-5) {
        (self.momentum, self.epsilon) = (momentum, epsilon)
    }
}

extension LayerSpec.Kind {
    /// True for the layers that compute differently in training and at inference (`batch_norm`,
    /// `dropout`): a model with one trains on whole batches only.
    public var dependsOnMode: Bool {
        switch self {
        case .batchNorm, .dropout: return true
        default: return false
        }
    }
}

extension NetworkSpec {
    /// True when some layer computes differently in training and at inference (see
    /// `LayerSpec.Kind.dependsOnMode`).
    public var hasTrainingMode: Bool { layers.contains { $0.kind.dependsOnMode } }
}

extension NodeDecoder {
    /// The fields of a `batch_norm:` layer (`- batch_norm`, or `batch_norm: true` with `momentum`
    /// and `epsilon`).
    mutating func batchNorm(_ f: Fields) -> LayerSpec.Kind? {
        let value = f["batch_norm"]!
        guard case .scalar(let text, true, _) = value, text.isEmpty || text == "true" else {
            log.error("'batch_norm' takes no value (write '- batch_norm', or 'batch_norm: true' with 'momentum:' and 'epsilon:'), found \(value.kindDescription)", at: value.location)
            return nil
        }
        var spec = BatchNormSpec()
        if let node = f["momentum"] {
            guard let m = real(node, "'momentum'", .positive) else { return nil }
            guard m <= 1 else {
                log.error("'momentum' of batch_norm must be > 0 and ≤ 1, found \(m)", at: node.location)
                return nil
            }
            spec.momentum = m
        }
        if let node = f["epsilon"] {
            guard let e = real(node, "'epsilon'", .positive) else { return nil }
            spec.epsilon = e
        }
        return .batchNorm(spec)
    }

    /// The rate of a `dropout:` layer: the probability that a unit is zeroed, in [0, 1).
    mutating func dropout(_ f: Fields) -> LayerSpec.Kind? {
        real(f["dropout"]!, "the rate of 'dropout'", .unitInterval).map { .dropout(rate: $0) }
    }
}
