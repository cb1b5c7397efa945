/// How a file names and lays out a model's tensors.
public enum WeightLayout: Sendable {
    /// nngen's own: one tensor per parameter array, named `W1`, `b1`, … (or `<name>.W`,
    /// `<name>.b` for a layer with `name:`), shaped as docs/SPEC-LANGUAGE.md lays it out (dense `W` is
    /// `[fan_in, units]`).
    case nngen
    /// PyTorch's `state_dict` of `nn.Linear`, `nn.Conv2d` and `nn.BatchNorm1d`/`2d` modules named as
    /// the spec's dense, conv2d and batch_norm layers: a dense `<name>.weight` is `[units, fan_in]`
    /// (transposed on load and save), a conv2d one `[filters, channels, kh, kw]` as nngen lays it
    /// out; `<name>.bias` is `[units]`; a batch norm's `<name>.weight`, `.bias`, `.running_mean` and
    /// `.running_var` are `[channels]`, and its `<name>.num_batches_tracked` is accepted and ignored
    /// on load (and not written).
    case pytorch
}

/// A generated network model whose parameters can be saved to and loaded from safetensors files.
/// Every emitted network conforms when the module that compiles it can import NNGenRuntime.
public protocol SafetensorsModel {
    associatedtype Scalar: SafetensorsScalar
    /// Length of the flat parameter vector.
    static var parameterCount: Int { get }
    /// Every parameter array: its name in the layout, where it starts, and its shape.
    static var parameterLayout: [(name: String, offset: Int, shape: [Int])] { get }
    /// For each `parameterLayout` entry, its safetensors name and its PyTorch name, if it has one.
    static var tensorNames: [(safetensors: String, pytorch: String?)] { get }
    /// The flat parameter vector.
    var parameters: [Scalar] { get }
    /// A model with the given flat parameters.
    init(parameters: [Scalar]) throws
}

extension SafetensorsModel {
    /// Writes the parameters to `path` as a safetensors file, one tensor per parameter array, in
    /// `layout`. The write is atomic: a temporary file beside `path` is filled, flushed to disk and
    /// renamed over it, so a failure leaves any earlier file at `path` as it was.
    /// A parameter that is NaN or infinite is refused (a thrown `.nonFinite` error, nothing
    /// written), as `init(contentsOf:)` would refuse the file.
    public func save(to path: String, layout: WeightLayout = .nngen) throws {
        try save(to: path, layout: layout, extra: [])
    }

    /// `save(to:layout:)` with `extra` tensors after the parameters.
    func save(to path: String, layout: WeightLayout, extra: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])]) throws {
        let values = parameters
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw SafetensorsError(path: path, problem: .nonFinite, message: "parameter \(bad) is \(values[bad]); a model with a NaN or an infinity is not saved, since it could not be loaded")
        }
        var tensors: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])] = []
        for (entry, names) in zip(Self.parameterLayout, Self.tensorNames) {
            let slice = values[entry.offset..<entry.offset + entry.shape.reduce(1, *)]
            var bytes: [UInt8] = []
            bytes.reserveCapacity(slice.count * Scalar.byteCount)
            switch layout {
            case .nngen:
                for v in slice { v.appendBytes(to: &bytes) }
                tensors.append((names.safetensors, Scalar.dtype, entry.shape, bytes))
            case .pytorch:
                let name = try Self.pytorchName(names, entry.name, path: path)
                let (shape, order) = Self.pytorchOrder(entry.shape)
                for i in order { slice[slice.startIndex + i].appendBytes(to: &bytes) }
                tensors.append((name, Scalar.dtype, shape, bytes))
            }
        }
        tensors += extra
        let format = layout == .pytorch ? "pt" : "nngen"
        try FileIO.writeAtomically(SafetensorsFile.encode(tensors: tensors, metadata: [("format", format)]), to: path)
    }

    /// Loads a model from the safetensors file at `path`, written in `layout`. Everything is
    /// checked before the model is made: the file's structure, that every tensor the model needs
    /// is there once with the model's dtype and shape and that there are no others, and that
    /// every value is finite. Any problem is a thrown `SafetensorsError` naming the tensor. The
    /// header is checked before the data are read, so memory stays bounded by the model's size
    /// whatever the file holds.
    public init(contentsOf path: String, layout: WeightLayout = .nngen) throws {
        // The parameters, and perhaps a standardization saved with them: two float64 vectors of
        // the input width, which is at most the parameter count.
        let file = try SafetensorsFile(contentsOf: path, maximumDataSize: Self.parameterCount * (Scalar.byteCount + 16)) { header throws(SafetensorsError) in
            for _ in try Self.tensors(of: header, layout: layout, path: path) {}
        }
        try self.init(parameters: Self.parameters(from: file, layout: layout, path: path))
    }

    /// The flat parameter vector that `file` holds in `layout`; `path` names the file in errors.
    public static func parameters(from file: SafetensorsFile, layout: WeightLayout, path: String) throws(SafetensorsError) -> [Scalar] {
        var values = [Scalar](repeating: 0, count: parameterCount)
        for (entry, name, shape, order, tensor) in try tensors(of: file, layout: layout, path: path) {
            let badElement: (index: Int, value: Scalar)? = file.data.withUnsafeBytes { raw in
                for (i, source) in order.enumerated() {
                    let v = Scalar(littleEndianBytes: raw, at: tensor.range.lowerBound + i * Scalar.byteCount)
                    guard v.isFinite else { return (i, v) }
                    values[entry.offset + source] = v
                }
                return nil
            }
            if let bad = badElement {
                throw SafetensorsError(path: path, tensor: name, problem: .nonFinite,
                                       message: "element \(bad.index) (flat index in the file's shape \(shape)) is \(bad.value)")
            }
        }
        return values
    }

    /// For each parameter array, its tensor in `file` (whose data may not be read yet), after
    /// checking that the file holds every tensor the model needs in `layout`, with its dtype and
    /// shape, and no other; with the tensor's name and shape in the file and, for each of its
    /// elements in the file's order, the element's flat index in the parameter array.
    private static func tensors(of file: SafetensorsFile, layout: WeightLayout, path: String) throws(SafetensorsError)
        -> [(parameter: (name: String, offset: Int, shape: [Int]), name: String, shape: [Int], order: [Int], tensor: SafetensorsFile.Entry)] {
        var found: [(parameter: (name: String, offset: Int, shape: [Int]), name: String, shape: [Int], order: [Int], tensor: SafetensorsFile.Entry)] = []
        var expected = Set<String>()
        for (entry, names) in zip(parameterLayout, tensorNames) {
            let name: String, shape: [Int], order: [Int]
            switch layout {
            case .nngen:
                (name, shape) = (names.safetensors, entry.shape)
                order = Array(0..<entry.shape.reduce(1, *))
            case .pytorch:
                name = try pytorchName(names, entry.name, path: path)
                (shape, order) = pytorchOrder(entry.shape)
            }
            expected.insert(name)
            guard let tensor = file.entry(name) else {
                let found = file.entries.map(\.name).sorted().joined(separator: ", ")
                throw SafetensorsError(path: path, tensor: name, problem: .missingTensor,
                                       message: "missing (the file has: \(found.isEmpty ? "no tensors" : found))")
            }
            guard tensor.dtype == Scalar.dtype else {
                throw SafetensorsError(path: path, tensor: name, problem: .dtype,
                                       message: "dtype is \(tensor.dtype), the model's is \(Scalar.dtype) (\(Scalar.self))")
            }
            guard tensor.shape == shape else {
                throw SafetensorsError(path: path, tensor: name, problem: .shape, message: "shape is \(tensor.shape), the model needs \(shape)")
            }
            found.append((entry, name, shape, order, tensor))
        }
        // PyTorch's BatchNorm saves a step count beside its running statistics: accepted, not read.
        if layout == .pytorch {
            for names in tensorNames {
                guard let name = names.pytorch, name.hasSuffix(".running_mean") else { continue }
                expected.insert(String(name.dropLast("running_mean".count)) + "num_batches_tracked")
            }
        }
        // A standardization saved with the model is no parameter, and is read on its own.
        expected.formUnion(Standardization.tensorNames(prefix: "standardization."))
        if let extra = file.entries.first(where: { !expected.contains($0.name) }) {
            throw SafetensorsError(path: path, tensor: extra.name, problem: .unexpectedTensor,
                                   message: "the model has no such parameter (it has: \(tensorNamesList(layout)))")
        }
        return found
    }

    private static func tensorNamesList(_ layout: WeightLayout) -> String {
        tensorNames.map { layout == .nngen ? $0.safetensors : ($0.pytorch ?? "?") }.joined(separator: ", ")
    }

    /// The PyTorch name of a parameter, or an error saying why it has none.
    private static func pytorchName(_ names: (safetensors: String, pytorch: String?), _ parameter: String, path: String) throws(SafetensorsError) -> String {
        guard let name = names.pytorch else {
            throw SafetensorsError(path: path, tensor: names.safetensors, problem: .layout,
                                   message: "parameter \(parameter) has no PyTorch name: the PyTorch layout covers dense and conv2d layers with a `name:`, which match nn.Linear and nn.Conv2d modules of that name")
        }
        return name
    }

    /// The PyTorch shape of a parameter of nngen shape `shape`, and for each element in PyTorch
    /// order its flat index in nngen order: a weight `[fan_in, units]` is stored transposed,
    /// `[units, fan_in]`, so element (u, i) of the file is element i·units + u of nngen's; a
    /// convolution's `[filters, channels, kh, kw]` and every bias are the same in both.
    private static func pytorchOrder(_ shape: [Int]) -> (shape: [Int], order: [Int]) {
        guard shape.count == 2 else { return (shape, Array(0..<shape.reduce(1, *))) }
        let (fanIn, units) = (shape[0], shape[1])
        var order: [Int] = []
        order.reserveCapacity(fanIn * units)
        for u in 0..<units {
            for i in 0..<fanIn { order.append(i * units + u) }
        }
        return ([units, fanIn], order)
    }
}

extension GeneratedNetwork {
    /// `save(to:layout:)` with the statistics of `standardization` in the same file (tensors
    /// `standardization.mean` and `standardization.std`, float64), so that inference rescales its
    /// inputs as training did: `init(contentsOf:)` accepts the file, `Standardization(contentsOf:)`
    /// reads them from it.
    public func save(to path: String, layout: WeightLayout = .nngen, standardization: Standardization) throws {
        guard standardization.mean.count == Self.inputCount else {
            throw SafetensorsError(path: path, tensor: "standardization.mean", problem: .shape,
                                   message: "the standardization has \(standardization.mean.count) features; the model takes \(Self.inputCount)")
        }
        try save(to: path, layout: layout, extra: standardization.tensors(prefix: "standardization."))
    }
}
