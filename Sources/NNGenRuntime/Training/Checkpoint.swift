/// Everything `fit` needs to continue a run as if it had not stopped: the parameters and the
/// optimizer's state (exact bits), the epochs and steps done, the shuffling generator's state,
/// the learning rate the schedule starts from, the history so far, early stopping's state and the
/// dropout stream's state.
/// Saved as a safetensors file: tensors `parameters`, `optimizer_state` (when the optimizer has
/// state) and `best_parameters` (when early stopping keeps them), the rest in `__metadata__`.
struct Checkpoint<Scalar: SafetensorsScalar> {
    var model: String
    var parameters: [Scalar]
    var optimizerState: [Scalar]
    var bestParameters: [Scalar]?
    /// Epochs completed.
    var epoch: Int
    var steps: Int
    var random: UInt64
    /// The model's dropout stream (0 without dropout).
    var dropoutState: UInt64 = 0
    var baseLearningRate: Double
    /// Training examples per epoch (the shuffling depends on it).
    var examples: Int
    var history: History
    var bestValue: Double?
    var bestEpoch: Int?
    var wait: Int

    func save(to path: String) throws(SafetensorsError) {
        func bytes(_ values: [Scalar]) -> [UInt8] { Scalar.bytes(of: values) }
        var tensors = [("parameters", Scalar.dtype, [parameters.count], bytes(parameters))]
        if !optimizerState.isEmpty { tensors.append(("optimizer_state", Scalar.dtype, [optimizerState.count], bytes(optimizerState))) }
        if let best = bestParameters { tensors.append(("best_parameters", Scalar.dtype, [best.count], bytes(best))) }
        var metadata = [("format", "nngen-checkpoint"), ("model", model), ("epoch", String(epoch)), ("steps", String(steps)),
                        ("random", String(random)), ("base_learning_rate", String(baseLearningRate)), ("examples", String(examples)),
                        ("metric_names", history.metricNames.joined(separator: ",")), ("history", history.encoded), ("wait", String(wait))]
        if let bestValue, let bestEpoch { metadata += [("best_value", String(bestValue)), ("best_epoch", String(bestEpoch))] }
        if dropoutState != 0 { metadata.append(("dropout_state", String(dropoutState))) }
        try FileIO.writeAtomically(SafetensorsFile.encode(tensors: tensors, metadata: metadata), to: path)
    }

    /// Reads a checkpoint of a model named `model` with `parameterCount` parameters and
    /// `stateCount` scalars of optimizer state; anything else in the file is an error.
    init(contentsOf path: String, model: String, parameterCount: Int, stateCount: Int) throws(SafetensorsError) {
        let file = try SafetensorsFile(contentsOf: path, maximumDataSize: (2 * parameterCount + stateCount) * Scalar.byteCount)
        func fail(_ message: String) -> SafetensorsError { SafetensorsError(path: path, problem: .header, message: message) }
        let meta = Dictionary(file.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        guard meta["format"] == "nngen-checkpoint" else { throw fail("not an nngen checkpoint (its __metadata__ has no format \"nngen-checkpoint\")") }
        guard meta["model"] == model else { throw fail("a checkpoint of \(meta["model"] ?? "?"), not of \(model)") }
        func vector(_ name: String, _ count: Int) throws(SafetensorsError) -> [Scalar]? {
            guard let entry = file.entry(name) else { return nil }
            guard entry.dtype == Scalar.dtype, entry.shape == [count] else {
                throw SafetensorsError(path: path, tensor: name, problem: .shape, message: "expected \(Scalar.dtype) of shape [\(count)], found \(entry.dtype) \(entry.shape)")
            }
            let values = file.values(of: entry, count: count, as: Scalar.self)
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw SafetensorsError(path: path, tensor: name, problem: .nonFinite, message: "element \(bad) is \(values[bad])")
            }
            return values
        }
        guard let parameters = try vector("parameters", parameterCount) else { throw fail("no tensor 'parameters'") }
        self.model = model
        self.parameters = parameters
        optimizerState = try vector("optimizer_state", stateCount) ?? []
        guard optimizerState.count == stateCount else { throw fail("no tensor 'optimizer_state' of \(stateCount) values") }
        bestParameters = try vector("best_parameters", parameterCount)
        guard let epoch = meta["epoch"].flatMap({ Int($0) }), let steps = meta["steps"].flatMap({ Int($0) }),
              let random = meta["random"].flatMap({ UInt64($0) }), let rate = meta["base_learning_rate"].flatMap({ Double($0) }),
              let examples = meta["examples"].flatMap({ Int($0) }), let wait = meta["wait"].flatMap({ Int($0) }),
              let names = meta["metric_names"], let encoded = meta["history"],
              let history = History(encoded: encoded, metricNames: names.split(separator: ",").map(String.init))
        else { throw fail("its __metadata__ lacks or garbles epoch, steps, random, base_learning_rate, examples, wait, metric_names or history") }
        (self.epoch, self.steps, self.random, baseLearningRate, self.examples, self.wait, self.history) = (epoch, steps, random, rate, examples, wait, history)
        bestValue = meta["best_value"].flatMap { Double($0) }
        bestEpoch = meta["best_epoch"].flatMap { Int($0) }
        if let text = meta["dropout_state"] {
            guard let state = UInt64(text) else { throw fail("its dropout_state \"\(text)\" is not a 64-bit unsigned integer") }
            dropoutState = state
        }
    }

    init(model: String, parameters: [Scalar], optimizerState: [Scalar], bestParameters: [Scalar]?, epoch: Int, steps: Int, random: UInt64,
         dropoutState: UInt64, baseLearningRate: Double, examples: Int, history: History, bestValue: Double?, bestEpoch: Int?, wait: Int) {
        (self.model, self.parameters, self.optimizerState, self.bestParameters) = (model, parameters, optimizerState, bestParameters)
        (self.epoch, self.steps, self.random, self.dropoutState, self.baseLearningRate, self.examples) = (epoch, steps, random, dropoutState, baseLearningRate, examples)
        (self.history, self.bestValue, self.bestEpoch, self.wait) = (history, bestValue, bestEpoch, wait)
    }
}
