/// The fused step's backward pass over vectors of hidden units (`FusedHiddenLayer.BackwardOrder`),
/// with its scratch: W1, b1 and W2ᵀ copied with H padded to whole vectors of units (padding units
/// have zero weights), the padded sums, and h and dz of one vector of units for every example.
extension FusedHiddenLayer {
    /// H rounded up to whole vectors of units.
    var paddedHidden: Int { (H + backwardLanes - 1) / backwardLanes * backwardLanes }
    private var HP: Int { paddedHidden }

    // Offsets from `backwardOffset`.
    private var W1Offset: Int { backwardOffset }  // [K × HP]
    private var b1Offset: Int { W1Offset + K * HP }  // [HP]
    private var W2Offset: Int { b1Offset + HP }  // [C × HP], W2 transposed
    private var dW2Offset: Int { W2Offset + C * HP }  // [C × HP]
    private var dW1Offset: Int { dW2Offset + C * HP }  // [K × HP]
    private var db1Offset: Int { dW1Offset + K * HP }  // [HP]
    private var chunkOffset: Int { db1Offset + HP }  // [N × 2 × backwardLanes]: h and dz of one vector of units
    /// The scratch of the backward pass over units.
    var unitsScratchCount: Int { chunkOffset + N * 2 * backwardLanes - backwardOffset }

    /// The `let` lines naming that scratch.
    func unitsScratchNames(names: ValueNames, _ w: inout CodeWriter) {
        let p = pattern
        let (W1, b1, W2) = (names[p.W1], names[p.b1], names[p.W2])
        w.line("let W1p = s + \(W1Offset), b1p = s + \(b1Offset)  // \(W1) [\(K)×\(HP)], \(b1) [\(HP)], zero-padded")
        w.line("let W2t = s + \(W2Offset)  // \(W2)ᵀ [\(C)×\(HP)], zero-padded")
        w.line("let dW2t = s + \(dW2Offset), dW1p = s + \(dW1Offset), db1p = s + \(db1Offset)  // padded sums")
        w.line("let chunk = s + \(chunkOffset)  // [\(N)×2×\(backwardLanes)] h and dz of the backward pass's vector of units")
    }

    /// The padded copies of W1, b1 and W2ᵀ.
    func unitsLayout(names: ValueNames, _ w: inout CodeWriter) {
        let p = pattern
        let (W1, b1, W2) = (names[p.W1], names[p.b1], names[p.W2])
        w.line("// The hidden layer padded to \(HP) units (padding units have zero weights)")
        w.block("for j in 0..<\(H) {") { w in
            for k in 0..<K { w.line("W1p[\(row(k, HP))j] = \(W1)[\(row(k, H))j]") }
            w.line("b1p[j] = \(b1)[j]")
            for c in 0..<C { w.line("W2t[\(row(c, HP))j] = \(W2)[\(unitClass(c))]") }
        }
        if HP > H {
            w.block("for j in \(H)..<\(HP) {") { w in
                for k in 0..<K { w.line("W1p[\(row(k, HP))j] = 0") }
                w.line("b1p[j] = 0")
                for c in 0..<C { w.line("W2t[\(row(c, HP))j] = 0") }
            }
        }
    }

    /// The backward pass over units: for each vector of hidden units, two loops over the
    /// examples. The first recomputes z and h and takes dh and dz, holding only the units'
    /// weights; it stores h and dz. The second adds them into the sums (dW2, db1, dW1), holding
    /// only the sums. In one loop, the sums and the weights together (2·(C + K + 1) vectors, 12
    /// for the spiral) plus the temporaries outnumber AVX2's 16 registers, and LLVM spilled a sum
    /// into the red zone: its store and reload on every example bound the loop, at a speed that
    /// depended on the stack's alignment (docs/performance/spiral.md). Then the padded sums go
    /// into the gradient terms the planned ops read.
    func backwardOverUnits(names: ValueNames, _ w: inout CodeWriter) {
        let p = pattern
        let (z, h, dh, dz) = (names[p.preActivation], names[p.hidden], names[p.dHidden], names[p.dPreActivation])
        let u = backward, width = 2 * backwardLanes
        w.line("// Backward, \(backwardLanes) hidden units per vector, examples innermost (\(z) and \(h) recomputed):")
        w.line("// dL/d\(names[p.W2]) = \(h)ᵀ · dL/dscores; \(dh) = dL/dscores · \(names[p.W2])ᵀ; \(dz) from \(dh) by the activation's")
        w.line("// pullback; dL/d\(names[p.b1]) = Σ over examples of \(dz); dL/d\(names[p.W1]) = xᵀ · \(dz)")
        w.line("var j0 = 0")
        w.block("while j0 < \(HP) {") { w in
            w.line("// \(h) and \(dz) of every example, from the units' weights")
            w.line("let " + (0..<K).map { "w1_\($0) = \(u.load)(W1p + \(row($0, HP))j0)" }.joined(separator: ", ") + ", bias = \(u.load)(b1p + j0)")
            w.line("let " + (0..<C).map { "w2_\($0) = \(u.load)(W2t + \(row($0, HP))j0)" }.joined(separator: ", "))
            w.block("for r in 0..<\(N) {") { w in
                w.line("let " + (0..<K).map { "x\($0) = \(u.vector)(repeating: xT[\(row($0, NP))r])" }.joined(separator: ", "))
                w.line("var \(z) = bias")
                for k in 0..<K { w.line("\(u.multiplyAdd)(&\(z), x\(k), w1_\(k))") }
                w.line("let \(h) = \(forwardOnBackwardLanes)")
                w.line("var \(dh) = \(u.vector)(repeating: dScoresT[r]) * w2_0")
                for c in 1..<C { w.line("\(u.multiplyAdd)(&\(dh), \(u.vector)(repeating: dScoresT[\(row(c, NP))r]), w2_\(c))") }
                for (id, text) in derivative {
                    if let comment = p.derivative.first(where: { $0.output == id })?.comment.text { w.line("// " + comment) }
                    w.line("let \(names[id]) = \(text)")
                }
                w.line("\(u.store)(\(h), chunk + r * \(width))")
                w.line("\(u.store)(\(dz), chunk + r * \(width) + \(backwardLanes))")
            }
            w.line("// The sums over examples")
            w.line("var " + ((0..<C).map { "dW2_\($0)" } + ["db1Sum"] + (0..<K).map { "dW1_\($0)" }).map { "\($0) = \(u.vector)()" }.joined(separator: ", "))
            w.block("for r in 0..<\(N) {") { w in
                w.line("let \(h) = \(u.load)(chunk + r * \(width)), \(dz) = \(u.load)(chunk + r * \(width) + \(backwardLanes))")
                for c in 0..<C { w.line("\(u.multiplyAdd)(&dW2_\(c), \(h), \(u.vector)(repeating: dScoresT[\(row(c, NP))r]))") }
                w.line("db1Sum += \(dz)")
                for k in 0..<K { w.line("\(u.multiplyAdd)(&dW1_\(k), \(u.vector)(repeating: xT[\(row(k, NP))r]), \(dz))") }
            }
            for c in 0..<C { w.line("\(u.store)(dW2_\(c), dW2t + \(row(c, HP))j0)") }
            w.line("\(u.store)(db1Sum, db1p + j0)")
            for k in 0..<K { w.line("\(u.store)(dW1_\(k), dW1p + \(row(k, HP))j0)") }
            w.line("j0 += \(backwardLanes)")
        }
        w.line("")
        let (dW1, db1, dW2) = (names[p.dW1], names[p.db1], names[p.dW2])
        w.line("// The sums in the parameters' layout")
        w.block("for j in 0..<\(H) {") { w in
            for k in 0..<K { w.line("\(dW1)[\(row(k, H))j] = dW1p[\(row(k, HP))j]") }
            w.line("\(db1)[j] = db1p[j]")
            for c in 0..<C { w.line("\(dW2)[\(unitClass(c))] = dW2t[\(row(c, HP))j]") }
        }
    }
}
