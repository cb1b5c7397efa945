/// Validates a YAML tree against the spec language (docs/SPEC-LANGUAGE.md) and builds a `Spec`.
///
/// Every check records a diagnostic and parsing goes on, so that one run reports all errors.
public enum SpecParser {
    /// Limits of the spec language.
    public static let maximumDimension = 1_048_576
    public static let maximumParameters = 16_777_216
    /// The most maxout pieces in one layer.
    public static let maximumPieces = 64
    /// The most layers (of any kind, activations included) and, separately, the most affine maps
    /// (dense layers plus maxout pieces): each becomes ops forward and backward, and code.
    public static let maximumLayers = 1_000

    static let networkKeys = [
        "nngen", "name", "scalar", "batch", "input", "layers", "loss", "regularization",
        "optimizer", "init",
    ]

    /// Reads and validates the spec in `text`; `path` is used only in messages.
    public static func parse(_ text: String, path: String) throws(SpecErrors) -> Spec {
        var log = DiagnosticLog()
        let root = YAMLReader.read(text, log: &log)
        var decoder = NodeDecoder(log: log)
        let spec = root.flatMap { decoder.spec($0) }
        if root == nil && !decoder.log.hasErrors {
            decoder.log.error("the spec is empty; it needs at least 'nngen: 1' and 'name:'", at: .start)
        }
        if decoder.log.hasErrors || spec == nil {
            throw SpecErrors(path: path, diagnostics: decoder.log.sorted)
        }
        return spec!
    }
}

extension NodeDecoder {
    mutating func spec(_ root: YAMLNode) -> Spec? {
        guard case .mapping(let pairs, _) = root else {
            log.error("a spec must be a mapping of keys such as 'nngen:' and 'name:', found \(root.kindDescription)", at: root.location)
            return nil
        }
        let keys = pairs.compactMap { pair -> String? in
            if case .scalar(let k, _, _) = pair.key { return k }
            return nil
        }
        let hasLayers = keys.contains("layers"), hasGraph = keys.contains("graph")
        if hasLayers && hasGraph {
            let at = pairs.first { if case .scalar("graph", _, _) = $0.key { return true } else { return false } }!.key.location
            log.error("a spec has either 'layers:' (network form) or 'graph:' (graph form), not both", at: at)
            return nil
        }
        if hasGraph { return graph(root).map(Spec.graph) }
        return network(root).map(Spec.network)
    }

    /// `nngen:`, `name:` and `scalar:`, common to both forms; false in `ok` when one is missing.
    mutating func header(_ f: Fields, ok: inout Bool) -> (name: String, scalar: ScalarType) {
        for key in ["nngen", "name"] where f[key] == nil {
            log.error("missing required key '\(key)'", at: f.location)
            ok = false
        }
        if let v = f["nngen"] {
            if let version = integer(v, "'nngen' (the format version)", in: 1...Int.max), version != 1 {
                log.error("this nngen reads format version 1, the spec says \(version)", at: v.location)
            }
        }
        var name = ""
        if let v = f["name"], let (text, at) = string(v, "'name'") {
            if let problem = Identifiers.problemWithTypeName(text) { log.error(problem, at: at) } else { name = text }
        }
        var scalarType = ScalarType.float
        if let v = f["scalar"], let (text, at) = string(v, "'scalar'") {
            if let t = ScalarType(rawValue: text) { scalarType = t } else {
                log.error("'scalar' must be Float or Double, found '\(text)'\(didYouMean(text, among: ["Float", "Double"]))", at: at)
            }
        }
        return (name, scalarType)
    }

    private mutating func network(_ root: YAMLNode) -> NetworkSpec? {
        guard let f = mapping(root, "the spec", allowed: SpecParser.networkKeys) else { return nil }
        var ok = true
        func required(_ key: String, missing message: String? = nil) -> YAMLNode? {
            if f[key] == nil {
                log.error(message ?? "missing required key '\(key)'", at: f.location)
                ok = false
            }
            return f[key]
        }
        let (name, scalarType) = header(f, ok: &ok)
        let dims = 1...SpecParser.maximumDimension
        let batch = f["batch"].map { integer($0, "'batch'", in: dims) } ?? 1
        let inputNode = required("input")
        let inputImage = inputNode.flatMap { imageInput($0) }
        let input = inputImage.map { $0.count } ?? inputNode.flatMap { node -> Int? in
            if case .sequence = node { return nil }  // reported by imageInput
            return integer(node, "'input'", in: dims)
        }
        let layers = required("layers", missing: "a spec needs 'layers:' (network form) or 'graph:' (graph form)").map { layerList($0) } ?? []
        let loss = f["loss"].flatMap { lossSpec($0) }
        var l2 = 0.0
        if let r = f["regularization"], let rf = mapping(r, "'regularization'", allowed: ["l2"]), let v = rf["l2"] {
            l2 = real(v, "'l2'", .nonNegative) ?? 0
        }
        let optimizer = f["optimizer"].map { optimizerSpec($0) } ?? .sgd(learningRate: 0.01, momentum: 0, nesterov: false)
        let initialization = f["init"].map { initSpec($0) } ?? InitSpec()
        if layers.isEmpty, let v = f["layers"], case .sequence = v {
            log.error("'layers' needs at least one dense, maxout or conv2d layer", at: v.location)
        }
        guard ok, let input, let batch, let optimizer, let initialization, !log.hasErrors else { return nil }
        let spec = NetworkSpec(
            name: name, scalar: scalarType, batch: batch, input: input, inputImage: inputImage, layers: layers, loss: loss,
            l2: l2, optimizer: optimizer, initialization: initialization)
        checkModelLimits(spec, layersAt: f["layers"]!.location)
        return log.hasErrors ? nil : spec
    }

    /// Checks what needs the whole model: a parameterized layer exists, names are unique, size limits.
    private mutating func checkModelLimits(_ spec: NetworkSpec, layersAt: SourceLocation) {
        var fanIn = spec.input, total = 0, affineMaps = 0
        var features = spec.inputFeatures
        var names: [String: SourceLocation] = [:]
        for (index, layer) in spec.layers.enumerated() {
            let received = features
            if index == SpecParser.maximumLayers {
                log.error("the model has more than the limit of \(SpecParser.maximumLayers) layers", at: layer.location)
                return
            }
            if let name = layer.name {
                if let first = names[name] {
                    log.error("layer name '\(name)' is used twice (first at \(first))", at: layer.location)
                }
                names[name] = layer.location
            }
            switch LayerShapes.output(of: layer.kind, from: features) {
            case .failure(let problem):
                log.error(problem.message, at: layer.location)
                return
            case .success(let output):
                if output.count > SpecParser.maximumDimension {
                    log.error("the layer's output of \(output) has \(output.count) elements per example, over the limit of \(SpecParser.maximumDimension)", at: layer.location)
                    return
                }
                features = output
            }
            switch layer.kind {
            case .dense(let units, _, let bias):
                total += fanIn * units + (bias ? units : 0)
                affineMaps += 1
            case .maxout(let units, let pieces):
                total += pieces * (fanIn * units + units)
                affineMaps += pieces
            case .conv2d(let c):
                guard case .image(let image) = received, case .image(let out) = features else { break }
                // im2col copies every window of every channel: the rows of one example, computed so
                // that no product can overflow (each factor is at most 3·2²⁰).
                let window = image.channels * c.kernel.height * c.kernel.width
                let (rows, overflow) = window.multipliedReportingOverflow(by: out.height * out.width)
                if overflow || rows > WorkspaceLimit.maximumScalars {
                    log.error("the layer's im2col rows would hold \(overflow ? "more than 2⁶³" : String(rows)) scalars per example "
                              + "(\(out.height)×\(out.width) windows of \(window)), over the workspace limit of \(WorkspaceLimit.maximumScalars)", at: layer.location)
                    return
                }
                total += c.filters * window + (c.bias ? c.filters : 0)
                affineMaps += 1
            case .batchNorm:
                total += 4 * features.channelCount  // γ, β and the two running statistics
                let perChannel = spec.batch * (received.count / received.channelCount)
                if spec.loss != nil, perChannel < 2 {
                    log.error("batch_norm needs more than one value per channel in a training batch; batch \(spec.batch) of \(received) gives 1 (use a larger batch)", at: layer.location)
                    return
                }
            case .activation, .pool, .flatten, .dropout:
                break
            }
            fanIn = features.count
            if total > SpecParser.maximumParameters {
                log.error("the model has more than the limit of \(SpecParser.maximumParameters) parameters by this layer", at: layer.location)
                return
            }
            if affineMaps > SpecParser.maximumLayers {
                log.error("the model has more than the limit of \(SpecParser.maximumLayers) affine maps (dense layers plus maxout pieces) by this layer", at: layer.location)
                return
            }
        }
        if affineMaps == 0 {
            log.error("'layers' needs at least one dense, maxout or conv2d layer", at: layersAt)
        }
    }

    private mutating func layerList(_ node: YAMLNode) -> [LayerSpec] {
        guard case .sequence(let items, _) = node else {
            log.error("'layers' must be a list of layers, found \(node.kindDescription)", at: node.location)
            return []
        }
        return items.enumerated().compactMap { index, item in layer(item, number: index + 1) }
    }

    private mutating func layer(_ node: YAMLNode, number: Int) -> LayerSpec? {
        let what = "layer \(number)"
        if case .scalar("flatten", true, let at) = node { return LayerSpec(kind: .flatten, name: nil, location: at) }
        if case .scalar("batch_norm", true, let at) = node { return LayerSpec(kind: .batchNorm(BatchNormSpec()), name: nil, location: at) }
        guard case .mapping(let pairs, let at) = node else {
            log.error("\(what) must be a mapping such as '{dense: 10}' (or the word 'flatten' or 'batch_norm'), found \(node.kindDescription)", at: node.location)
            return nil
        }
        let kinds = ["dense", "maxout", "activation", "conv2d", "max_pool", "avg_pool", "flatten", "batch_norm", "dropout"]
        let present = pairs.compactMap { pair -> String? in
            if case .scalar(let k, _, _) = pair.key, kinds.contains(k) { return k }
            return nil
        }
        guard let kindWord = present.first else {
            log.error("\(what) needs one of \(kinds.map { "'\($0):'" }.joined(separator: ", "))", at: at)
            _ = mapping(node, what, allowed: kinds + ["name", "bias", "pieces", "kernel", "stride", "padding", "init", "momentum", "epsilon"])
            return nil
        }
        let allowed: [String]
        switch kindWord {
        case "dense": allowed = ["dense", "activation", "bias", "name"]
        case "maxout": allowed = ["maxout", "pieces", "name"]
        case "conv2d": allowed = ["conv2d", "kernel", "stride", "padding", "activation", "bias", "name", "init"]
        case "max_pool", "avg_pool": allowed = [kindWord, "stride", "padding", "name"]
        case "flatten": allowed = ["flatten", "name"]
        case "batch_norm": allowed = ["batch_norm", "momentum", "epsilon", "name"]
        case "dropout": allowed = ["dropout", "name"]
        default: allowed = ["activation"]
        }
        let withActivation = ["dense", "conv2d"].contains(kindWord) && present == [kindWord, "activation"]
        if present.count > 1, !withActivation {
            log.error("\(what) has more than one kind key (\(present.map { "'\($0)'" }.joined(separator: ", ")))", at: at)
            return nil
        }
        guard let f = mapping(node, "\(what) (\(kindWord))", allowed: allowed) else { return nil }
        var name: String?
        if let v = f["name"], let (text, nameAt) = string(v, "'name'") {
            if let problem = Identifiers.problemWithValueName(text) { log.error(problem, at: nameAt) } else { name = text }
        }
        let dims = 1...SpecParser.maximumDimension
        let kind: LayerSpec.Kind?
        switch kindWord {
        case "dense":
            let units = integer(f["dense"]!, "units of \(what)", in: dims)
            let activation = f["activation"].map { self.activation($0) } ?? .identity
            let bias = f["bias"].map { boolean($0, "'bias'") } ?? true
            if let units, let activation, let bias { kind = .dense(units: units, activation: activation, bias: bias) } else { kind = nil }
        case "maxout":
            let units = integer(f["maxout"]!, "units of \(what)", in: dims)
            let pieces = f["pieces"].map { integer($0, "'pieces'", in: 2...SpecParser.maximumPieces) } ?? 2
            if let units, let pieces { kind = .maxout(units: units, pieces: pieces) } else { kind = nil }
        case "conv2d":
            kind = conv2d(f, what)
        case "max_pool", "avg_pool":
            kind = pool(f, kindWord == "max_pool" ? .max : .average, what)
        case "flatten":
            let value = f["flatten"]!
            if case .scalar(let text, true, _) = value, text.isEmpty || text == "true" { kind = .flatten } else {
                log.error("'flatten' takes no value (write '- flatten' or 'flatten: true'), found \(value.kindDescription)", at: value.location)
                kind = nil
            }
        case "batch_norm":
            kind = batchNorm(f)
        case "dropout":
            kind = dropout(f)
        default:
            kind = activation(f["activation"]!).map { .activation($0) }
        }
        return kind.map { LayerSpec(kind: $0, name: name, location: at) }
    }

    mutating func activation(_ node: YAMLNode) -> Activation? {
        let names = ["identity"] + UnaryOp.activations.map(\.name)
        guard let (word, _, options) = choice(node, "activation", options: names) else { return nil }
        guard let op = UnaryOp.named(word) else { return noOptions(options, word) ? .identity : nil }
        guard let attribute = op.attribute else { return noOptions(options, word) ? Activation(UnaryFunction(op)) : nil }
        guard let defaultValue = attribute.defaultValue else {
            guard options != nil else {
                log.error("'\(word)' needs its \(attribute.name): {\(word): {\(attribute.name): …}}", at: node.location)
                return nil
            }
            return parameter(options, of: word, key: attribute.name, default: 0, rule: attribute.rule).map { Activation(UnaryFunction(op, $0)) }
        }
        return parameter(options, of: word, key: attribute.name, default: defaultValue, rule: attribute.rule).map { Activation(UnaryFunction(op, $0)) }
    }

    /// Checks that a choice without parameters was not given any.
    private mutating func noOptions(_ options: YAMLNode?, _ word: String) -> Bool {
        guard let options else { return true }
        return mapping(options, "'\(word)'", allowed: []) != nil && !log.hasErrors
    }

    /// The single optional parameter of a choice such as `{elu: {alpha: 1}}`.
    private mutating func parameter(_ options: YAMLNode?, of word: String, key: String, default value: Double, rule: RealRule) -> Double? {
        guard let options else { return value }
        guard let f = mapping(options, "'\(word)'", allowed: [key]) else { return nil }
        return f[key].map { real($0, "'\(key)' of \(word)", rule) } ?? value
    }

    private mutating func lossSpec(_ node: YAMLNode) -> Loss? {
        guard let (word, _, options) = choice(node, "loss", options: LossFunction.all.map(\.name)) else { return nil }
        let function = LossFunction.named(word)!
        guard let attribute = function.attribute else { return noOptions(options, word) ? Loss(function) : nil }
        return parameter(options, of: word, key: attribute.name, default: attribute.defaultValue ?? 0, rule: attribute.rule).map { Loss(function, $0) }
    }

    private mutating func optimizerSpec(_ node: YAMLNode) -> OptimizerSpec? {
        guard let (word, _, options) = choice(node, "optimizer", options: ["sgd", "adam"]) else { return nil }
        let empty = YAMLNode.mapping([], node.location)
        if word == "sgd" {
            guard let f = mapping(options ?? empty, "'sgd'", allowed: ["learning_rate", "momentum", "nesterov"]) else { return nil }
            let lr = f["learning_rate"].map { real($0, "'learning_rate'", .positive) } ?? 0.01
            let momentum = f["momentum"].map { real($0, "'momentum'", .unitInterval) } ?? 0
            let nesterov = f["nesterov"].map { boolean($0, "'nesterov'") } ?? false
            guard let lr, let momentum, let nesterov else { return nil }
            return .sgd(learningRate: lr, momentum: momentum, nesterov: nesterov)
        }
        guard let f = mapping(options ?? empty, "'adam'", allowed: ["learning_rate", "beta1", "beta2", "epsilon"]) else { return nil }
        let lr = f["learning_rate"].map { real($0, "'learning_rate'", .positive) } ?? 0.001
        let beta1 = f["beta1"].map { real($0, "'beta1'", .unitInterval) } ?? 0.9
        let beta2 = f["beta2"].map { real($0, "'beta2'", .unitInterval) } ?? 0.999
        let epsilon = f["epsilon"].map { real($0, "'epsilon'", .positive) } ?? 1e-8
        guard let lr, let beta1, let beta2, let epsilon else { return nil }
        return .adam(learningRate: lr, beta1: beta1, beta2: beta2, epsilon: epsilon)
    }

    private mutating func initSpec(_ node: YAMLNode) -> InitSpec? {
        guard let f = mapping(node, "'init'", allowed: ["seed", "weights", "bias"]) else { return nil }
        var spec = InitSpec()
        if let v = f["seed"] { spec.seed = unsigned(v, "'seed'") ?? 0 }
        if let v = f["bias"] { spec.bias = real(v, "'bias'") ?? 0 }
        if let v = f["weights"] { spec.weights = weightInit(v) }
        return spec
    }

    /// `he`, `xavier`, `{normal: {std: s}}` or `{uniform: {limit: a}}`.
    mutating func weightInit(_ v: YAMLNode) -> WeightInit? {
        guard let (word, _, options) = choice(v, "weight initialization", options: ["he", "xavier", "normal", "uniform"]) else { return nil }
        switch word {
        case "he": return noOptions(options, word) ? .he : nil
        case "xavier": return noOptions(options, word) ? .xavier : nil
        case "normal":
            if options == nil { log.error("'normal' needs its standard deviation: {normal: {std: 0.01}}", at: v.location) }
            return parameter(options, of: word, key: "std", default: 0, rule: .positive).map { .normal(std: $0) }
        default:
            if options == nil { log.error("'uniform' needs its limit: {uniform: {limit: 0.1}}", at: v.location) }
            return parameter(options, of: word, key: "limit", default: 0, rule: .positive).map { .uniform(limit: $0) }
        }
    }
}
