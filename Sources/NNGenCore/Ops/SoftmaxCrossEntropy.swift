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
                            value: k.name("largest") + k.math.log(k.name("sumExp")) - k.score(row, k.target(i))),
                ]),
                k.result(total / .int(k.rows)),
            ]
        },
        gradientKernel: { k, _ in
            let (row, j, label) = (k.name("row"), k.name("j"), k.name("label"))
            let probability = k.math.exp(k.score(row, j) - k.name("largest")) / k.name("sumExp")
            let onehot = SwiftExpression.conditional(.infix(j, .equal, label), .literal(1), .literal(0))
            return [
                .scalar(k.local("scale"), k.scale(1, over: k.rows)),
                k.loop("i", k.rows, rowLogSumExp(k) + [
                    .named(k.local("label"), k.target(k.name("i"))),
                    k.loop("j", k.columns, [
                        .named(k.local("probability"), probability),
                        .store(k.output, index: k.at(row, j), op: .set, value: k.name("scale") * (k.name("probability") - onehot)),
                    ]),
                ]),
            ]
        },
        // One pass: each exp is computed once and kept in the gradient's row until the sum is known.
        // The true class's score is summed by a select and subtracted by one, rather than read and
        // written at the label's index, so that the loop over examples has no gather or scatter
        // and vectorizes (in the fused step's transposed layout, spiral's step took 24 µs instead of 17 without).
        lossAndGradientKernel: { k, d, _ in
            let (row, j, i, label, scale) = (k.name("row"), k.name("j"), k.name("i"), k.name("label"), k.name("scale"))
            let exampleLoss = k.name("largest") + k.math.log(k.name("sumExp")) - k.name("correct")
            let isLabel = SwiftExpression.infix(k.labelsAreScalars ? .call("Scalar", [j]) : j, .equal, label)
            var statements: [KernelStatement] = [.scalar(k.local("scale"), k.scale(1, over: k.rows))]
            if k.exampleLosses == nil { statements.append(.scalar(k.local("total"), .int(0), mutable: true)) }
            statements.append(k.loop("i", k.rows, [.named(k.local("row"), k.rowStart(i))] + rowMaximum(k) + [
                .named(k.local("label"), k.target(i)),
                // Before the gradient's row is written: a read after it would have to allow for
                // the two arrays overlapping, which keeps the loop from vectorizing.
                .scalar(k.local("correct"), .int(0), mutable: true),
                k.loop("j", k.columns, [.update(name: k.local("correct"), op: .add, value: .conditional(isLabel, k.score(row, j), .int(0)))]),
                .scalar(k.local("sumExp"), .int(0), mutable: true),
                k.loop("j", k.columns, [
                    .named(k.local("e"), k.math.exp(k.score(row, j) - k.name("largest"))),
                    .store(d, index: k.at(row, j), op: .set, value: k.name("e")),
                    .update(name: k.local("sumExp"), op: .add, value: k.name("e")),
                ]),
                k.exampleLosses.map { .store($0, i, exampleLoss) } ?? .update(name: k.local("total"), op: .add, value: exampleLoss),
                .named(k.local("share"), scale / k.name("sumExp")),
                k.loop("j", k.columns, [
                    .store(d, k.at(row, j), .element(d, k.at(row, j)) * k.name("share") - .conditional(isLabel, scale, .int(0))),
                ]),
            ]))
            if let losses = k.exampleLosses {
                statements += [
                    .scalar(k.local("total"), .int(0), mutable: true),
                    k.loop("i", k.rows, [.update(name: k.local("total"), op: .add, value: .element(losses, i))]),
                ]
            }
            return statements + [k.result(k.name("total") / .int(k.rows))]
        },
        onePassTakesScalarLabels: true)

    /// log Σ exp(row), with the maximum subtracted first.
    private static func logSumExp(_ row: ArraySlice<Double>) -> Double {
        let m = row.max()!
        return m + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) })
    }

    /// `largest`, the maximum of row `row` of the scores.
    private static func rowMaximum(_ k: LossArrays) -> [KernelStatement] {
        let (row, j, largest) = (k.name("row"), k.name("j"), k.name("largest"))
        var statements: [KernelStatement] = [.local(name: k.local("largest"), type: nil, value: k.score(row, .int(0)), mutable: true)]
        if k.columns > 1 {
            statements.append(.loop(counter: k.local("j"), lower: 1, upper: k.columns, filter: .infix(k.score(row, j), .greater, largest),
                                    body: [.update(name: k.local("largest"), op: .set, value: k.score(row, j))]))
        }
        return statements
    }

    /// `row`, `largest` and `sumExp` = Σⱼ exp(s_row+j − largest) for example `i`.
    private static func rowLogSumExp(_ k: LossArrays) -> [KernelStatement] {
        let (row, j) = (k.name("row"), k.name("j"))
        return [.named(k.local("row"), k.rowStart(k.name("i")))] + rowMaximum(k) + [
            .scalar(k.local("sumExp"), .int(0), mutable: true),
            k.loop("j", k.columns, [.update(name: k.local("sumExp"), op: .add, value: k.math.exp(k.score(row, j) - k.name("largest")))]),
        ]
    }
}
