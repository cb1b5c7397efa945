extension LossFunction {
    /// L = (1/(N·C)) Σᵢⱼ (sᵢⱼ − tᵢⱼ)²;  dL/dsᵢⱼ = 2(sᵢⱼ − tᵢⱼ)/(N·C).
    static let meanSquaredError: LossFunction = LossFunction(
        name: "mean_squared_error", attribute: nil, takesLabels: false,
        label: "mean squared error", title: { _ in "mean squared error" },
        formula: { s, _ in "mean of (\(s) − t)²" },
        gradientFormula: { s, t, dy in times(dy, "2(\(s) − \(t))/(N·C)") },
        evaluate: { batch, _ in
            zip(batch.scores, batch.targets).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(batch.scores.count)
        },
        gradient: { batch, _ in
            let scale = 2 / Double(batch.scores.count)
            return zip(batch.scores, batch.targets).map { scale * ($0 - $1) }
        },
        emitLoss: { k, _, w in
            w.line("var total: Scalar = 0")
            w.block("for i in 0..<\(k.rows * k.columns) {") { w in
                w.line("let difference = \(k.scores)[i] - \(k.targets)[i]")
                w.line("total += difference * difference")
            }
            w.line("\(k.output)[0] = total / \(k.rows * k.columns)")
        },
        emitGradient: { k, _, w in
            w.line("let scale: Scalar = \(k.upstream == "1" ? "2" : "2 * \(k.upstream)") / \(k.rows * k.columns)")
            w.block("for i in 0..<\(k.rows * k.columns) {") { w in w.line("\(k.output)[i] = scale * (\(k.scores)[i] - \(k.targets)[i])") }
        },
        emitLossAndGradient: nil)
}
