/// Emits the Swift source of a network model: the public API of docs/GENERATED-API.md over
/// fixed-shape static functions that run on caller-owned memory.
public struct NetworkEmitter {
    public let model: NetworkModel
    /// The spec's file name, for the header.
    public let sourceName: String
    /// The functions at the spec's batch.
    let batch: ComputeFunctions
    /// The same network at batch 1, which scores and trains on the examples past the last full
    /// batch; nil when the spec's batch is 1.
    let single: ComputeFunctions?
    /// For a network with `batch_norm` or `dropout` and a loss, the training graph's functions
    /// (suffix `Training`); `batch` and `single` are then the inference graph's.
    let training: ComputeFunctions?
    let fusion: Bool

    /// Plans `model` for emission; ops with at most `unrollLimit` scalar operations are unrolled.
    /// Without `fusion`, every op is a kernel of its own (see `Generator.generate`).
    public init(model: NetworkModel, sourceName: String, unrollLimit: Int, fusion: Bool = true) {
        self.model = model
        self.sourceName = sourceName
        self.fusion = fusion
        let modal = model.spec.hasTrainingMode
        let scoring = modal ? NetworkLowering.lower(model.spec, mode: .inference, rewrites: fusion) : model
        batch = ComputeFunctions(model: scoring, unrollLimit: unrollLimit, fusion: fusion, fusedStep: !modal, suffix: "")
        if model.spec.batch > 1 {
            var spec = model.spec
            spec.batch = 1
            single = ComputeFunctions(model: NetworkLowering.lower(spec, mode: scoring.mode, rewrites: fusion), unrollLimit: unrollLimit, fusion: fusion, fusedStep: false, suffix: "Single")
        } else {
            single = nil
        }
        training = modal && model.loss != nil
            ? ComputeFunctions(model: model, unrollLimit: unrollLimit, fusion: fusion, fusedStep: false, suffix: "Training") : nil
    }

    var spec: NetworkSpec { model.spec }
    var typeName: String { spec.name }
    var stateCount: Int { model.parameterCount + TrainingEmitter.optimizerStateCount(spec.optimizer, parameters: model.parameterCount) }
    /// Scalars of a `Workspace`: the gradient, then the scratch, shared by the two lowerings, and
    /// the elements the scratch's start may move by to be aligned (`scratchSlack`). The
    /// single-example path lays out its own gradient (with a loss) and scratch in it.
    public var workspaceCount: Int {
        model.parameterCount + Self.scratchSlack + max(batch.scratchCount, singleOffset + (single?.scratchCount ?? 0), masksOffset + model.maskCount)
    }

    /// Where the training pass's dropout masks start in the scratch: past the training graph's own.
    var masksOffset: Int { training.map { ExecutionPlan.aligned($0.scratchCount) } ?? 0 }

    /// Elements between the gradient's end and the scratch's 64-byte-aligned start, at most: the
    /// workspace array's elements are aligned to their size at least, so 15 of Float, 7 of Double
    /// (16 either way, for one figure).
    static let scratchSlack = 16

    /// Where the single-example path's scratch starts in the workspace's scratch: after its own
    /// gradient, which `computeMeanLossAndGradient` sums into the workspace's.
    var singleOffset: Int { single != nil && model.loss != nil ? ExecutionPlan.aligned(model.parameterCount) : 0 }

    /// The whole emitted file.
    public func render() -> String {
        var w = CodeWriter()
        Header.emit(sourceName: sourceName, fusion: fusion, &w)
        w.line("#if canImport(NNGenRuntime)")
        w.line("import NNGenRuntime")
        w.line("#endif")
        w.line("#if canImport(NNGenKernels)")
        w.line("import NNGenKernels")
        w.line("#endif")
        w.line("")
        summary(&w)
        w.block("public struct \(typeName): Sendable {") { w in
            constants(&w)
            w.line("")
            storage(&w)
            w.line("")
            initializers(&w)
            w.line("")
            NetworkAPIEmitter(model: batch.model, hasSinglePath: single != nil, training: training, masksOffset: masksOffset).emit(&w)
            w.line("")
            SupportEmitter.inputError(&w)
            w.line("")
            if model.loss != nil {
                SupportEmitter.divergenceError(&w)
                w.line("")
            }
            SupportEmitter.workspace(model: typeName, &w)
            w.line("")
            SupportEmitter.random(&w)
            w.line("")
            kernels(&w)
        }
        w.line("")
        RuntimeConformance.emit(model, &w)
        return w.text
    }

    private func summary(_ w: inout CodeWriter) {
        var parts = [spec.inputSummary]
        parts += spec.layers.map(\.summary)
        w.doc("\(typeName): \(parts.joined(separator: " → ")); batch \(spec.batch), \(spec.scalar.rawValue).")
        if let loss = spec.loss {
            w.doc("Loss: \(loss.title)" + (spec.l2 > 0 ? " + \(spec.l2)·Σ W²" : "") + "; optimizer: \(optimizerName).")
        } else {
            w.doc("Inference only (the spec has no loss).")
        }
        w.doc("", "Parameter layout (the flat vector, row-major):")
        for p in model.parameters {
            w.doc("- `\(p.name)` \(Shape(p.shape)) at \(p.offset)..<\(p.offset + p.count)")
        }
    }

    private var optimizerName: String {
        switch spec.optimizer {
        case .sgd(let lr, let mu, let nesterov):
            return "SGD η = \(lr)" + (mu > 0 ? (nesterov ? ", Nesterov momentum \(mu)" : ", momentum \(mu)") : "")
        case .adam(let lr, let b1, let b2, let eps): return "Adam η = \(lr), β1 = \(b1), β2 = \(b2), ε = \(eps)"
        }
    }

    private func constants(_ w: inout CodeWriter) {
        w.line("public typealias Scalar = \(spec.scalar.rawValue)")
        w.doc("Examples per call (`batch:` of the spec).")
        w.line("public static let batchSize = \(spec.batch)")
        w.doc("Features per example.")
        w.line("public static let inputCount = \(spec.input)")
        if let image = spec.inputImage {
            w.doc("Each example is an image `[channels, height, width]`, its `inputCount` values in that order (NCHW, as",
                  "PyTorch lays out a batch): element (c, y, x) at c·height·width + y·width + x.")
            w.line("public static let inputShape = [\(image.channels), \(image.height), \(image.width)]")
        }
        w.doc("Units of the last layer.")
        w.line("public static let outputCount = \(model.outputCount)")
        w.doc("Length of the flat parameter vector.")
        w.line("public static let parameterCount = \(model.parameterCount)")
        w.doc("Scalars a `Workspace` holds: the gradient, then \(workspaceCount - model.parameterCount) of scratch (from a 64-byte boundary).")
        w.line("public static let workspaceCount = \(workspaceCount)")
        w.doc("Every parameter array: its name in the layout, where it starts, and its shape.")
        let parameters = model.parameters
        let pytorchNames = parameters.map { $0.pytorchName.map { "\"\($0)\"" } ?? "nil" }
        if parameters.count <= TrainingEmitter.tableThreshold {
            let entries = parameters.map { "(\"\($0.name)\", \($0.offset), \($0.shape))" }
            w.line("public static let parameterLayout: [(name: String, offset: Int, shape: [Int])] = [\(entries.joined(separator: ", "))]")
        } else {
            // One string literal of `name:shape` words, parsed once: an array literal of 2,000
            // tuples took the type checker 6 s and the optimizer 40 s (1,000 layers).
            w.block("public static let parameterLayout: [(name: String, offset: Int, shape: [Int])] = {", closing: "}()") { w in
                w.words("entries", parameters.map { "\($0.name):\($0.shape.map(String.init).joined(separator: "x"))" })
                w.line("var offset = 0")
                w.block("return entries.map { entry in") { w in
                    w.line("let name = entry.prefix { $0 != \":\" }, shape = entry.dropFirst(name.count + 1).split(separator: \"x\").compactMap { Int($0) }")
                    w.line("defer { offset += shape.reduce(1, *) }")
                    w.line("return (String(name), offset, shape)")
                }
            }
        }
        w.doc("For each `parameterLayout` entry, its tensor name in safetensors files (`W1`, or `<name>.W` for a",
              "layer with `name:`) and, for a named dense layer, its PyTorch `state_dict` name (`<name>.weight`).")
        if parameters.count <= TrainingEmitter.tableThreshold {
            let tensors = zip(parameters, pytorchNames).map { "(\"\($0.tensorName)\", \($1))" }
            w.line("public static let tensorNames: [(safetensors: String, pytorch: String?)] = [\(tensors.joined(separator: ", "))]")
        } else {
            w.block("public static let tensorNames: [(safetensors: String, pytorch: String?)] = {", closing: "}()") { w in
                w.words("safetensors", parameters.map(\.tensorName))
                w.line("// \"-\": no PyTorch name.")
                w.words("pytorch", parameters.map { $0.pytorchName ?? "-" })
                w.line("return zip(safetensors, pytorch).map { (String($0), $1 == \"-\" ? nil : String($1)) }")
            }
        }
        if training != nil {
            w.doc("True: `trainingLoss`, `lossAndGradient` and `trainStep` take exactly `batchSize` examples (the network has",
                  "batch_norm or dropout); `fit` leaves out an epoch's last short batch.")
            w.line("public static let trainsOnWholeBatches = true")
        }
        w.line("static let stateCount = \(stateCount)")
        w.line("static let scoresOffset = \(batch.scoresOffset)")
        if let single {
            w.doc("The single-example path: where its scores are in its scratch, and where that starts in the workspace's.")
            w.line("static let scoresOffsetSingle = \(single.scoresOffset)")
            w.line("static let scratchOffsetSingle = \(singleOffset)")
        }
    }

    private func storage(_ w: inout CodeWriter) {
        w.doc("The parameters, then the optimizer state (\(stateCount - model.parameterCount) scalars).")
        w.line("var state: [Scalar]")
        if model.loss != nil {
            w.doc("At least the magnitude of every value of `state`, kept by `trainStep` (∞ when unknown):",
                  "under it, a step needs no exact check that its update stays finite.")
            w.line("var stateBound = Double.infinity")
            w.doc("The learning rate η of `trainStep`, \(SwiftLiteral.real(TrainingEmitter.learningRate(spec.optimizer))) at the start (the spec's); a schedule sets",
                  "it between steps. A value that would make a parameter NaN or infinite is refused by the step.")
            w.line("public var learningRate: Scalar = \(SwiftLiteral.real(TrainingEmitter.learningRate(spec.optimizer)))")
        }
        if let training, training.model.maskCount > 0 {
            w.doc("The dropout stream: the training entry points draw a batch's masks from it (`dropoutMasks(state:)`),",
                  "and each `trainStep` advances it by 1. `init(seed:)` starts it at the seed; a checkpoint saves it.")
            w.line("public var dropoutState: UInt64")
        }
        w.line("")
        w.doc("The flat parameter vector. Setting it requires exactly `parameterCount` finite values (a",
              "wrong count or a NaN or infinity traps, as an out-of-range subscript does; `setParameters(_:)`",
              "throws instead); the optimizer state is kept.")
        w.block("public var parameters: [Scalar] {") { w in
            w.line("get { Array(state[0..<Self.parameterCount]) }")
            w.block("set {") { w in
                w.line("precondition(newValue.count == Self.parameterCount, \"\(typeName).parameters needs \\(Self.parameterCount) values, got \\(newValue.count)\")")
                w.line("precondition(newValue.allSatisfy(\\.isFinite), \"\(typeName).parameters must be finite; setParameters(_:) throws instead\")")
                w.line("state.replaceSubrange(0..<Self.parameterCount, with: newValue)")
                if model.loss != nil { w.line("stateBound = .infinity") }
            }
        }
        w.line("")
        w.doc("Sets the parameters, keeping the optimizer state; throws `InputError`, changing nothing, for",
              "a wrong count or a NaN or infinity.")
        w.block("public mutating func setParameters(_ values: [Scalar]) throws {") { w in
            w.line("try Self.checkCount(values.count, \"parameters\", Self.parameterCount)")
            w.line("try Self.checkFinite(values, \"parameters\")")
            w.line("state.replaceSubrange(0..<Self.parameterCount, with: values)")
            if model.loss != nil { w.line("stateBound = .infinity") }
        }
        guard model.loss != nil else { return }
        w.line("")
        w.doc("The optimizer's state (\(optimizerStateDescription)): what a checkpoint saves beside",
              "the parameters, \(stateCount - model.parameterCount) scalars.")
        w.line("public var optimizerState: [Scalar] { Array(state[Self.parameterCount...]) }")
        w.line("")
        w.doc("Sets the optimizer's state, keeping the parameters; throws `InputError`, changing nothing, for",
              "a wrong count or a NaN or infinity.")
        w.block("public mutating func setOptimizerState(_ values: [Scalar]) throws {") { w in
            w.line("try Self.checkCount(values.count, \"optimizerState\", Self.stateCount - Self.parameterCount)")
            w.line("try Self.checkFinite(values, \"optimizerState\")")
            w.line("state.replaceSubrange(Self.parameterCount..<Self.stateCount, with: values)")
            w.line("stateBound = .infinity")
        }
    }

    private var optimizerStateDescription: String {
        switch spec.optimizer {
        case .sgd(_, let momentum, _): return momentum > 0 ? "the velocity of each parameter" : "none for plain SGD"
        case .adam: return "the first moments, the second moments, then β1^t and β2^t"
        }
    }

    private func initializers(_ w: inout CodeWriter) {
        w.doc("Parameters initialized as the spec's `init:` says (seed \(spec.initialization.seed)).")
        w.line("public init() { self.init(seed: \(spec.initialization.seed)) }")
        w.line("")
        w.doc("The same initialization scheme with another seed.")
        w.block("public init(seed: UInt64) {") { w in
            w.line("state = [Scalar](repeating: 0, count: Self.stateCount)")
            if let training, training.model.maskCount > 0 { w.line("dropoutState = seed") }
            w.line("Self.initialize(&state, seed: seed)")
        }
        w.line("")
        w.doc("A model with the given flat parameters (optimizer state at its start); throws `InputError`",
              "for a wrong count or a NaN or infinity.")
        w.block("public init(parameters: [Scalar]) throws {") { w in
            w.line("try Self.checkCount(parameters.count, \"parameters\", Self.parameterCount)")
            w.line("try Self.checkFinite(parameters, \"parameters\")")
            w.line("self.init(seed: 0)")
            w.line("state.replaceSubrange(0..<Self.parameterCount, with: parameters)")
        }
    }

    private func kernels(_ w: inout CodeWriter) {
        let lowerings = [batch] + (single.map { [$0] } ?? []) + (training.map { [$0] } ?? [])
        if lowerings.contains(where: \.plan.usesProductKernels) {
            ProductKernels.emit(scalar: spec.scalar.rawValue, &w)
            w.line("")
        }
        ImageKernels.emit(for: lowerings.map(\.model.graph), &w)
        let fastFunctions = lowerings.reduce(into: Set<String>()) { $0.formUnion($1.plan.fastFunctions) }, scalar = spec.scalar
        // What calls what: tanh → eˣ − 1 → the range reduction (emitted with eˣ); ln(1 + x) → ln;
        // the fused step's loss → eˣ and ln (Float).
        let usesFastTanh = fastFunctions.contains(SwiftMath.fastTanh)
        let usesFastExpm1 = fastFunctions.contains(SwiftMath.fastExpm1) || usesFastTanh
        let usesFastLog1p = fastFunctions.contains(SwiftMath.fastLog1p)
        let fusedFastMath = batch.fused?.isFloat == true
        let usesFastExp = fastFunctions.contains(SwiftMath.fastExp) || usesFastExpm1 || fusedFastMath
        let usesFastLog = fusedFastMath || usesFastLog1p
        if usesFastExp || usesFastLog {
            FastMath.emitMultiplyAdd(&w)
            w.line("")
        }
        if usesFastTanh {
            FastMath.emitTanh(scalar: scalar, &w)
            w.line("")
        }
        if usesFastExpm1 {
            FastMath.emitExpm1(scalar: scalar, &w)
            w.line("")
        }
        if usesFastLog1p {
            FastMath.emitLog1p(scalar: scalar, &w)
            w.line("")
        }
        if usesFastExp {
            FastMath.emitExp(scalar: scalar, &w)
            w.line("")
        }
        if usesFastLog {
            FastMath.emitLog(scalar: scalar, &w)
            w.line("")
        }
        if let fused = batch.fused {
            fused.emitHelpers(&w)
            w.line("")
        }
        TrainingEmitter.initializer(model, &w)
        w.line("")
        if model.loss != nil {
            TrainingEmitter.update(model, &w)
            w.line("")
        }
        batch.emit(&w)
        if let single {
            w.line("")
            single.emit(&w)
        }
        if let training {
            w.line("")
            training.emit(&w)
        }
    }
}

/// The standard header of every emitted file.
enum Header {
    /// The file name with every character outside `[A-Za-z0-9._-]` replaced by `_`: only this
    /// spelling reaches the source (a file name could hold a newline or `*/`).
    static func safeName(_ rawName: String) -> String {
        String(rawName.unicodeScalars.map { c -> Character in
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || "._-".unicodeScalars.contains(c) ? Character(c) : "_"
        })
    }

    static func emit(sourceName rawName: String, fusion: Bool, _ w: inout CodeWriter) {
        let sourceName = safeName(rawName)
        w.line("// Generated by nngen from \(sourceName). DO NOT EDIT.")
        w.line("// Regenerate with `nngen \(sourceName)\(fusion ? "" : " --no-fusion") -o <folder>`; changes made here are lost.")
        w.line("")
        w.line("#if canImport(Darwin)")
        w.line("import Darwin")
        w.line("#elseif canImport(Glibc)")
        w.line("import Glibc")
        w.line("#elseif canImport(Musl)")
        w.line("import Musl")
        w.line("#elseif canImport(ucrt)")
        w.line("import ucrt")
        w.line("#endif")
    }
}
