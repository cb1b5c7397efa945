/// Emits the ops that are not elementwise: matrix products, reductions, transposes and losses
/// (as their definitions spell them).
/// Small ones become straight-line code, the rest loops with constant bounds.
struct KernelEmitter {
    let plan: ExecutionPlan
    let names: ValueNames

    func emit(_ op: Op, _ w: inout CodeWriter) {
        let g = plan.graph
        let out = names[op.output]
        let x = op.inputs.map { names[$0] }
        let unrolled = plan.isUnrolled(op)
        switch op.kind {
        case .matmul(let s):
            if let product = plan.product(op.output), product.form != .scalar {
                simdProduct(s, product, out, x[0], x[1], &w)
            } else {
                matmul(s, out, x[0], x[1], unrolled: unrolled, &w)
            }
        case .transpose(let rows, let cols):
            if unrolled {
                for r in 0..<cols { for c in 0..<rows { w.line("\(out)[\(r * rows + c)] = \(x[0])[\(c * cols + r)]") } }
            } else {
                w.block("for r in 0..<\(cols) {") { w in
                    w.block("for c in 0..<\(rows) {") { w in w.line("\(out)[r * \(rows) + c] = \(x[0])[c * \(cols) + r]") }
                }
            }
        case .sum, .mean, .sumSquares, .dot:
            let n = g[op.inputs[0]].shape.count
            let term = { (i: String) -> String in
                switch op.kind {
                case .sumSquares: return "\(x[0])[\(i)] * \(x[0])[\(i)]"
                case .dot: return "\(x[0])[\(i)] * \(x[1])[\(i)]"
                default: return "\(x[0])[\(i)]"
                }
            }
            let divide = op.kind == .mean ? " / \(n)" : ""
            if unrolled {
                let terms = (0..<n).map { term("\($0)") }.joined(separator: " + ")
                w.line("\(out)[0] = \(op.kind == .mean ? "(\(terms))" : terms)\(divide)")
            } else {
                w.line("var total: Scalar = 0")
                w.block("for i in 0..<\(n) {") { w in w.line("total += \(term("i"))") }
                w.line("\(out)[0] = total\(divide)")
            }
        case .sumToShape:
            let columns = g[op.output].shape.count, rows = g[op.inputs[0]].shape.count / columns
            if plan.usesSumRows(op) {
                w.line("Self.sumRows(\(x[0]), \(out), \(rows), \(columns))")
            } else if unrolled {
                for c in 0..<columns {
                    w.line("\(out)[\(c)] = " + (0..<rows).map { "\(x[0])[\($0 * columns + c)]" }.joined(separator: " + "))
                }
            } else {
                w.block("for c in 0..<\(columns) {") { w in w.line("\(out)[c] = \(x[0])[c]") }
                w.block("for r in 1..<\(rows) {") { w in
                    w.block("for c in 0..<\(columns) {") { w in w.line("\(out)[c] += \(x[0])[r * \(columns) + c]") }
                }
            }
        case .loss(let loss):
            loss.function.emitLoss(lossKernel(op), loss.attribute, &w)
        case .lossGradient(let loss):
            loss.function.emitGradient(lossKernel(op), loss.attribute, &w)
        default:
            preconditionFailure("elementwise op given to KernelEmitter")
        }
    }

    /// A loss and its gradient in one pass, where the loss's definition has one.
    func emitLossAndGradient(loss: Op, gradient: Op, _ w: inout CodeWriter) {
        guard case .loss(let l) = loss.kind, let pass = l.function.emitLossAndGradient else { preconditionFailure("no one-pass kernel") }
        pass(lossKernel(gradient, output: names[loss.output]), names[gradient.output], l.attribute, &w)
    }

    /// The arrays of a loss or loss-gradient op; `output` overrides the op's own output.
    private func lossKernel(_ op: Op, output: String? = nil) -> LossKernel {
        let shape = plan.graph[op.inputs[0]].shape
        var upstream = ""
        if op.inputs.count == 3 {
            if case .literal(let text) = plan.location(op.inputs[2]) { upstream = text } else { upstream = "\(names[op.inputs[2]])[0]" }
        }
        return LossKernel(scores: names[op.inputs[0]], targets: names[op.inputs[1]], output: output ?? names[op.output],
                          upstream: upstream, rows: shape.dims[0], columns: shape.dims[1])
    }

    /// `C[m×n] = op(A)·op(B)` through the SIMD kernels of `ProductKernels`, after copying the
    /// operands the chosen form needs in the other layout.
    private func simdProduct(_ s: MatmulShape, _ p: ExecutionPlan.Product, _ c: String, _ a: String, _ b: String, _ w: inout CodeWriter) {
        let (m, k, n) = (s.m, s.k, s.n)
        switch p.form {
        case .rows:
            // A's element (i, l): row-major [m][k], or stored transposed as [k][m].
            let (ai, ak) = s.transposeA ? (1, m) : (k, 1)
            var right = b
            if let copy = p.copyB {
                right = "s + \(copy)"
                w.line("Self.transposeCopy(\(b), \(right), \(n), \(k))  // Bᵀ: [\(n)×\(k)] → [\(k)×\(n)]")
            }
            w.line("Self.productRows(\(a), \(ai), \(ak), \(right), \(c), \(m), \(k), \(n))")
        case .dots:
            var (left, right) = (a, b)
            if let copy = p.copyA {
                left = "s + \(copy)"
                w.line("Self.transposeCopy(\(a), \(left), \(k), \(m))  // A: [\(k)×\(m)] → [\(m)×\(k)]")
            }
            if let copy = p.copyB {
                right = "s + \(copy)"
                w.line("Self.transposeCopy(\(b), \(right), \(k), \(n))  // B: [\(k)×\(n)] → [\(n)×\(k)]")
            }
            w.line("Self.productDots(\(left), \(right), \(c), \(m), \(k), \(n))")
        case .transposedRows:
            // Cᵀ = op(B)ᵀ·op(A)ᵀ: op(B)ᵀ's element (j, l) read in place, op(A)ᵀ needed as [k][m].
            let (bi, bk) = s.transposeB ? (k, 1) : (1, n)
            var right = a
            if let copy = p.copyA {
                right = "s + \(copy)"
                w.line("Self.transposeCopy(\(a), \(right), \(m), \(k))  // A: [\(m)×\(k)] → [\(k)×\(m)]")
            }
            let transposed = "s + \(p.transposedOutput!)"
            w.line("Self.productRows(\(b), \(bi), \(bk), \(right), \(transposed), \(n), \(k), \(m))  // Cᵀ [\(n)×\(m)]")
            w.line("Self.transposeCopy(\(transposed), \(c), \(n), \(m))")
        case .scalar:
            preconditionFailure("scalar products use the loops")
        }
    }

    /// `C[m×n] = op(A)·op(B)`, summing k in increasing order in both forms.
    private func matmul(_ s: MatmulShape, _ c: String, _ a: String, _ b: String, unrolled: Bool, _ w: inout CodeWriter) {
        func aIndex(_ i: String, _ k: String) -> String { s.transposeA ? "\(k) * \(s.m) + \(i)" : "\(i) * \(s.k) + \(k)" }
        func bIndex(_ k: String, _ j: String) -> String { s.transposeB ? "\(j) * \(s.k) + \(k)" : "\(k) * \(s.n) + \(j)" }
        if unrolled {
            for i in 0..<s.m {
                for j in 0..<s.n {
                    let terms = (0..<s.k).map { k in
                        let ai = s.transposeA ? k * s.m + i : i * s.k + k
                        let bi = s.transposeB ? j * s.k + k : k * s.n + j
                        return "\(a)[\(ai)] * \(b)[\(bi)]"
                    }
                    w.line("\(c)[\(i * s.n + j)] = " + terms.joined(separator: " + "))
                }
            }
        } else if !s.transposeB {
            // Row i of C accumulates a_ik · (row k of B): the inner loop runs over contiguous memory.
            w.block("for i in 0..<\(s.m) {") { w in
                w.block("for j in 0..<\(s.n) {") { w in w.line("\(c)[i * \(s.n) + j] = 0") }
                w.block("for k in 0..<\(s.k) {") { w in
                    w.line("let a = \(a)[\(aIndex("i", "k"))]")
                    w.block("for j in 0..<\(s.n) {") { w in w.line("\(c)[i * \(s.n) + j] += a * \(b)[\(bIndex("k", "j"))]") }
                }
            }
        } else {
            // B is used transposed: each element of C is a dot product of two contiguous rows.
            w.block("for i in 0..<\(s.m) {") { w in
                w.block("for j in 0..<\(s.n) {") { w in
                    w.line("var acc: Scalar = 0")
                    w.block("for k in 0..<\(s.k) {") { w in w.line("acc += \(a)[\(aIndex("i", "k"))] * \(b)[\(bIndex("k", "j"))]") }
                    w.line("\(c)[i * \(s.n) + j] = acc")
                }
            }
        }
    }
}
