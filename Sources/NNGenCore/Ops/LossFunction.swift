/// Everything about one training loss, in one place: its spelling in specs, its attribute, the
/// kind of targets it takes, its formulas for comments, its value and gradient in Double (the
/// interpreter's) and the Swift kernels both are emitted as.
///
/// A loss op computes a scalar from the scores [N×C] and the targets; its pullback is one op, the
/// loss's gradient times the upstream adjoint. The definitions are in one file each
/// (`SoftmaxCrossEntropy.swift`, `Hinge.swift`, `MeanSquaredError.swift`); `all` lists them.
public struct LossFunction: Sendable {
    /// The word in specs: `loss: hinge`.
    public let name: String
    /// The numeric attribute, as in `{hinge: {margin: 2}}`.
    public let attribute: OpAttribute?
    /// True when targets are class indices (`labels: [Int]`), false for real targets.
    public let takesLabels: Bool
    /// What drawings label its op with.
    let label: String
    /// What the generated type's documentation calls it, for the attribute's value.
    let title: @Sendable (_ attribute: Double) -> String
    /// The loss's formula for comments, of the scores' name.
    let formula: @Sendable (_ scores: String, _ attribute: Double) -> String
    /// The gradient's formula for comments: `dL/ds · (softmax(s) − onehot(y)) / N`.
    let gradientFormula: @Sendable (_ scores: String, _ targets: String, _ upstream: String) -> String
    /// The loss in Double (labels as whole numbers).
    let evaluate: @Sendable (_ batch: LossBatch, _ attribute: Double) -> Double
    /// dLoss/dscores in Double, for an upstream gradient of 1.
    let gradient: @Sendable (_ batch: LossBatch, _ attribute: Double) -> [Double]
    /// The kernel computing `output[0] = loss`.
    let lossKernel: @Sendable (_ k: LossArrays, _ attribute: Double) -> [KernelStatement]
    /// The kernel computing `output = upstream · dLoss/dscores`.
    let gradientKernel: @Sendable (_ k: LossArrays, _ attribute: Double) -> [KernelStatement]
    /// Both in one pass (`output[0]` the loss, `gradient` the gradient), where that saves work;
    /// nil where the two kernels are as fast.
    let lossAndGradientKernel: (@Sendable (_ k: LossArrays, _ gradient: ValueID, _ attribute: Double) -> [KernelStatement])?
    /// True when the one-pass kernel only compares each label with class indices, never indexes by
    /// it, and so takes labels stored as `Scalar` (`LossArrays.labelsAreScalars`).
    let onePassTakesScalarLabels: Bool

    /// `upstream · rest` for comments, or `rest` alone when the upstream gradient is the literal 1.
    static func times(_ upstream: String, _ rest: String) -> String { upstream == "1" ? rest : "\(upstream) · \(rest)" }

    /// The definition called `name` in specs.
    public static func named(_ name: String) -> LossFunction? { all.first { $0.name == name } }

    /// Every loss.
    public static let all: [LossFunction] = [softmaxCrossEntropy, hinge, meanSquaredError]
}

extension LossFunction: Hashable {
    /// Definitions are told apart by name.
    public static func == (a: LossFunction, b: LossFunction) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// A loss with its attribute's value: what a network spec's `loss:` says and what a loss op computes.
public struct Loss: Sendable, Hashable, CustomStringConvertible {
    /// The loss's definition.
    public let function: LossFunction
    /// The attribute's value (0 when the loss has none).
    public let attribute: Double

    /// `function` with `attribute`, or with its default.
    public init(_ function: LossFunction, _ attribute: Double? = nil) {
        self.function = function
        self.attribute = attribute ?? function.attribute?.defaultValue ?? 0
    }

    /// True when targets are class indices.
    public var takesLabels: Bool { function.takesLabels }
    /// `softmax cross-entropy`, `multiclass hinge, margin 1.0`.
    public var title: String { function.title(attribute) }
    public var description: String { function.name }
}

/// One batch as the interpreter evaluates a loss: scores and targets, row-major.
struct LossBatch {
    let scores: [Double]
    /// Class indices (as whole numbers) or real targets.
    let targets: [Double]
    let rows: Int, columns: Int

    /// The class index of row `i`.
    func label(_ i: Int) -> Int { Int(targets[i]) }
    /// Row `i` of the scores.
    func row(_ i: Int) -> ArraySlice<Double> { scores[i * columns..<(i + 1) * columns] }
}

/// The values a loss kernel works on, their sizes and layout, and how it calls the math library.
struct LossArrays {
    let scores: ValueID, targets: ValueID
    var output: ValueID
    /// The upstream adjoint (gradient kernels only): a literal or a scalar value.
    let upstream: SwiftExpression
    /// N and C.
    let rows: Int, columns: Int
    /// The spelling of the kernel's own locals and counters.
    let local: (String) -> String
    /// Where element (i, j) of the scores and of the gradient is: at i·rowStride + j·columnStride.
    /// Row-major (C, 1) in the planned graph; the fused hidden-layer step keeps them transposed
    /// (1, padded N) so that a vector holds one class of consecutive examples. Real targets (mean
    /// squared error) are always row-major.
    var rowStride: Int, columnStride: Int = 1
    /// libm's exp and log, or the vectorizable `FastMath` ones.
    var math = SwiftMath(fast: false)
    /// Where a one-pass kernel stores each example's loss before summing them (so that its loop
    /// over examples has no running total and vectorizes), or nil to keep a running total.
    var exampleLosses: ValueID? = nil
    /// True when the targets are class indices stored as `Scalar` (whole numbers, exact below 2²⁴
    /// in Float) instead of `Int`, for a kernel that only compares them (`onePassTakesScalarLabels`).
    /// Compared as `Scalar(j) == label`, they keep a loop over examples at the vector width of
    /// `Scalar`: with 64-bit `Int` labels LLVM vectorized the spiral's loss pass 4 Floats wide,
    /// not 8 (the spiral's step: 16.0 µs, 15.15 with Scalar labels).
    var labelsAreScalars = false

    init(scores: ValueID, targets: ValueID, output: ValueID, upstream: SwiftExpression, rows: Int, columns: Int,
         local: @escaping (String) -> String) {
        (self.scores, self.targets, self.output, self.upstream) = (scores, targets, output, upstream)
        (self.rows, self.columns, self.local) = (rows, columns, local)
        rowStride = columns
    }

    /// True for the row-major layout.
    var isRowMajor: Bool { rowStride == columns && columnStride == 1 }
    /// The index of example `i`'s first score: `i · rowStride`.
    func rowStart(_ i: SwiftExpression) -> SwiftExpression { .index(i, stride: rowStride, plus: .int(0)) }
    /// The index of score j of the example whose first score is at `row`.
    func at(_ row: SwiftExpression, _ j: SwiftExpression) -> SwiftExpression {
        if j == .int(0) { return row }
        return columnStride == 1 ? row + j : row + j * .int(columnStride)
    }
    /// Score j of the example whose first score is at `row`.
    func score(_ row: SwiftExpression, _ j: SwiftExpression) -> SwiftExpression { score(at(row, j)) }

    /// Element `index` of the scores.
    func score(_ index: SwiftExpression) -> SwiftExpression { .element(scores, index) }
    /// Element `index` of the targets (a class index for label losses).
    func target(_ index: SwiftExpression) -> SwiftExpression { .element(targets, index) }
    /// A local of the kernel, as an expression.
    func name(_ name: String) -> SwiftExpression { .atom(local(name)) }
    /// `for counter in 0..<count { body }` with the counter spelled as a local.
    func loop(_ counter: String, _ count: Int, _ body: [KernelStatement]) -> KernelStatement { .loop(local(counter), count, body) }
    /// `output[0] = value`.
    func result(_ value: SwiftExpression) -> KernelStatement { .store(output, nil, value) }
    /// `upstream · numerator / denominator` as one scale factor, without a multiplication by 1.
    func scale(_ numerator: Double, over denominator: Int) -> SwiftExpression {
        let top: SwiftExpression = upstream == .literal(1) ? .literal(numerator) : (numerator == 1 ? upstream : .literal(numerator) * upstream)
        return top / .int(denominator)
    }
}
