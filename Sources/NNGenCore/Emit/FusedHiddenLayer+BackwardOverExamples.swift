/// The fused step's backward pass over vectors of examples (`FusedHiddenLayer.BackwardOrder`).
extension FusedHiddenLayer {
    /// The backward pass over examples: for each hidden unit, one loop over vectors of examples
    /// that takes dh and dz and adds the unit's C + K + 1 gradient terms into vectors of partial
    /// sums, held in registers with the unit's C weights of W2. Every vector the loop reads (h,
    /// stored by the forward pass, dL/dscores, x) is a contiguous row; the activation's derivative
    /// reads h, not z (see `backwardOrder`). The sums are stored at the end of the unit
    /// (`partial`, `[H × (C + K + 1) × lanes]`), and a last loop adds each one's lanes (halves
    /// pairwise: `sum` of `LaneHelpers`). Added at the end of each unit instead, with SIMD's
    /// `sum()` or with halves, they let LLVM rewrite the unit's loop into shuffles of 128-bit
    /// halves, one way or the other by shape: 1.75× the time for 2 inputs, 2 classes and 24 units
    /// in Double, 1.9× for the spiral (docs/performance/spiral.md).
    func backwardOverExamples(names: ValueNames, _ w: inout CodeWriter) {
        // The batch in whole vectors of this pass: the forward pass's padding past it is skipped
        // (its dL/dscores are zero, so it adds nothing).
        let examplesInVectors = (N + backwardLanes - 1) / backwardLanes * backwardLanes
        let p = pattern
        let (h, dh, dz) = (names[p.hidden], names[p.dHidden], names[p.dPreActivation])
        let (W1, b1, W2) = (names[p.W1], names[p.b1], names[p.W2])
        let (dW1, db1, dW2) = (names[p.dW1], names[p.db1], names[p.dW2])
        let b = backward
        // The sums, their lane count, and where each one's total goes.
        let sums = (0..<C).map { "dW2_\($0)" } + ["db1Sum"] + (0..<K).map { "dW1_\($0)" }
        let (T, L) = (sums.count, backwardLanes)
        let targets = (0..<C).map { "\(dW2)[\(unitClass($0))]" } + ["\(db1)[j]"] + (0..<K).map { "\(dW1)[\(row($0, H))j]" }
        w.line("// Backward, one unit at a time, \(backwardLanes) examples per vector: dL/d\(W2) = \(h)ᵀ · dL/dscores;")
        w.line("// \(dh) = dL/dscores · \(W2)ᵀ; \(dz) from \(dh) by the activation's pullback; dL/d\(b1) = Σ over examples")
        w.line("// of \(dz); dL/d\(W1) = xᵀ · \(dz)")
        w.block("for j in 0..<\(H) {") { w in
            w.line("let " + (0..<C).map { "w2_\($0) = \(b.vector)(repeating: \(W2)[\(unitClass($0))])" }.joined(separator: ", "))
            w.line("var " + sums.map { "\($0) = \(b.vector)()" }.joined(separator: ", "))
            w.line("var r0 = 0")
            w.block("while r0 < \(examplesInVectors) {") { w in
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
            for (t, sum) in sums.enumerated() { w.line("\(b.store)(\(sum), partial + \(T * L) * j + \(t * L))") }
        }
        w.line("// The lanes of each sum, added")
        w.block("for j in 0..<\(H) {") { w in
            for (t, target) in targets.enumerated() { w.line("\(target) = \(b.sum)(\(b.load)(partial + \(T * L) * j + \(t * L)))") }
        }
    }
}
