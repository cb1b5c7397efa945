/// Batch normalization in training, as three ops on a matrix `x [rows × channels]` (an image in
/// NHWC, `rows` = batch·height·width, or a batch of feature vectors, `rows` = batch):
///
/// - `batchStatistics(x)` → `[2 × channels]`: each channel's mean μ over the rows, then its biased
///   variance σ² = Σ (x − μ)² / rows (what PyTorch normalizes by in training);
/// - `normalize(x, statistics)` → x̂ = (x − μ) / √(σ² + ε), channel by channel;
/// - `normalizeGradient(x, statistics, dx̂)` → dx, normalize's pullback.
///
/// The layer's scale and shift (`y = γ·x̂ + β`) and the inference form (running statistics in
/// place of the batch's) are plain broadcast products and sums in the lowering.
///
/// normalize's `statistics` input is always `batchStatistics` of its `x`: its pullback to `x` is
/// the total derivative, through the statistics as well, so the statistics receive no adjoint of
/// their own (see `pullback`).
///
/// This file defines the three ops: their values in Double (the interpreter's), their emitted
/// helpers, and the pullback.
public struct BatchNormalization: Hashable, Sendable {
    /// Values each channel's statistics are taken over.
    public var rows: Int
    public var channels: Int
    /// ε of `√(σ² + ε)`.
    public var epsilon: Double

    /// `[2 × channels]`: the means, then the biased variances.
    var statisticsShape: Shape { Shape([2, channels]) }

    // MARK: Values in Double

    /// The means, then the biased variances, of each channel (two passes: the variance sums
    /// squares of centered values, so no cancellation).
    func evaluateStatistics(_ x: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: 2 * channels)
        for c in 0..<channels {
            var sum = 0.0
            for r in 0..<rows { sum += x[r * channels + c] }
            let mean = sum / Double(rows)
            var squares = 0.0
            for r in 0..<rows { squares += (x[r * channels + c] - mean) * (x[r * channels + c] - mean) }
            result[c] = mean
            result[channels + c] = squares / Double(rows)
        }
        return result
    }

    /// x̂ = (x − μ) / √(σ² + ε).
    func evaluateNormalized(_ x: [Double], statistics: [Double]) -> [Double] {
        (0..<rows * channels).map { i in
            let c = i % channels
            return (x[i] - statistics[c]) / (statistics[channels + c] + epsilon).squareRoot()
        }
    }

    /// dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ² + ε), the means over each channel's rows.
    func evaluateGradient(_ x: [Double], statistics: [Double], upstream: [Double]) -> [Double] {
        let normalized = evaluateNormalized(x, statistics: statistics)
        var dx = [Double](repeating: 0, count: rows * channels)
        for c in 0..<channels {
            var sum = 0.0, projection = 0.0
            for r in 0..<rows {
                sum += upstream[r * channels + c]
                projection += upstream[r * channels + c] * normalized[r * channels + c]
            }
            let (meanUpstream, meanProjection) = (sum / Double(rows), projection / Double(rows))
            let inverse = 1 / (statistics[channels + c] + epsilon).squareRoot()
            for r in 0..<rows {
                let i = r * channels + c
                dx[i] = inverse * (upstream[i] - meanUpstream - normalized[i] * meanProjection)
            }
        }
        return dx
    }

    // MARK: The pullback

    /// x̂ = (x − μ)/s with s = √(σ² + ε), μ = Σx/R and σ² = Σ(x − μ)²/R over a channel's R rows.
    /// Then ∂μ/∂xⱼ = 1/R, ∂σ²/∂xⱼ = 2(xⱼ − μ)/R, and
    ///   ∂x̂ᵢ/∂xⱼ = (δᵢⱼ − 1/R)/s − (xᵢ − μ)(xⱼ − μ)/(R·s³) = (δᵢⱼ − 1/R − x̂ᵢx̂ⱼ/R)/s,
    /// so dxⱼ = Σᵢ dx̂ᵢ ∂x̂ᵢ/∂xⱼ = (dx̂ⱼ − mean(dx̂) − x̂ⱼ·mean(dx̂·x̂))/s: the total derivative,
    /// through the statistics. The statistics input gets no adjoint (it is x's own).
    func pullback(_ x: ValueID, _ statistics: ValueID, _ dy: ValueID, _ b: inout GraphBuilder, dyText: String, dxText: String, dxName: String) -> [ValueID?] {
        let dx = b.op(.normalizeGradient(self), [x, statistics, dy], name: dxName, shape: b.shape(x),
                      comment: "\(dxText) = (\(dyText) − mean(\(dyText)) − x̂·mean(\(dyText)·x̂)) / √(σ² + ε), per channel, through the batch statistics")
        return [dx, nil]
    }

    // MARK: Emitted helpers

    /// The emitted helpers, in the order they are emitted.
    static let helperNames = ["batchStatistics", "batchNormalize", "batchNormalizeGradient"]

    /// `rows, channels` (and ε for the helpers that take it), as a call's arguments.
    var helperArguments: [KernelArgument] { [.int(rows), .int(channels)] }

    /// Emits the helper named `name` (one of `helperNames`). The channels are walked one at a time,
    /// each over its rows with sums in Double: no scratch, and Float sums of 36,864 values stay exact
    /// to Float's precision.
    static func emitHelper(_ name: String, _ w: inout CodeWriter) {
        let matrix = "_ rows: Int, _ channels: Int"
        switch name {
        case "batchStatistics":
            w.doc("Each channel's mean over the rows of `x` [rows][channels] into `statistics[c]`, then its biased",
                  "variance (Σ (x − μ)² / rows) into `statistics[channels + c]`.")
            w.line("@inline(__always)")
            w.block("static func batchStatistics(_ x: UnsafePointer<Scalar>, _ statistics: UnsafeMutablePointer<Scalar>, \(matrix)) {") { w in
                w.block("for c in 0..<channels {") { w in
                    w.line("var sum: Double = 0")
                    w.line("for r in 0..<rows { sum += Double(x[r * channels + c]) }")
                    w.line("let mean = sum / Double(rows)")
                    w.line("var squares: Double = 0")
                    w.block("for r in 0..<rows {") { w in
                        w.line("let centered = Double(x[r * channels + c]) - mean")
                        w.line("squares += centered * centered")
                    }
                    w.line("statistics[c] = Scalar(mean)")
                    w.line("statistics[channels + c] = Scalar(squares / Double(rows))")
                }
            }
        case "batchNormalize":
            w.doc("x̂ = (x − μ) / √(σ² + ε) for each channel, with μ and σ² from `batchStatistics`.")
            w.line("@inline(__always)")
            w.block("static func batchNormalize(_ x: UnsafePointer<Scalar>, _ statistics: UnsafePointer<Scalar>, _ normalized: UnsafeMutablePointer<Scalar>, \(matrix), _ epsilon: Scalar) {") { w in
                w.block("for r in 0..<rows {") { w in
                    w.block("for c in 0..<channels {") { w in
                        w.line("normalized[r * channels + c] = (x[r * channels + c] - statistics[c]) / (statistics[channels + c] + epsilon).squareRoot()")
                    }
                }
            }
        default:
            w.doc("The gradient of `batchNormalize` through the batch statistics: for each channel,",
                  "dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) / √(σ² + ε), the means over the rows.")
            w.line("@inline(__always)")
            w.block("static func batchNormalizeGradient(_ x: UnsafePointer<Scalar>, _ statistics: UnsafePointer<Scalar>, _ upstream: UnsafePointer<Scalar>, _ gradient: UnsafeMutablePointer<Scalar>, \(matrix), _ epsilon: Scalar) {") { w in
                w.block("for c in 0..<channels {") { w in
                    w.line("let mean = statistics[c], inverse = 1 / (statistics[channels + c] + epsilon).squareRoot()")
                    w.line("var sum: Double = 0, projection: Double = 0")
                    w.block("for r in 0..<rows {") { w in
                        w.line("let i = r * channels + c")
                        w.line("sum += Double(upstream[i])")
                        w.line("projection += Double(upstream[i] * (x[i] - mean) * inverse)")
                    }
                    w.line("let meanUpstream = Scalar(sum / Double(rows)), meanProjection = Scalar(projection / Double(rows))")
                    w.block("for r in 0..<rows {") { w in
                        w.line("let i = r * channels + c")
                        w.line("gradient[i] = inverse * (upstream[i] - meanUpstream - (x[i] - mean) * inverse * meanProjection)")
                    }
                }
            }
        }
    }
}
