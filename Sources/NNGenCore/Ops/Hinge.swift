extension LossFunction {
    /// The multiclass SVM loss: L = (1/N) Σᵢ Σ_{j≠yᵢ} max(0, mᵢⱼ), mᵢⱼ = sᵢⱼ − sᵢ,yᵢ + Δ;
    /// dL/dsᵢⱼ = (1[mᵢⱼ > 0] − [j = yᵢ]·Σₖ 1[mᵢₖ > 0]) / N (a margin of exactly 0 is no violation).
    static let hinge: LossFunction = LossFunction(
        name: "hinge", attribute: OpAttribute(name: "margin", defaultValue: 1, rule: .positive), takesLabels: true,
        label: "hinge", title: { margin in "multiclass hinge, margin \(margin)" },
        formula: { s, margin in "(1/N) Σ_i Σ_{j≠y_i} max(0, \(s)_ij − \(s)_iy + \(margin))" },
        gradientFormula: { _, _, dy in "\(dy)/N · (1 where margin > 0, minus their count at the true class)" },
        evaluate: { batch, margin in
            var total = 0.0
            for i in 0..<batch.rows {
                let correct = batch.scores[i * batch.columns + batch.label(i)]
                for j in 0..<batch.columns where j != batch.label(i) { total += Swift.max(0, batch.scores[i * batch.columns + j] - correct + margin) }
            }
            return total / Double(batch.rows)
        },
        gradient: { batch, margin in
            let share = 1 / Double(batch.rows)
            var out = [Double](repeating: 0, count: batch.scores.count)
            for i in 0..<batch.rows {
                let label = batch.label(i), correct = batch.scores[i * batch.columns + label]
                for j in 0..<batch.columns where j != label && batch.scores[i * batch.columns + j] - correct + margin > 0 {
                    out[i * batch.columns + j] += share
                    out[i * batch.columns + label] -= share
                }
            }
            return out
        },
        emitLoss: { k, margin, w in
            w.line("var total: Scalar = 0")
            w.block("for i in 0..<\(k.rows) {") { w in
                w.line("let row = i * \(k.columns), label = \(k.targets)[i]")
                w.line("let correct = \(k.scores)[row + label]")
                w.block("for j in 0..<\(k.columns) where j != label {") { w in
                    w.line("total += max(0, \(k.scores)[row + j] - correct + \(SwiftLiteral.real(margin)))")
                }
            }
            w.line("\(k.output)[0] = total / \(k.rows)")
        },
        emitGradient: { k, margin, w in
            w.line("let scale: Scalar = \(k.upstream) / \(k.rows)")
            w.block("for i in 0..<\(k.rows) {") { w in
                w.line("let row = i * \(k.columns), label = \(k.targets)[i]")
                w.line("let correct = \(k.scores)[row + label]")
                w.line("var violations: Scalar = 0")
                w.block("for j in 0..<\(k.columns) {") { w in
                    w.line("let violated = j != label && \(k.scores)[row + j] - correct + \(SwiftLiteral.real(margin)) > 0")
                    w.line("\(k.output)[row + j] = violated ? scale : 0")
                    w.line("violations += violated ? 1 : 0")
                }
                w.line("\(k.output)[row + label] = -scale * violations")
            }
        },
        emitLossAndGradient: nil)
}
