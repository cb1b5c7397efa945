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
        lossKernel: { k, margin in
            let (row, j, label) = (k.name("row"), k.name("j"), k.name("label"))
            return [
                .scalar(k.local("total"), .int(0), mutable: true),
                k.loop("i", k.rows, exampleRow(k) + [
                    .loop(counter: k.local("j"), lower: 0, upper: k.columns, filter: .infix(j, .notEqual, label), body: [
                        .update(name: k.local("total"), op: .add,
                                value: .call("max", [.int(0), k.score(row, j) - k.name("correct") + .literal(margin)])),
                    ]),
                ]),
                k.result(k.name("total") / .int(k.rows)),
            ]
        },
        gradientKernel: { k, margin in
            let (row, j, label, scale, violated) = (k.name("row"), k.name("j"), k.name("label"), k.name("scale"), k.name("violated"))
            return [
                .scalar(k.local("scale"), k.scale(1, over: k.rows)),
                k.loop("i", k.rows, exampleRow(k) + [
                    .scalar(k.local("violations"), .int(0), mutable: true),
                    k.loop("j", k.columns, [
                        .named(k.local("violated"), .infix(.infix(j, .notEqual, label), .and,
                                                          .infix(k.score(row, j) - k.name("correct") + .literal(margin), .greater, .int(0)))),
                        .store(k.output, index: k.at(row, j), op: .set, value: .conditional(violated, scale, .int(0))),
                        .update(name: k.local("violations"), op: .add, value: .conditional(violated, .int(1), .int(0))),
                    ]),
                    .store(k.output, index: k.at(row, label), op: .set, value: .negate(scale) * k.name("violations")),
                ]),
            ]
        },
        lossAndGradientKernel: nil, onePassTakesScalarLabels: false)

    /// `row`, `label` and `correct`, the score of the true class, for example `i`.
    private static func exampleRow(_ k: LossArrays) -> [KernelStatement] {
        [
            .named(k.local("row"), k.rowStart(k.name("i"))),
            .named(k.local("label"), k.target(k.name("i"))),
            .named(k.local("correct"), k.score(k.name("row"), k.name("label"))),
        ]
    }
}
