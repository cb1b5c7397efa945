/// Examples for a model: `count` rows of `featureCount` features and, per example,
/// `targetsPerExample` expected outputs: a class index (`Target` is `Int`) or real targets
/// (`Target` is the model's `Scalar`). Any number of examples; `fit` cuts them into batches.
public struct Dataset<Scalar: SafetensorsScalar, Target: Sendable>: Sendable {
    /// The features, [count][featureCount], row-major.
    public private(set) var features: [Scalar]
    /// The expected outputs, [count][targetsPerExample].
    public private(set) var targets: [Target]
    public let featureCount: Int
    public let targetsPerExample: Int

    /// Examples held.
    public var count: Int { featureCount == 0 ? 0 : features.count / featureCount }

    /// A data set of `features` ([n][featureCount]) and `targets` ([n][targetsPerExample]);
    /// throws when the counts disagree or a feature is not finite.
    public init(features: [Scalar], featureCount: Int, targets: [Target], targetsPerExample: Int = 1) throws(DataError) {
        guard featureCount > 0, targetsPerExample > 0 else { throw DataError(path: "dataset", message: "featureCount and targetsPerExample must be positive") }
        guard features.count % featureCount == 0 else {
            throw DataError(path: "dataset", message: "\(features.count) features are not a whole number of examples of \(featureCount)")
        }
        let n = features.count / featureCount
        guard targets.count == n * targetsPerExample else {
            throw DataError(path: "dataset", message: "\(n) examples need \(n * targetsPerExample) targets, found \(targets.count)")
        }
        if let bad = features.firstIndex(where: { !$0.isFinite }) {
            throw DataError(path: "dataset", message: "feature \(bad % featureCount) of example \(bad / featureCount) is \(features[bad])")
        }
        self.features = features
        self.targets = targets
        self.featureCount = featureCount
        self.targetsPerExample = targetsPerExample
    }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: some Sequence<Int>) -> Dataset {
        var copy = self
        copy.features = []
        copy.targets = []
        for i in indices {
            copy.features += features[i * featureCount..<(i + 1) * featureCount]
            copy.targets += targets[i * targetsPerExample..<(i + 1) * targetsPerExample]
        }
        return copy
    }

    /// The features with `transform` applied to each (a fixed rescaling, e.g. pixels / 16).
    public mutating func mapFeatures(_ transform: (Scalar) -> Scalar) throws(DataError) {
        for i in features.indices {
            let v = transform(features[i])
            guard v.isFinite else { throw DataError(path: "dataset", message: "the transform made feature \(i % featureCount) of example \(i / featureCount) \(v)") }
            features[i] = v
        }
    }

    /// The expected outputs with `transform` applied to each (e.g. regression targets centered).
    public mutating func mapTargets(_ transform: (Target) -> Target) {
        for i in targets.indices { targets[i] = transform(targets[i]) }
    }

    /// A seeded random split: `validationFraction` of the examples (rounded) for validation, the
    /// rest for training, each in its original order. The same seed gives the same split.
    public func split(validationFraction: Double, seed: UInt64) throws(DataError) -> (training: Dataset, validation: Dataset) {
        let (training, validation) = try splitIndices(validationFraction: validationFraction, seed: seed)
        return (subset(training), subset(validation))
    }

    /// The example indices of `split(validationFraction:seed:)`'s two parts, each ascending.
    public func splitIndices(validationFraction: Double, seed: UInt64) throws(DataError) -> (training: [Int], validation: [Int]) {
        guard validationFraction > 0, validationFraction < 1 else {
            throw DataError(path: "dataset", message: "the validation fraction must be in (0, 1), found \(validationFraction)")
        }
        let validationCount = Int((Double(count) * validationFraction).rounded())
        guard validationCount >= 1, validationCount < count else {
            throw DataError(path: "dataset", message: "a fraction \(validationFraction) of \(count) examples leaves one side empty")
        }
        var generator = SplitMix64(seed: seed)
        let order = generator.permutation(count)
        let validation = Set(order.prefix(validationCount))
        return ((0..<count).filter { !validation.contains($0) }, (0..<count).filter { validation.contains($0) })
    }

    /// The features rescaled in place by `standardization` (fitted on the training data).
    public mutating func standardize(_ standardization: Standardization) throws(DataError) {
        guard standardization.mean.count == featureCount else {
            throw DataError(path: "dataset", message: "the standardization has \(standardization.mean.count) features, the data \(featureCount)")
        }
        for i in features.indices {
            let j = i % featureCount
            features[i] = Scalar((Double(features[i]) - standardization.mean[j]) / standardization.scale[j])
        }
    }
}

/// Which column of a CSV file: by its header name or its 0-based index (negative counts from
/// the end: -1 is the last).
public enum CSVColumn: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case name(String)
    case index(Int)

    public init(stringLiteral value: String) { self = .name(value) }
    public init(integerLiteral value: Int) { self = .index(value) }

    func resolve(in table: CSVTable) throws(DataError) -> Int {
        switch self {
        case .name(let name): return try table.column(named: name)
        case .index(let i):
            let k = i < 0 ? table.names.count + i : i
            guard (0..<table.names.count).contains(k) else {
                throw DataError(path: table.path, message: "column index \(i) is outside the file's \(table.names.count) columns")
            }
            return k
        }
    }
}

extension Dataset where Target == Int {
    /// A classification data set from a CSV table: the `label` column holds class indices
    /// (integers ≥ 0), every other column not in `ignoring` is a feature.
    public init(csv table: CSVTable, label: CSVColumn, ignoring: [CSVColumn] = []) throws(DataError) {
        let column = try label.resolve(in: table)
        let width = table.names.count
        var ignored = Set<Int>()
        for c in ignoring { ignored.insert(try c.resolve(in: table)) }
        let featureCount = (0..<width).filter { $0 != column && !ignored.contains($0) }.count
        guard featureCount >= 1 else { throw DataError(path: table.path, message: "the file has no feature column besides the label") }
        var features: [Scalar] = [], labels: [Int] = []
        features.reserveCapacity(table.rowCount * featureCount)
        for r in 0..<table.rowCount {
            for c in 0..<width where !ignored.contains(c) || c == column {
                let v = table.values[r * width + c]
                if c == column {
                    guard v >= 0, v < Double(Int32.max), v == v.rounded() else {
                        throw DataError(path: table.path, line: table.lines[r], column: c + 1, message: "label \(v) in column '\(table.names[c])' is not a class index (an integer ≥ 0)")
                    }
                    labels.append(Int(v))
                } else {
                    features.append(Scalar(v))
                }
            }
        }
        try self.init(features: features, featureCount: featureCount, targets: labels)
    }

    /// A classification data set from the CSV file at `path` (see `init(csv:label:ignoring:)`).
    public init(csvFile path: String, header: Bool = true, label: CSVColumn, ignoring: [CSVColumn] = []) throws(DataError) {
        try self.init(csv: CSVTable(contentsOf: path, header: header), label: label, ignoring: ignoring)
    }

    /// A classification data set from `.npy` arrays: features [n][d] (or [n] for d = 1) and
    /// labels [n] of integers ≥ 0.
    public init(features: NPYArray, labels: NPYArray) throws(DataError) {
        let (n, d) = try Self.rows(features)
        guard labels.shape == [n] else { throw DataError(path: labels.path, message: "labels of shape \(labels.shape); the features need [\(n)]") }
        var classes: [Int] = []
        for (i, v) in labels.values.enumerated() {
            guard v >= 0, v < Double(Int32.max), v == v.rounded() else {
                throw DataError(path: labels.path, message: "element \(i) is \(v), not a class index (an integer ≥ 0)")
            }
            classes.append(Int(v))
        }
        try self.init(features: features.values.map { Scalar($0) }, featureCount: d, targets: classes)
    }
}

extension Dataset where Target == Scalar {
    /// A regression data set from a CSV table: the `targets` columns are the expected outputs,
    /// in that order; every other column not in `ignoring` is a feature.
    public init(csv table: CSVTable, targets: [CSVColumn], ignoring: [CSVColumn] = []) throws(DataError) {
        var columns: [Int] = [], ignored = Set<Int>()
        for t in targets { columns.append(try t.resolve(in: table)) }
        for c in ignoring { ignored.insert(try c.resolve(in: table)) }
        guard !columns.isEmpty, Set(columns).count == columns.count else { throw DataError(path: table.path, message: "name each target column once") }
        let width = table.names.count, featureColumns = (0..<width).filter { !columns.contains($0) && !ignored.contains($0) }
        guard !featureColumns.isEmpty else { throw DataError(path: table.path, message: "the file has no feature column besides the targets") }
        var features: [Scalar] = [], values: [Scalar] = []
        for r in 0..<table.rowCount {
            for c in featureColumns { features.append(Scalar(table.values[r * width + c])) }
            for c in columns { values.append(Scalar(table.values[r * width + c])) }
        }
        try self.init(features: features, featureCount: featureColumns.count, targets: values, targetsPerExample: columns.count)
    }

    /// A regression data set from the CSV file at `path` (see `init(csv:targets:ignoring:)`).
    public init(csvFile path: String, header: Bool = true, targets: [CSVColumn], ignoring: [CSVColumn] = []) throws(DataError) {
        try self.init(csv: CSVTable(contentsOf: path, header: header), targets: targets, ignoring: ignoring)
    }

    /// A regression data set from `.npy` arrays: features [n][d] (or [n]) and targets [n][k] (or [n]).
    public init(features: NPYArray, targets: NPYArray) throws(DataError) {
        let (n, d) = try Self.rows(features)
        let (m, k) = try Self.rows(targets)
        guard m == n else { throw DataError(path: targets.path, message: "\(m) rows of targets for \(n) rows of features") }
        guard targets.values.allSatisfy(\.isFinite) else { throw DataError(path: targets.path, message: "a target is NaN or infinite") }
        try self.init(features: features.values.map { Scalar($0) }, featureCount: d, targets: targets.values.map { Scalar($0) }, targetsPerExample: k)
    }
}

extension Dataset {
    /// Rows and columns of a [n] or [n][d] array.
    static func rows(_ array: NPYArray) throws(DataError) -> (Int, Int) {
        switch array.shape.count {
        case 1: return (array.shape[0], 1)
        case 2: return (array.shape[0], array.shape[1])
        default: throw DataError(path: array.path, message: "shape \(array.shape); expected [examples] or [examples][features]")
        }
    }
}

/// Per-feature standardization, x' = (x − mean) / std, fitted on training data and applied to
/// every set the model sees (training, validation, test, and inputs at inference). A feature
/// constant in the training data gets std 1 (it becomes 0).
public struct Standardization: Sendable, Equatable {
    public var mean: [Double]
    /// The standard deviation of each feature (population), 1 where it is 0.
    public var scale: [Double]

    /// The mean and standard deviation of each feature of `data`.
    public init<S, T>(fitting data: Dataset<S, T>) {
        let d = data.featureCount, n = Double(max(data.count, 1))
        var mean = [Double](repeating: 0, count: d), square = mean
        for (i, v) in data.features.enumerated() { mean[i % d] += Double(v) }
        for j in 0..<d { mean[j] /= n }
        for (i, v) in data.features.enumerated() {
            let centered = Double(v) - mean[i % d]
            square[i % d] += centered * centered
        }
        self.mean = mean
        scale = square.map { s in let std = (s / n).squareRoot(); return std > 0 ? std : 1 }
    }

    public init(mean: [Double], scale: [Double]) {
        self.mean = mean
        self.scale = scale
    }

    /// Writes the statistics as a safetensors file of their own (`mean` and `std`, float64),
    /// atomically. (`save(to:standardization:)` of a model puts them in its weights' file.)
    public func save(to path: String) throws(SafetensorsError) {
        try FileIO.writeAtomically(SafetensorsFile.encode(tensors: tensors(prefix: ""), metadata: [("format", "nngen-standardization")]), to: path)
    }

    /// Reads statistics written by `save(to:)`, or saved with a model's weights.
    public init(contentsOf path: String) throws(SafetensorsError) {
        let file = try SafetensorsFile(contentsOf: path)
        let prefix = file.entry("mean") != nil ? "" : "standardization."
        func values(_ name: String) throws(SafetensorsError) -> [Double] {
            guard let entry = file.entry(prefix + name), entry.dtype == "F64", entry.shape.count == 1 else {
                throw SafetensorsError(path: path, tensor: prefix + name, problem: .missingTensor, message: "expected a float64 vector '\(prefix + name)'")
            }
            return file.values(of: entry, count: entry.shape[0], as: Double.self)
        }
        mean = try values("mean")
        scale = try values("std")
        guard mean.count == scale.count, scale.allSatisfy({ $0 > 0 && $0.isFinite }), mean.allSatisfy(\.isFinite) else {
            throw SafetensorsError(path: path, tensor: prefix + "std", problem: .shape, message: "mean and std must be finite vectors of one length, std > 0")
        }
    }

    /// The names of the two tensors under `prefix`.
    static func tensorNames(prefix: String) -> [String] { [prefix + "mean", prefix + "std"] }

    /// The two tensors, float64, under `prefix`.
    func tensors(prefix: String) -> [(name: String, dtype: String, shape: [Int], bytes: [UInt8])] {
        [(prefix + "mean", "F64", [mean.count], Double.bytes(of: mean)), (prefix + "std", "F64", [scale.count], Double.bytes(of: scale))]
    }
}
