/// The fused step's backward pass over vectors of examples (`FusedHiddenLayer.BackwardOrder`).
extension FusedHiddenLayer {
    /// The backward pass over examples: for each hidden unit, one loop over vectors of examples
    /// that takes dh and dz and adds the unit's C + K + 1 gradient terms into vectors of partial
    /// sums, held in registers with the unit's C weights of W2; their lanes are added at the end
    /// of the unit. Every vector the loop reads (h, stored by the forward pass, dL/dscores, x) is
    /// a contiguous row; the activation's derivative reads h, not z (see `backwardOrder`).
    func backwardOverExamples(names: ValueNames, _ w: inout CodeWriter) {
        let p = pattern
        let (h, dh, dz) = (names[p.hidden], names[p.dHidden], names[p.dPreActivation])
        let (W1, b1, W2) = (names[p.W1], names[p.b1], names[p.W2])
        let (dW1, db1, dW2) = (names[p.dW1], names[p.db1], names[p.dW2])
        let b = backward
        w.line("// Backward, one unit at a time, \(backwardLanes) examples per vector: dL/d\(W2) = \(h)ᵀ · dL/dscores;")
        w.line("// \(dh) = dL/dscores · \(W2)ᵀ; \(dz) from \(dh) by the activation's pullback; dL/d\(b1) = Σ over examples")
        w.line("// of \(dz); dL/d\(W1) = xᵀ · \(dz)")
        w.block("for j in 0..<\(H) {") { w in
            w.line("let " + (0..<C).map { "w2_\($0) = \(b.vector)(repeating: \(W2)[\(C) * j\($0 == 0 ? "" : " + \($0)")])" }.joined(separator: ", "))
            w.line("var " + ((0..<C).map { "dW2_\($0)" } + ["db1Sum"] + (0..<K).map { "dW1_\($0)" }).map { "\($0) = \(b.vector)()" }.joined(separator: ", "))
            w.line("var r0 = 0")
            w.block("while r0 < \(NP) {") { w in
                w.line("let \(h) = \(b.load)(hT + \(NP) * j + r0)")
                w.line("let " + (0..<C).map { "d\($0) = \(b.load)(dScoresT + \(row($0, NP))r0)" }.joined(separator: ", "))
                w.line("let " + (0..<K).map { "x\($0) = \(b.load)(xT + \(row($0, NP))r0)" }.joined(separator: ", "))
                for c in 0..<C { w.line("\(b.multiplyAdd)(&dW2_\(c), \(h), d\(c))") }
                w.line("var \(dh) = d0 * w2_0")
                for c in 1..<C { w.line("\(b.multiplyAdd)(&\(dh), d\(c), w2_\(c))") }
                for (id, text) in derivative {
                    if let comment = p.derivative.first(where: { $0.output == id })?.comment.text { w.line("// " + comment) }
                    w.line("let \(names[id]) = \(text)")
                }
                w.line("db1Sum += \(dz)")
                for k in 0..<K { w.line("\(b.multiplyAdd)(&dW1_\(k), x\(k), \(dz))") }
                w.line("r0 += \(backwardLanes)")
            }
            for c in 0..<C { w.line("\(dW2)[\(C) * j\(c == 0 ? "" : " + \(c)")] = dW2_\(c).sum()") }
            w.line("\(db1)[j] = db1Sum.sum()")
            for k in 0..<K { w.line("\(dW1)[\(row(k, H))j] = dW1_\(k).sum()") }
        }
    }
}
