import Foundation

extension LossFunction {
    /// L = (1/N) Σᵢ −log softmax(sᵢ)[yᵢ] = (1/N) Σᵢ (logΣⱼ exp(sᵢⱼ) − sᵢ,yᵢ);
    /// dL/dsᵢⱼ = (softmax(sᵢ)ⱼ − [j = yᵢ]) / N. Both subtract the row maximum first (log-sum-exp).
    static let softmaxCrossEntropy: LossFunction = LossFunction(
        name: "softmax_cross_entropy", attribute: nil, takesLabels: true,
        label: "softmax cross-entropy", title: { _ in "softmax cross-entropy" },
        formula: { s, _ in "mean over the batch of −log softmax(\(s))[y]" },
        gradientFormula: { s, y, dy in times(dy, "(softmax(\(s)) − onehot(\(y))) / N") },
        evaluate: { batch, _ in
            (0..<batch.rows).reduce(0.0) { total, i in total + logSumExp(batch.row(i)) - batch.scores[i * batch.columns + batch.label(i)] } / Double(batch.rows)
        },
        gradient: { batch, _ in
            var out = [Double](repeating: 0, count: batch.scores.count)
            for i in 0..<batch.rows {
                let lse = logSumExp(batch.row(i))
                for j in 0..<batch.columns {
                    let p = Foundation.exp(batch.scores[i * batch.columns + j] - lse)
                    out[i * batch.columns + j] = (p - (j == batch.label(i) ? 1 : 0)) / Double(batch.rows)
                }
            }
            return out
        },
        emitLoss: { k, _, w in
            w.line("var total: Scalar = 0")
            w.block("for i in 0..<\(k.rows) {") { w in
                rowLogSumExp(k, &w)
                w.line("total += largest + log(sumExp) - \(k.scores)[row + \(k.targets)[i]]")
            }
            w.line("\(k.output)[0] = total / \(k.rows)")
        },
        emitGradient: { k, _, w in
            w.line("let scale: Scalar = \(k.upstream) / \(k.rows)")
            w.block("for i in 0..<\(k.rows) {") { w in
                rowLogSumExp(k, &w)
                w.line("let label = \(k.targets)[i]")
                w.block("for j in 0..<\(k.columns) {") { w in
                    w.line("let probability = exp(\(k.scores)[row + j] - largest) / sumExp")
                    w.line("\(k.output)[row + j] = scale * (probability - (j == label ? 1 : 0))")
                }
            }
        },
        // One pass: each exp is computed once and kept in the gradient's row until the sum is known.
        emitLossAndGradient: { k, d, _, w in
            let (s, columns) = (k.scores, k.columns)
            w.line("let scale: Scalar = \(k.upstream) / \(k.rows)")
            w.line("var total: Scalar = 0")
            w.block("for i in 0..<\(k.rows) {") { w in
                w.line("let row = i * \(columns)")
                rowMaximum(k, &w)
                w.line("var sumExp: Scalar = 0")
                w.block("for j in 0..<\(columns) {") { w in
                    w.line("let e = exp(\(s)[row + j] - largest)")
                    w.line("\(d)[row + j] = e")
                    w.line("sumExp += e")
                }
                w.line("let label = \(k.targets)[i]")
                w.line("total += largest + log(sumExp) - \(s)[row + label]")
                w.line("let share = scale / sumExp")
                w.block("for j in 0..<\(columns) {") { w in w.line("\(d)[row + j] *= share") }
                w.line("\(d)[row + label] -= scale")
            }
            w.line("\(k.output)[0] = total / \(k.rows)")
        })

    /// log Σ exp(row), with the maximum subtracted first.
    private static func logSumExp(_ row: ArraySlice<Double>) -> Double {
        let m = row.max()!
        return m + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) })
    }

    /// Declares `largest`, the maximum of row `row` of the scores.
    private static func rowMaximum(_ k: LossKernel, _ w: inout CodeWriter) {
        w.line("var largest = \(k.scores)[row]")
        if k.columns > 1 {
            w.block("for j in 1..<\(k.columns) where \(k.scores)[row + j] > largest {") { w in w.line("largest = \(k.scores)[row + j]") }
        }
    }

    /// Declares `row`, `largest` and `sumExp` = Σⱼ exp(s_row+j − largest) for example `i`.
    private static func rowLogSumExp(_ k: LossKernel, _ w: inout CodeWriter) {
        w.line("let row = i * \(k.columns)")
        rowMaximum(k, &w)
        w.line("var sumExp: Scalar = 0")
        w.block("for j in 0..<\(k.columns) {") { w in w.line("sumExp += exp(\(k.scores)[row + j] - largest)") }
    }
}
