/// `C[m×n] = op(A)·op(B)` where op transposes when asked; a vector operand is an n×1 column.
public struct MatmulShape: Hashable, Sendable {
    public var m: Int, k: Int, n: Int
    /// A is stored `[k][m]` and used transposed.
    public var transposeA: Bool
    /// B is stored `[n][k]` and used transposed.
    public var transposeB: Bool
}

/// What an op computes. Elementwise functions are defined in `Ops/` (each function in one place);
/// the other ops' forward semantics are implemented twice, independently, in `Interpreter` and in
/// the emitters' kernels, and their shapes and pullbacks are in `OpRules`.
public enum OpKind: Hashable, Sendable {
    case unary(UnaryFunction)
    case binary(BinaryFunction)
    /// `mask ≠ 0 ? a : b`, elementwise (inputs: mask, a, b).
    case select
    case matmul(MatmulShape)
    /// `[rows×cols]` to `[cols×rows]`.
    case transpose(rows: Int, cols: Int)
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
    /// `(1/N) Σ_i −log softmax(s_i)[y_i]`, inputs: scores [N×C], labels.
    case softmaxCrossEntropy
    /// `dL · (softmax(s) − onehot(y)) / N`, inputs: scores, labels, dL.
    case softmaxCrossEntropyGradient
    /// `(1/N) Σ_i Σ_{j≠y_i} max(0, s_ij − s_iy + Δ)`, inputs: scores, labels.
    case hinge(margin: Double)
    /// `dL/N · (1[margin_ij > 0] − [j = y_i] Σ_k 1[margin_ik > 0])`, inputs: scores, labels, dL.
    case hingeGradient(margin: Double)
    /// `(1/(N·C)) Σ (s − t)²`, inputs: scores, targets.
    case meanSquaredError
    /// `dL · 2(s − t)/(N·C)`, inputs: scores, targets, dL.
    case meanSquaredErrorGradient

    /// True for ops computed independently per element (candidates for fusion and unrolling).
    public var isElementwise: Bool {
        switch self {
        case .unary, .binary, .select, .copy: return true
        default: return false
        }
    }
}
