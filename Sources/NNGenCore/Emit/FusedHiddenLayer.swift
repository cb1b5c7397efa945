/// The training step of `few inputs → dense H relu → dense (few classes) → softmax cross-entropy`
/// (the CS231n spiral network), emitted as five passes that keep their sums in registers instead
/// of the planned graph's passes over `[batch × H]` matrices. `docs/performance/spiral.md` has
/// the measurements behind this shape.
///
/// 0. The inputs and labels transposed (one row per feature), W1, b1 and W2ᵀ copied zero-padded.
/// 1. Forward, one vector of `lanes` examples at a time: for each hidden unit j,
///    z = b1[j] + Σₖ xₖ·W1[k, j], h = max(z, 0), and sᶜ += h·W2[j, c]. Nothing of size
///    `[batch × H]` is stored; the inputs and scores are held transposed (one row per feature or
///    class) so that a vector load gives `lanes` examples.
/// 2. Softmax cross-entropy per example, in place: the scores become dL/dscores, the labels
///    become per-example losses.
/// 3. Backward, one vector of `lanes` hidden units at a time with the examples innermost: z and h
///    are recomputed, and the chunk's gradient sums (dW2, db1, dW1) stay in registers.
/// 4. The gradient into the parameter layout, with L2.
///
/// The step is chosen when the last dimension of every vector it holds is small enough for the
/// registers: at most `maximumInputs` inputs and `maximumClasses` classes.
struct FusedHiddenLayer {
    static let maximumInputs = 4
    /// Measured over 2–24 classes (2 inputs, 100 hidden units, batch 300; docs/performance/spiral.md):
    /// the step takes a third to a half of the planned graph's time up to 12 classes; from 16 on,
    /// where its class vectors no longer fit the registers, the two are within noise of each other.
    static let maximumClasses = 12

    let inputs: Int, hidden: Int, classes: Int, batch: Int
    let W1: ParameterInfo, b1: ParameterInfo, W2: ParameterInfo, b2: ParameterInfo
    let isFloat: Bool
    let l2: Double

    /// The step for `model`, or nil when its IR is not `softmax_cross_entropy(relu(x·W1 + b1)·W2 + b2)`
    /// with few enough inputs and classes. The pattern is matched on the IR, so a relu written as
    /// an activation layer of its own is taken as well as one inside the dense layer.
    init?(_ model: NetworkModel) {
        let graph = model.graph, producers = graph.producers
        func producer(_ v: ValueID) -> Op? { producers[v.index].map { graph.ops[$0] } }
        /// The parameter whose only slice is `v`.
        func parameter(_ v: ValueID, _ kind: ParameterInfo.Kind) -> ParameterInfo? {
            model.parameters.first { $0.slices == [v] && $0.kind == kind }
        }
        /// `a·b` with neither operand transposed.
        func product(_ v: ValueID) -> (Op, MatmulShape)? {
            guard let op = producer(v), case .matmul(let s) = op.kind, !s.transposeA, !s.transposeB else { return nil }
            return (op, s)
        }
        let isSoftmaxCrossEntropy = { (op: Op) -> Bool in
            if case .loss(let loss) = op.kind { return loss.function == .softmaxCrossEntropy }
            return false
        }
        guard model.parameters.count == 4,
              let loss = graph.ops.first(where: isSoftmaxCrossEntropy), loss.inputs == [model.scores, model.labels],
              // scores = h·W2 + b2
              let scores = producer(model.scores), scores.kind == .binary(.add),
              let (second, s2) = product(scores.inputs[0]),
              let W2 = parameter(second.inputs[1], .weight), let b2 = parameter(scores.inputs[1], .bias),
              // h = relu(x·W1 + b1)
              let activation = producer(second.inputs[0]), activation.kind == .unary(UnaryFunction(.relu)),
              let z = producer(activation.inputs[0]), z.kind == .binary(.add),
              let (first, s1) = product(z.inputs[0]), first.inputs[0] == model.inputs,
              let W1 = parameter(first.inputs[1], .weight), let b1 = parameter(z.inputs[1], .bias),
              s1.k <= Self.maximumInputs, (2...Self.maximumClasses).contains(s2.n)
        else { return nil }
        (inputs, hidden, classes, batch) = (s1.k, s1.n, s2.n, s1.m)
        (self.W1, self.b1, self.W2, self.b2) = (W1, b1, W2, b2)
        isFloat = model.spec.scalar == .float
        l2 = model.spec.l2
    }

    /// Scalars per vector: 512 bits.
    var lanes: Int { isFloat ? 16 : 8 }
    /// The batch rounded up to whole vectors (padding examples have zero inputs and no loss).
    var paddedBatch: Int { (batch + lanes - 1) / lanes * lanes }
    /// H rounded up to whole vectors (padding units have zero weights and bias, so h = 0 there).
    var paddedHidden: Int { (hidden + lanes - 1) / lanes * lanes }

    // Scratch layout: every array transposed or padded for vector access.
    var inputsOffset: Int { 0 }  // [inputs × paddedBatch]
    var lanesOffset: Int { inputsOffset + inputs * paddedBatch }  // [(classes + 1) × paddedBatch]
    var W1Offset: Int { lanesOffset + (classes + 1) * paddedBatch }  // [inputs × paddedHidden]
    var b1Offset: Int { W1Offset + inputs * paddedHidden }  // [paddedHidden]
    var W2Offset: Int { b1Offset + paddedHidden }  // [classes × paddedHidden], W2 transposed
    var dW2Offset: Int { W2Offset + classes * paddedHidden }  // [classes × paddedHidden]
    var dW1Offset: Int { dW2Offset + classes * paddedHidden }  // [inputs × paddedHidden]
    var db1Offset: Int { dW1Offset + inputs * paddedHidden }  // [paddedHidden]
    /// Scratch scalars the step uses.
    var scratchCount: Int { db1Offset + paddedHidden }

    /// One name per index: `x0, x1`.
    private func names(_ prefix: String, _ count: Int) -> [String] { (0..<count).map { "\(prefix)\($0)" } }

    // MARK: Emission

    /// The vector helpers, the loss pass and `computeLossAndGradient`.
    func emit(_ w: inout CodeWriter) {
        helpers(&w)
        w.line("")
        lossPass(&w)
        w.line("")
        step(&w)
    }

    private var bits: String { isFloat ? "SIMD16<Int32>" : "SIMD8<Int64>" }

    private func helpers(_ w: inout CodeWriter) {
        w.line("// MARK: Fused training step")
        w.line("")
        w.doc("\(lanes) examples (forward) or \(lanes) hidden units (backward): 512 bits of `Scalar`.")
        w.line("typealias Lanes = SIMD\(lanes)<Scalar>")
        w.line("")
        w.line("@inline(__always)")
        w.line("static func loadLanes(_ p: UnsafePointer<Scalar>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }")
        w.line("")
        w.line("@inline(__always)")
        w.line("static func storeLanes(_ v: Lanes, _ p: UnsafeMutablePointer<Scalar>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self) }")
        w.line("")
        w.doc("c += a·b, fused when the build defines `NNGEN_FMA` (see `multiplyAdd`).")
        w.line("@inline(__always)")
        w.block("static func multiplyAddLanes(_ c: inout Lanes, _ a: Lanes, _ b: Lanes) {") { w in
            w.line("#if NNGEN_FMA")
            w.line("c.addProduct(a, b)")
            w.line("#else")
            w.line("c += a * b")
            w.line("#endif")
        }
        w.line("")
        w.doc("v where z > 0, else 0: relu's derivative applied to v. z > 0 exactly when z's bits, read as",
              "a signed integer, are positive; then 0 − bits is negative, and an arithmetic shift by the",
              "width − 1 spreads its sign into all ones. (A `SIMDMask` select measured the same in this",
              "loop; integer operations keep the loop free of mask code, which elsewhere compiled to",
              "per-lane shuffles.)")
        w.line("@inline(__always)")
        w.block("static func keepWherePositive(_ v: Lanes, _ z: Lanes) -> Lanes {") { w in
            w.line("let keep = (\(bits)() &- unsafeBitCast(z, to: \(bits).self)) &>> \(isFloat ? 31 : 63)")
            w.line("return unsafeBitCast(unsafeBitCast(v, to: \(bits).self) & keep, to: Lanes.self)")
        }
    }

    /// The softmax cross-entropy pass over the transposed scores, in place.
    private func lossPass(_ w: inout CodeWriter) {
        let n = paddedBatch, c = classes
        let exp = isFloat ? "Self.fastExp" : "exp", log = isFloat ? "Self.fastLog" : "log"
        let s = names("s", c), e = names("e", c), sums = names("sum", c)
        w.doc("Softmax cross-entropy for examples stored transposed in `t`: rows 0..<\(c) hold the scores",
              "of each class, row \(c) the label (−1 in the \(n - batch) padding examples). Per example,",
              "with m = maxᶜ sᶜ, eᶜ = exp(sᶜ − m) and Σ = Σᶜ eᶜ:",
              "loss = log Σ + m − s_y and dL/dsᶜ = (eᶜ/Σ − [c = y]) / N, N = \(batch).",
              "The scores are replaced by dL/dscores and the labels by the losses; `db2` receives the",
              "sums of dL/dscores over the batch. Returns the mean loss.")
        w.line("@inline(never)")
        w.block("static func softmaxCrossEntropyLanes(_ t: UnsafeMutablePointer<Scalar>, _ db2: UnsafeMutablePointer<Scalar>) -> Scalar {") { w in
            w.line("let scale: Scalar = 1.0 / \(batch)")
            w.block("for r in 0..<\(n) {") { w in
                w.line("let " + s.enumerated().map { "\($1) = t[\(row($0, n))r]" }.joined(separator: ", "))
                w.line("let label = t[\(row(c, n))r]")
                w.line("var m = s0")
                for k in 1..<c { w.line("m = s\(k) > m ? s\(k) : m") }
                w.line("let " + e.enumerated().map { "\($1) = \(exp)(s\($0) - m)" }.joined(separator: ", "))
                w.line("let sum = " + e.joined(separator: " + "))
                var chosen = "s0"  // s_y as nested selects: label == 1 ? s1 : (label == 2 ? s2 : s0)
                for k in (1..<c).reversed() { chosen = "label == \(k) ? s\(k) : " + (k == c - 1 ? chosen : "(\(chosen))") }
                w.line("let chosen = " + chosen)
                w.line("let share: Scalar = label < 0 ? 0 : scale / sum")
                for k in 0..<c { w.line("t[\(row(k, n))r] = e\(k) * share - (label == \(k) ? scale : 0)") }
                w.line("t[\(row(c, n))r] = label < 0 ? 0 : \(log)(sum) + m - chosen")
            }
            w.line("var total = Lanes(), " + sums.map { "\($0) = Lanes()" }.joined(separator: ", "))
            w.line("var r0 = 0")
            w.block("while r0 < \(n) {") { w in
                for k in 0..<c { w.line("sum\(k) += Self.loadLanes(t + \(row(k, n))r0)") }
                w.line("total += Self.loadLanes(t + \(row(c, n))r0)")
                w.line("r0 += \(lanes)")
            }
            for k in 0..<c { w.line("db2[\(k)] = sum\(k).sum()") }
            w.line("return total.sum() * scale")
        }
    }

    /// `a + ` for row `a` of a transposed array with `width` columns (nothing for row 0).
    private func row(_ a: Int, _ width: Int) -> String { a == 0 ? "" : "\(a * width) + " }

    private func step(_ w: inout CodeWriter) {
        let K = inputs, H = hidden, C = classes, N = batch, NP = paddedBatch, HP = paddedHidden
        let x = names("x", K), sc = names("s", C)
        w.doc("Forward pass, loss, and the backward pass writing dL/dp into `g`, as five fused passes",
              "(`FusedHiddenLayer` in nngen): the whole step keeps its sums in registers, and stores",
              "no [batch × \(H)] matrix.")
        w.line("@inline(never)")
        w.block("static func computeLossAndGradient(_ p: UnsafePointer<Scalar>, _ x: UnsafePointer<Scalar>, _ y: UnsafePointer<Int>, _ g: UnsafeMutablePointer<Scalar>, _ s: UnsafeMutablePointer<Scalar>) -> Scalar {") { w in
            w.line("let W1 = p + \(W1.offset), b1 = p + \(b1.offset), W2 = p + \(W2.offset), b2 = p + \(b2.offset)")
            w.line("let dW1 = g + \(W1.offset), db1 = g + \(b1.offset), dW2 = g + \(W2.offset), db2 = g + \(b2.offset)")
            w.line("let xT = s + \(inputsOffset)  // [\(K)×\(NP)] inputs, one row per feature")
            w.line("let t = s + \(lanesOffset)  // [\(C + 1)×\(NP)] scores per class, then labels")
            w.line("let W1p = s + \(W1Offset), b1p = s + \(b1Offset)  // W1 [\(K)×\(HP)], b1 [\(HP)], zero-padded")
            w.line("let W2t = s + \(W2Offset)  // W2ᵀ [\(C)×\(HP)], zero-padded")
            w.line("let dW2t = s + \(dW2Offset), dW1p = s + \(dW1Offset), db1p = s + \(db1Offset)  // padded sums")
            w.line("")
            w.line("// Layout: x and y transposed to one row per feature, the batch padded to \(NP) examples and the")
            w.line("// hidden layer to \(HP) units (padding examples have label −1, padding units zero weights)")
            w.block("for r in 0..<\(N) {") { w in
                for k in 0..<K { w.line("xT[\(row(k, NP))r] = x[\(K == 1 ? "" : "\(K) * ")r\(k == 0 ? "" : " + \(k)")]") }
                w.line("t[\(row(C, NP))r] = Scalar(y[r])")
            }
            if NP > N {
                w.block("for r in \(N)..<\(NP) {") { w in
                    for k in 0..<K { w.line("xT[\(row(k, NP))r] = 0") }
                    w.line("t[\(row(C, NP))r] = -1")
                }
            }
            w.block("for j in 0..<\(H) {") { w in
                for k in 0..<K { w.line("W1p[\(row(k, HP))j] = W1[\(row(k, H))j]") }
                w.line("b1p[j] = b1[j]")
                for c in 0..<C { w.line("W2t[\(row(c, HP))j] = W2[\(C) * j\(c == 0 ? "" : " + \(c)")]") }
            }
            if HP > H {
                w.block("for j in \(H)..<\(HP) {") { w in
                    for k in 0..<K { w.line("W1p[\(row(k, HP))j] = 0") }
                    w.line("b1p[j] = 0")
                    for c in 0..<C { w.line("W2t[\(row(c, HP))j] = 0") }
                }
            }
            w.line("")
            w.line("// Forward, \(lanes) examples per vector: z1 = x·W1 + b1; h1 = max(0, z1); z2 = h1·W2 + b2, summed")
            w.line("// unit by unit (z1 and h1 are not stored: the backward pass recomputes them)")
            w.line("var r0 = 0")
            w.block("while r0 < \(NP) {") { w in
                w.line("let " + x.enumerated().map { "\($1) = Self.loadLanes(xT + \(row($0, NP))r0)" }.joined(separator: ", "))
                w.line("var " + sc.enumerated().map { "\($1) = Lanes(repeating: b2[\($0)])" }.joined(separator: ", "))
                w.block("for j in 0..<\(H) {") { w in
                    w.line("var z = Lanes(repeating: b1[j])")
                    for k in 0..<K { w.line("Self.multiplyAddLanes(&z, x\(k), Lanes(repeating: W1[\(row(k, H))j]))") }
                    w.line("let h = z.replacing(with: 0, where: z .< 0)")
                    for c in 0..<C { w.line("Self.multiplyAddLanes(&s\(c), h, Lanes(repeating: W2[\(C) * j\(c == 0 ? "" : " + \(c)")]))") }
                }
                for c in 0..<C { w.line("Self.storeLanes(s\(c), t + \(row(c, NP))r0)") }
                w.line("r0 += \(lanes)")
            }
            w.line("")
            w.line("// L = mean over the batch of −log softmax(z2)[y]; in place, t becomes")
            w.line("// dL/dz2 = (softmax(z2) − onehot(y)) / N, and dL/db2 = Σ over rows of dL/dz2")
            w.line("let dataLoss = Self.softmaxCrossEntropyLanes(t, db2)")
            w.line("")
            backwardPass(&w)
            w.line("")
            gradientPass(&w)
        }
    }

    /// Pass 3: the chunk loop of the backward pass.
    private func backwardPass(_ w: inout CodeWriter) {
        let K = inputs, C = classes, N = batch, NP = paddedBatch, HP = paddedHidden
        w.line("// Backward, \(lanes) hidden units per vector, examples innermost (z1 and h1 recomputed):")
        w.line("// dL/dW2 = h1ᵀ · dL/dz2; dL/dh1 = dL/dz2 · W2ᵀ; dL/dz1 = dL/dh1 · 1[z1 > 0];")
        w.line("// dL/db1 = Σ over rows of dL/dz1; dL/dW1 = xᵀ · dL/dz1")
        w.line("var j0 = 0")
        w.block("while j0 < \(HP) {") { w in
            w.line("let " + (0..<K).map { "w1_\($0) = Self.loadLanes(W1p + \(row($0, HP))j0)" }.joined(separator: ", ") + ", bias = Self.loadLanes(b1p + j0)")
            w.line("let " + (0..<C).map { "w2_\($0) = Self.loadLanes(W2t + \(row($0, HP))j0)" }.joined(separator: ", "))
            w.line("var " + ((0..<C).map { "dW2_\($0)" } + ["db1Sum"] + (0..<K).map { "dW1_\($0)" }).map { "\($0) = Lanes()" }.joined(separator: ", "))
            w.block("for r in 0..<\(N) {") { w in
                w.line("let " + (0..<K).map { "x\($0) = Lanes(repeating: xT[\(row($0, NP))r])" }.joined(separator: ", "))
                w.line("var z = bias")
                for k in 0..<K { w.line("Self.multiplyAddLanes(&z, x\(k), w1_\(k))") }
                w.line("let h = z.replacing(with: 0, where: z .< 0)")
                w.line("let " + (0..<C).map { "d\($0) = Lanes(repeating: t[\(row($0, NP))r])" }.joined(separator: ", "))
                for c in 0..<C { w.line("Self.multiplyAddLanes(&dW2_\(c), h, d\(c))") }
                w.line("var dh = d0 * w2_0")
                for c in 1..<C { w.line("Self.multiplyAddLanes(&dh, d\(c), w2_\(c))") }
                w.line("let dz = Self.keepWherePositive(dh, z)")
                w.line("db1Sum += dz")
                for k in 0..<K { w.line("Self.multiplyAddLanes(&dW1_\(k), x\(k), dz)") }
            }
            for c in 0..<C { w.line("Self.storeLanes(dW2_\(c), dW2t + \(row(c, HP))j0)") }
            w.line("Self.storeLanes(db1Sum, db1p + j0)")
            for k in 0..<K { w.line("Self.storeLanes(dW1_\(k), dW1p + \(row(k, HP))j0)") }
            w.line("j0 += \(lanes)")
        }
    }

    /// Pass 4: the padded sums into the parameter layout, with L2 (loss += λ·Σ W², dW += 2λ·W).
    private func gradientPass(_ w: inout CodeWriter) {
        let K = inputs, H = hidden, C = classes, HP = paddedHidden
        let lit = SwiftLiteral.real
        let decay = l2 > 0 ? " + \(lit(2 * l2)) * " : nil
        w.line(l2 > 0 ? "// The gradient in the parameter layout; L2 with λ = \(l2): L += λ·Σ W², dL/dW += 2λ·W"
                      : "// The gradient in the parameter layout")
        if l2 > 0 { w.line("var squares: Scalar = 0") }
        w.block("for j in 0..<\(H) {") { w in
            for k in 0..<K {
                let i = "\(row(k, H))j"
                w.line("dW1[\(i)] = dW1p[\(row(k, HP))j]" + (decay.map { "\($0)W1[\(i)]" } ?? ""))
                if l2 > 0 { w.line("squares += W1[\(i)] * W1[\(i)]") }
            }
            w.line("db1[j] = db1p[j]")
            for c in 0..<C {
                let i = "\(C) * j\(c == 0 ? "" : " + \(c)")"
                w.line("dW2[\(i)] = dW2t[\(row(c, HP))j]" + (decay.map { "\($0)W2[\(i)]" } ?? ""))
                if l2 > 0 { w.line("squares += W2[\(i)] * W2[\(i)]") }
            }
        }
        w.line(l2 > 0 ? "return dataLoss + \(lit(l2)) * squares" : "return dataLoss")
    }
}
