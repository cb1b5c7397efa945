/// When an op is written as straight-line code instead of loops, for both forms: when the scalar
/// operations it performs are at most `limit` (`nngen --unroll-limit`, measured in
/// `Scripts/measure_unroll.sh`). Losses index by labels, and image ops call their helpers, so
/// they always loop.
struct UnrollPolicy: Sendable {
    let limit: Int

    /// Scalar operations an op performs: multiply-adds for a product, elements otherwise.
    func work(_ op: Op, in graph: Graph) -> Int {
        switch op.kind {
        case .matmul(let s): return s.m * s.n * s.k
        case .loss, .lossGradient, .im2col, .col2im, .convolution, .convolutionFilterGradient, .pool, .poolGradient, .batchStatistics, .normalize, .normalizeGradient: return Int.max
        default: return max(graph[op.output].shape.count, op.inputs.map { graph[$0].shape.count }.max() ?? 0)
        }
    }

    /// True when `op` is emitted as straight-line code.
    func unrolls(_ op: Op, in graph: Graph) -> Bool { work(op, in: graph) <= limit }
}
