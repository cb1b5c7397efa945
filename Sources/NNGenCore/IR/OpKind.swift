/// `C[m×n] = op(A)·op(B)` where op transposes when asked; a vector operand is an n×1 column.
public struct MatmulShape: Hashable, Sendable {
    public var m: Int, k: Int, n: Int
    /// A is stored `[k][m]` and used transposed.
    public var transposeA: Bool
    /// B is stored `[n][k]` and used transposed.
    public var transposeB: Bool
}

/// What an op computes. Elementwise functions and the image ops (`Convolution`, `Pooling`) are
/// defined in `Ops/` (each in one place: its value in Double, its Swift, its pullback); the other
/// ops' forward semantics are implemented twice, independently, in `Interpreter` and in the
/// emitters' kernels, and their shapes and pullbacks are in `OpRules`.
public enum OpKind: Hashable, Sendable {
    case unary(UnaryFunction)
    case binary(BinaryFunction)
    /// `mask ≠ 0 ? a : b`, elementwise (inputs: mask, a, b).
    case select
    case matmul(MatmulShape)
    /// `[rows×cols]` to `[cols×rows]`, for each of `count` consecutive matrices (an image's
    /// NHWC to NCHW is `count: batch, rows: height·width, cols: channels`).
    case transpose(count: Int, rows: Int, cols: Int)
    /// The windows of a batch of images as rows, `[positions × channels·kh·kw]` (`Convolution`).
    case im2col(WindowGeometry)
    /// im2col's adjoint: the rows added back into the images they were copied from (`Convolution`).
    case col2im(WindowGeometry)
    /// A convolution of single-channel images with stride 1, straight from the images (inputs:
    /// x, W `[F][1][kh][kw]`), to `[positions × F]` NHWC (`DirectConvolution`).
    case convolution(DirectConvolution)
    /// Its filter gradient `[F][1][kh][kw]` (inputs: x, dy) (`DirectConvolution`).
    case convolutionFilterGradient(DirectConvolution)
    /// Max or average pooling to an NHWC image (`Pooling`).
    case pool(Pooling)
    /// Pooling's input gradient (inputs: x and dy for the maximum, dy for the mean).
    case poolGradient(Pooling)
    /// Each channel's mean and biased variance over the rows, `[2 × channels]` (`BatchNormalization`).
    case batchStatistics(BatchNormalization)
    /// (x − μ)/√(σ² + ε) per channel (inputs: x, its `batchStatistics`) (`BatchNormalization`).
    case normalize(BatchNormalization)
    /// normalize's input gradient through the statistics (inputs: x, statistics, dx̂).
    case normalizeGradient(BatchNormalization)
    /// Σ x, to a scalar.
    case sum
    /// Σ x / count, to a scalar.
    case mean
    /// Σ x², to a scalar.
    case sumSquares
    /// Σ aᵢ·bᵢ of two vectors, to a scalar.
    case dot
    /// Sums the leading axes away, to the output's (trailing) shape: the adjoint of broadcasting.
    case sumToShape
    /// A plain copy.
    case copy
    /// A training loss of the scores [N×C] and the targets (inputs: scores, labels or targets).
    case loss(Loss)
    /// The loss's gradient with respect to the scores, times the upstream adjoint (inputs: scores,
    /// labels or targets, dL).
    case lossGradient(Loss)

    /// True for ops computed independently per element (candidates for fusion and unrolling).
    public var isElementwise: Bool {
        switch self {
        case .unary, .binary, .select, .copy: return true
        default: return false
        }
    }
}
