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
        // Flat loops over N·C elements: scores and targets must both be row-major.
        lossKernel: { k, _ in
            precondition(k.isRowMajor, "mean squared error runs over row-major scores")
            let (i, difference, count) = (k.name("i"), k.name("difference"), k.rows * k.columns)
            return [
                .scalar(k.local("total"), .int(0), mutable: true),
                k.loop("i", count, [
                    .named(k.local("difference"), k.score(i) - k.target(i)),
                    .update(name: k.local("total"), op: .add, value: difference * difference),
                ]),
                k.result(k.name("total") / .int(count)),
            ]
        },
        gradientKernel: { k, _ in
            precondition(k.isRowMajor, "mean squared error runs over row-major scores")
            let (i, count) = (k.name("i"), k.rows * k.columns)
            return [
                .scalar(k.local("scale"), k.scale(2, over: count)),
                k.loop("i", count, [.store(k.output, i, k.name("scale") * (k.score(i) - k.target(i)))]),
            ]
        },
        lossAndGradientKernel: nil, onePassTakesScalarLabels: false)
}
