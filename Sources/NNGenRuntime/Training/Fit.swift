#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The loss and metrics of a model on a data set (`evaluate`).
public struct Evaluation: Sendable, Equatable {
    /// The mean loss over the examples, regularization included.
    public var loss: Double
    /// Share of examples whose highest score is their label (classifiers).
    public var accuracy: Double?
    /// Mean of (score − target)² over every output (regressors).
    public var meanSquaredError: Double?
}

extension TrainableNetwork {
    /// Trains on `data` for `epochs` epochs: each epoch visits every example once, in a new
    /// seeded order, in batches of `batchSize` (the last one short, or left out when the network
    /// `trainsOnWholeBatches`), through the
    /// allocation-free `trainStep`. Reports each epoch (see `ProgressStyle`), evaluates the
    /// validation set (given, or held out by `options.validationSplit`), stops early and writes
    /// checkpoints as `options` say, and calls `onEpoch` after each epoch (return false to stop:
    /// the checkpoint, if any, is written first, so the run can resume there).
    /// Returns every epoch's metrics. Throws a data error for data that does not fit the model,
    /// `DivergenceError` when a step diverges (the model keeps its last finite state).
    @discardableResult
    public mutating func fit(_ data: Dataset<Scalar, Target>, epochs: Int, validation: Dataset<Scalar, Target>? = nil,
                             options: FitOptions = FitOptions(), onEpoch: ((EpochRecord) throws -> Bool)? = nil) throws -> History {
        var training = data, validation = validation
        if validation == nil, let fraction = options.validationSplit {
            (training, validation) = try data.split(validationFraction: fraction, seed: options.seed)
        }
        try Self.check(training)
        if let validation { try Self.check(validation) }
        guard training.count > 0 else { throw DataError(path: "dataset", message: "no training examples") }
        guard epochs >= 1 else { throw DataError(path: "options", message: "epochs must be at least 1, found \(epochs)") }

        var history = History()
        let metric = Self.isClassifier ? "accuracy" : "mse"
        history.metricNames = ["loss"] + (options.trainingMetrics ? [metric] : []) + (validation == nil ? [] : ["val_loss", "val_" + metric])
        if let stopping = options.earlyStopping, !history.metricNames.contains(stopping.metric) {
            throw DataError(path: "options", message: "early stopping watches '\(stopping.metric)', which this run does not compute (it has: \(history.metricNames.joined(separator: ", ")))")
        }
        var random = SplitMix64(seed: options.seed ^ 0x5EED_F17)
        var baseRate = Double(learningRate)
        var firstEpoch = 0, steps = 0, wait = 0
        var best: (value: Double, epoch: Int, parameters: [Scalar])?
        let name = String(describing: Self.self)
        if options.resume, let checkpointing = options.checkpoint, FileIO.exists(checkpointing.path) {
            let c = try Checkpoint<Scalar>(contentsOf: checkpointing.path, model: name, parameterCount: Self.parameterCount, stateCount: optimizerState.count)
            guard c.examples == training.count else {
                throw DataError(path: checkpointing.path, message: "the checkpoint was trained on \(c.examples) examples, this run has \(training.count)")
            }
            try setParameters(c.parameters)
            try setOptimizerState(c.optimizerState)
            dropoutState = c.dropoutState
            (firstEpoch, steps, random.state, baseRate, wait) = (c.epoch, c.steps, c.random, c.baseLearningRate, c.wait)
            history.epochs = c.history.epochs
            if let value = c.bestValue, let epoch = c.bestEpoch { best = (value, epoch, c.bestParameters ?? []) }
        }
        var progress = ProgressReporter(style: options.progress, epochs: epochs)
        if firstEpoch > 0 { progress.note("resumed after epoch \(firstEpoch) of \(epochs)") }

        let d = Self.inputCount, t = Self.targetsPerExample, batch = Self.batchSize
        var workspace = Workspace()
        // The batch is gathered by copying each example's bytes: `fit` is generic, compiled
        // once in this module, where a copy element by element goes through the type's value
        // witness (measured: 16% over a hand-written loop on the digits). A generated model's
        // scalars and targets (`Float`, `Double`, `Int`) are plain bytes.
        precondition(_isPOD(Scalar.self) && _isPOD(Target.self), "fit gathers examples as bytes")
        let x = UnsafeMutableRawPointer.allocate(byteCount: batch * d * MemoryLayout<Scalar>.stride, alignment: 64)
        let y = UnsafeMutableRawPointer.allocate(byteCount: batch * t * MemoryLayout<Target>.stride, alignment: 64)
        defer {
            x.deallocate()
            y.deallocate()
        }
        let rowBytes = d * MemoryLayout<Scalar>.stride, targetBytes = t * MemoryLayout<Target>.stride
        let inputs = x.bindMemory(to: Scalar.self, capacity: batch * d), expected = y.bindMemory(to: Target.self, capacity: batch * t)
        // A network with batch_norm or dropout trains on whole batches: the last short one is left
        // out (a new shuffle puts other examples there next epoch), as PyTorch's `drop_last`.
        let stepsPerEpoch = Self.trainsOnWholeBatches ? training.count / batch : (training.count + batch - 1) / batch
        guard stepsPerEpoch > 0 else {
            throw DataError(path: "dataset", message: "\(training.count) training examples, fewer than one whole batch of \(batch) (the network trains on whole batches)")
        }
        var epoch = firstEpoch
        while epoch < epochs {
            progress.startEpoch()
            let start = ContinuousClock.now
            let rate = options.schedule.rate(base: baseRate, epoch: epoch, epochs: epochs)
            learningRate = Scalar(rate)
            let order = options.shuffle ? random.permutation(training.count) : Array(0..<training.count)
            var lossSum = 0.0, seen = 0
            for s in 0..<stepsPerEpoch {
                let first = s * batch, m = min(batch, training.count - first)
                training.features.withUnsafeBytes { features in
                    training.targets.withUnsafeBytes { targets in
                        for r in 0..<m {
                            let e = order[first + r]
                            (x + r * rowBytes).copyMemory(from: features.baseAddress! + e * rowBytes, byteCount: rowBytes)
                            (y + r * targetBytes).copyMemory(from: targets.baseAddress! + e * targetBytes, byteCount: targetBytes)
                        }
                    }
                }
                let loss = try trainStep(inputs: UnsafeBufferPointer(start: inputs, count: m * d),
                                         expected: UnsafeBufferPointer(start: expected, count: m * t), workspace: &workspace)
                lossSum += Double(loss) * Double(m)
                seen += m
                steps += 1
                progress.step(s + 1, of: stepsPerEpoch, epoch: epoch + 1, loss: lossSum / Double(seen))
            }
            var record = EpochRecord(epoch: epoch + 1, metrics: ["loss": lossSum / Double(seen)], learningRate: rate, examples: seen, seconds: 0)
            if options.trainingMetrics {
                let e = try evaluate(training, workspace: &workspace)
                record.metrics[metric] = e.accuracy ?? e.meanSquaredError
            }
            if let validation {
                let e = try evaluate(validation, workspace: &workspace)
                record.metrics["val_loss"] = e.loss
                if let a = e.accuracy { record.metrics["val_accuracy"] = a }
                if let m = e.meanSquaredError { record.metrics["val_mse"] = m }
            }
            record.seconds = ProgressReporter.seconds(ContinuousClock.now - start)
            history.epochs.append(record)
            progress.endEpoch(record, names: history.metricNames)
            epoch += 1

            var stop = try onEpoch?(record) == false
            if let stopping = options.earlyStopping, let value = record.metrics[stopping.metric] {
                let improved = best.map { stopping.maximizes ? value > $0.value + stopping.minimumDelta : value < $0.value - stopping.minimumDelta } ?? true
                if improved {
                    best = (value, record.epoch, stopping.restoreBest ? parameters : [])
                    wait = 0
                } else {
                    wait += 1
                    if wait >= stopping.patience {
                        stop = true
                        history.stoppedEarly = true
                    }
                }
            }
            if let checkpointing = options.checkpoint, epoch % checkpointing.every == 0 || epoch == epochs || stop {
                try Checkpoint(model: name, parameters: parameters, optimizerState: optimizerState,
                               bestParameters: best.flatMap { $0.parameters.isEmpty ? nil : $0.parameters }, epoch: epoch, steps: steps,
                               random: random.state, dropoutState: dropoutState, baseLearningRate: baseRate, examples: training.count,
                               history: history, bestValue: best?.value, bestEpoch: best?.epoch, wait: wait).save(to: checkpointing.path)
            }
            if stop { break }
        }
        if let stopping = options.earlyStopping, stopping.restoreBest, let best, !best.parameters.isEmpty, best.epoch != history.epochs.last?.epoch {
            try setParameters(best.parameters)
            history.restoredEpoch = best.epoch
            progress.note("restored the parameters of epoch \(best.epoch) (\(stopping.metric) \(ProgressReporter.fixed(best.value, 4)))")
        }
        return history
    }

    /// The mean loss and the metrics (accuracy for classifiers, mean squared error for
    /// regressors) on every example of `data`.
    public func evaluate(_ data: Dataset<Scalar, Target>) throws -> Evaluation {
        try Self.check(data)
        var workspace = Workspace()
        return try evaluate(data, workspace: &workspace)
    }

    func evaluate(_ data: Dataset<Scalar, Target>, workspace: inout Workspace) throws -> Evaluation {
        guard data.count > 0 else { throw DataError(path: "dataset", message: "no examples to evaluate") }
        let k = Self.outputCount
        var scores = [Scalar](repeating: 0, count: data.count * k)
        let loss = try data.features.withUnsafeBufferPointer { x in
            try data.targets.withUnsafeBufferPointer { y in
                try scores.withUnsafeMutableBufferPointer { try self.scores(x, into: $0, workspace: &workspace) }
                return try self.loss(inputs: x, expected: y, workspace: &workspace)
            }
        }
        var result = Evaluation(loss: Double(loss))
        if let labels = data.targets as? [Int] {
            let correct = zip(Self.classes(of: scores), labels).filter { $0 == $1 }.count
            result.accuracy = Double(correct) / Double(data.count)
        } else if let targets = data.targets as? [Scalar] {
            var sum = 0.0
            for (s, target) in zip(scores, targets) { sum += (Double(s) - Double(target)) * (Double(s) - Double(target)) }
            result.meanSquaredError = sum / Double(targets.count)
        }
        return result
    }

    /// Throws unless `data` has the model's features and targets per example.
    static func check(_ data: Dataset<Scalar, Target>) throws(DataError) {
        guard data.featureCount == inputCount, data.targetsPerExample == targetsPerExample else {
            throw DataError(path: "dataset", message: "examples of \(data.featureCount) features and \(data.targetsPerExample) targets; \(Self.self) takes \(inputCount) and \(targetsPerExample)")
        }
        if let labels = data.targets as? [Int], let bad = labels.firstIndex(where: { $0 < 0 || $0 >= outputCount }) {
            throw DataError(path: "dataset", message: "label \(labels[bad]) of example \(bad) is not a class of \(Self.self) (0..<\(outputCount))")
        }
    }
}

extension GeneratedNetwork {
    /// The scores of every example of `data`, [count][outputCount].
    public func predict<Target>(_ data: Dataset<Scalar, Target>) throws -> [Scalar] {
        guard data.featureCount == Self.inputCount else {
            throw DataError(path: "dataset", message: "examples of \(data.featureCount) features; \(Self.self) takes \(Self.inputCount)")
        }
        var workspace = Workspace()
        var scores = [Scalar](repeating: 0, count: data.count * Self.outputCount)
        try data.features.withUnsafeBufferPointer { x in
            try scores.withUnsafeMutableBufferPointer { try self.scores(x, into: $0, workspace: &workspace) }
        }
        return scores
    }

    /// The class with the highest score for each example of `data` (the first on a tie).
    public func predictClasses<Target>(_ data: Dataset<Scalar, Target>) throws -> [Int] {
        Self.classes(of: try predict(data))
    }

    /// For each row of `scores` ([n][outputCount]), the column of its highest score (the first on a tie).
    static func classes(of scores: [Scalar]) -> [Int] {
        let k = outputCount
        return (0..<scores.count / k).map { i in
            var best = 0
            for j in 1..<k where scores[i * k + j] > scores[i * k + best] { best = j }
            return best
        }
    }
}

extension FileIO {
    /// Whether something exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}
