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
        lossKernel: { k, _ in
            let (total, row, i) = (k.name("total"), k.name("row"), k.name("i"))
            return [
                .scalar(k.local("total"), .int(0), mutable: true),
                k.loop("i", k.rows, rowLogSumExp(k) + [
                    .update(name: k.local("total"), op: .add,
                            value: k.name("largest") + .call("log", [k.name("sumExp")]) - k.score(row + k.target(i))),
                ]),
                k.result(total / .int(k.rows)),
            ]
        },
        gradientKernel: { k, _ in
            let (row, j, label) = (k.name("row"), k.name("j"), k.name("label"))
            let probability = SwiftExpression.call("exp", [k.score(row + j) - k.name("largest")]) / k.name("sumExp")
            let onehot = SwiftExpression.conditional(.infix(j, .equal, label), .literal(1), .literal(0))
            return [
                .scalar(k.local("scale"), k.scale(1, over: k.rows)),
                k.loop("i", k.rows, rowLogSumExp(k) + [
                    .named(k.local("label"), k.target(k.name("i"))),
                    k.loop("j", k.columns, [
                        .named(k.local("probability"), probability),
                        .store(k.output, index: row + j, op: .set, value: k.name("scale") * (k.name("probability") - onehot)),
                    ]),
                ]),
            ]
        },
        // One pass: each exp is computed once and kept in the gradient's row until the sum is known.
        lossAndGradientKernel: { k, d, _ in
            let (row, j, i, label, scale) = (k.name("row"), k.name("j"), k.name("i"), k.name("label"), k.name("scale"))
            return [
                .scalar(k.local("scale"), k.scale(1, over: k.rows)),
                .scalar(k.local("total"), .int(0), mutable: true),
                k.loop("i", k.rows, [.named(k.local("row"), i * .int(k.columns))] + rowMaximum(k) + [
                    .scalar(k.local("sumExp"), .int(0), mutable: true),
                    k.loop("j", k.columns, [
                        .named(k.local("e"), .call("exp", [k.score(row + j) - k.name("largest")])),
                        .store(d, index: row + j, op: .set, value: k.name("e")),
                        .update(name: k.local("sumExp"), op: .add, value: k.name("e")),
                    ]),
                    .named(k.local("label"), k.target(i)),
                    .update(name: k.local("total"), op: .add, value: k.name("largest") + .call("log", [k.name("sumExp")]) - k.score(row + label)),
                    .named(k.local("share"), scale / k.name("sumExp")),
                    k.loop("j", k.columns, [.store(d, index: row + j, op: .multiply, value: k.name("share"))]),
                    .store(d, index: row + label, op: .subtract, value: scale),
                ]),
                k.result(k.name("total") / .int(k.rows)),
            ]
        })

    /// log Σ exp(row), with the maximum subtracted first.
    private static func logSumExp(_ row: ArraySlice<Double>) -> Double {
        let m = row.max()!
        return m + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) })
    }

    /// `largest`, the maximum of row `row` of the scores.
    private static func rowMaximum(_ k: LossArrays) -> [KernelStatement] {
        let (row, j, largest) = (k.name("row"), k.name("j"), k.name("largest"))
        var statements: [KernelStatement] = [.local(name: k.local("largest"), type: nil, value: k.score(row), mutable: true)]
        if k.columns > 1 {
            statements.append(.loop(counter: k.local("j"), lower: 1, upper: k.columns, filter: .infix(k.score(row + j), .greater, largest),
                                    body: [.update(name: k.local("largest"), op: .set, value: k.score(row + j))]))
        }
        return statements
    }

    /// `row`, `largest` and `sumExp` = Σⱼ exp(s_row+j − largest) for example `i`.
    private static func rowLogSumExp(_ k: LossArrays) -> [KernelStatement] {
        let (row, j) = (k.name("row"), k.name("j"))
        return [.named(k.local("row"), k.name("i") * .int(k.columns))] + rowMaximum(k) + [
            .scalar(k.local("sumExp"), .int(0), mutable: true),
            k.loop("j", k.columns, [.update(name: k.local("sumExp"), op: .add, value: .call("exp", [k.score(row + j) - k.name("largest")]))]),
        ]
    }
}
