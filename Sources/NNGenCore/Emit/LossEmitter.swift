/// Emits the loss ops and their fused gradients as loops over the rows of the score matrix.
/// Labels were checked to be in `0..<columns` before any emitted function runs.
struct LossEmitter {
    let rows: Int, columns: Int

    /// `inputs`: scores and labels (or targets) as array names, then for gradients the upstream
    /// scalar as an expression.
    func emit(_ kind: OpKind, out: String, inputs x: [String], _ w: inout CodeWriter) {
        let (s, n, c) = (x[0], rows, columns)
        switch kind {
        case .softmaxCrossEntropy:
            // −log softmax(s)[y] = logΣexp(s) − s_y, with the row maximum subtracted first (log-sum-exp).
            w.line("var total: Scalar = 0")
            w.block("for i in 0..<\(n) {") { w in
                rowLogSumExp(s, &w)
                w.line("total += largest + log(sumExp) - \(s)[row + \(x[1])[i]]")
            }
            w.line("\(out)[0] = total / \(n)")
        case .softmaxCrossEntropyGradient:
            w.line("let scale: Scalar = \(x[2]) / \(n)")
            w.block("for i in 0..<\(n) {") { w in
                rowLogSumExp(s, &w)
                w.line("let label = \(x[1])[i]")
                w.block("for j in 0..<\(c) {") { w in
                    w.line("let probability = exp(\(s)[row + j] - largest) / sumExp")
                    w.line("\(out)[row + j] = scale * (probability - (j == label ? 1 : 0))")
                }
            }
        case .hinge(let margin):
            let delta = SwiftLiteral.real(margin)
            w.line("var total: Scalar = 0")
            w.block("for i in 0..<\(n) {") { w in
                w.line("let row = i * \(c), label = \(x[1])[i]")
                w.line("let correct = \(s)[row + label]")
                w.block("for j in 0..<\(c) where j != label {") { w in
                    w.line("total += max(0, \(s)[row + j] - correct + \(delta))")
                }
            }
            w.line("\(out)[0] = total / \(n)")
        case .hingeGradient(let margin):
            let delta = SwiftLiteral.real(margin)
            w.line("let scale: Scalar = \(x[2]) / \(n)")
            w.block("for i in 0..<\(n) {") { w in
                w.line("let row = i * \(c), label = \(x[1])[i]")
                w.line("let correct = \(s)[row + label]")
                w.line("var violations: Scalar = 0")
                w.block("for j in 0..<\(c) {") { w in
                    w.line("let violated = j != label && \(s)[row + j] - correct + \(delta) > 0")
                    w.line("\(out)[row + j] = violated ? scale : 0")
                    w.line("violations += violated ? 1 : 0")
                }
                w.line("\(out)[row + label] = -scale * violations")
            }
        case .meanSquaredError:
            w.line("var total: Scalar = 0")
            w.block("for i in 0..<\(n * c) {") { w in
                w.line("let difference = \(s)[i] - \(x[1])[i]")
                w.line("total += difference * difference")
            }
            w.line("\(out)[0] = total / \(n * c)")
        case .meanSquaredErrorGradient:
            w.line("let scale: Scalar = 2 * \(x[2]) / \(n * c)")
            w.block("for i in 0..<\(n * c) {") { w in w.line("\(out)[i] = scale * (\(s)[i] - \(x[1])[i])") }
        default:
            preconditionFailure("not a loss op")
        }
    }

    /// The loss `(1/N) Σ −log softmax(s)[y]` and its gradient `upstream · (softmax(s) − onehot(y))/N`
    /// in one pass: each exp is computed once and kept in the gradient's row until the sum is known.
    func emitSoftmaxCrossEntropyAndGradient(loss: String, gradient d: String, scores s: String, labels y: String,
                                            upstream: String, _ w: inout CodeWriter) {
        w.line("let scale: Scalar = \(upstream) / \(rows)")
        w.line("var total: Scalar = 0")
        w.block("for i in 0..<\(rows) {") { w in
            w.line("let row = i * \(columns)")
            w.line("var largest = \(s)[row]")
            if columns > 1 {
                w.block("for j in 1..<\(columns) where \(s)[row + j] > largest {") { w in w.line("largest = \(s)[row + j]") }
            }
            w.line("var sumExp: Scalar = 0")
            w.block("for j in 0..<\(columns) {") { w in
                w.line("let e = exp(\(s)[row + j] - largest)")
                w.line("\(d)[row + j] = e")
                w.line("sumExp += e")
            }
            w.line("let label = \(y)[i]")
            w.line("total += largest + log(sumExp) - \(s)[row + label]")
            w.line("let share = scale / sumExp")
            w.block("for j in 0..<\(columns) {") { w in w.line("\(d)[row + j] *= share") }
            w.line("\(d)[row + label] -= scale")
        }
        w.line("\(loss)[0] = total / \(rows)")
    }

    /// Declares `row`, `largest` (the row maximum) and `sumExp` = Σ_j exp(s_j − largest).
    private func rowLogSumExp(_ s: String, _ w: inout CodeWriter) {
        w.line("let row = i * \(columns)")
        w.line("var largest = \(s)[row]")
        if columns > 1 {
            w.block("for j in 1..<\(columns) where \(s)[row + j] > largest {") { w in w.line("largest = \(s)[row + j]") }
        }
        w.line("var sumExp: Scalar = 0")
        w.block("for j in 0..<\(columns) {") { w in w.line("sumExp += exp(\(s)[row + j] - largest)") }
    }
}
