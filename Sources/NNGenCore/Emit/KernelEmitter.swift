/// Emits the ops that are not elementwise: matrix products, reductions, transposes and losses.
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
            matmul(s, out, x[0], x[1], unrolled: unrolled, &w)
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
            if unrolled {
                for c in 0..<columns {
                    w.line("\(out)[\(c)] = " + (0..<rows).map { "\(x[0])[\($0 * columns + c)]" }.joined(separator: " + "))
                }
            } else {
                w.block("for c in 0..<\(columns) {") { w in w.line("\(out)[c] = \(x[0])[c]") }
                w.block("for r in 1..<\(rows) {") { w in
                    w.block("for c in 0..<\(columns) {") { w in w.line("\(out)[c] += \(x[0])[r * \(columns) + c]") }
                }
            }
        case .softmaxCrossEntropy, .softmaxCrossEntropyGradient, .hinge, .hingeGradient,
             .meanSquaredError, .meanSquaredErrorGradient:
            var arguments = Array(x.prefix(2))
            if op.inputs.count == 3 {
                if case .literal(let text) = plan.location(op.inputs[2]) { arguments.append(text) } else { arguments.append("\(x[2])[0]") }
            }
            LossEmitter(rows: g[op.inputs[0]].shape.dims[0], columns: g[op.inputs[0]].shape.dims[1])
                .emit(op.kind, out: out, inputs: arguments, &w)
        default:
            preconditionFailure("elementwise op given to KernelEmitter")
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
