/// The op table: for each op, its shape rule and its pullback, written once, side by side.
/// Elementwise functions keep theirs in their definitions (`UnaryOp`, `BinaryFunction`).
///
/// A pullback receives the adjoint `dy` of the op's output and returns the adjoint contribution
/// for each input (nil where an input has no gradient, such as labels or masks); a contribution
/// may be `dy` itself where the local gradient is 1, so no copy is made. Contributions
/// have the op's output shape or the input's shape; `Differentiator` sums away broadcasting.
public enum OpRules {
    /// The shape all of `shapes` broadcast to (the longest; others are scalars or suffixes).
    static func broadcastShape(_ shapes: [Shape]) -> Shape {
        let result = shapes.max { $0.dims.count < $1.dims.count } ?? .scalar
        precondition(shapes.allSatisfy { result.accepts(broadcast: $0) }, "shapes \(shapes) do not broadcast")
        return result
    }

    /// The output shape of `kind` applied to inputs of `shapes`.
    static func outputShape(_ kind: OpKind, _ shapes: [Shape]) -> Shape {
        switch kind {
        case .unary, .copy: return shapes[0]
        case .binary, .select: return broadcastShape(shapes)
        case .matmul(let d):
            // A vector right operand gives a vector result.
            return shapes[1].dims.count == 1 && d.n == 1 && !d.transposeB ? Shape([d.m]) : Shape([d.m, d.n])
        case .transpose(let count, let rows, let cols): return count == 1 ? Shape([cols, rows]) : Shape([count, cols * rows])
        case .im2col(let g): return Convolution.rowsShape(g)
        case .col2im(let g): return Shape([g.input.batch, g.input.count / g.input.batch])
        case .convolution(let c): return c.outputShape
        case .convolutionFilterGradient(let c): return c.filterShape
        case .pool(let p): return p.outputShape
        case .poolGradient(let p): return Shape([p.window.input.batch, p.window.input.count / p.window.input.batch])
        case .batchStatistics(let n): return n.statisticsShape
        case .normalize, .normalizeGradient: return shapes[0]
        case .sum, .mean, .sumSquares, .dot, .loss: return .scalar
        case .sumToShape: preconditionFailure("sumToShape needs an explicit shape")
        case .lossGradient: return shapes[0]
        }
    }

    /// Appends the ops of the pullback of `op` to `b`; `dy` is the adjoint of `op.output`, which
    /// comments call `dyText` (the name of the value the code reads, or its number), and input i's
    /// contribution is named `adjointNames[i]`. `d` writes "dL/dname" for comments.
    static func pullback(_ op: Op, _ dy: ValueID, _ b: inout GraphBuilder, dyText: String, adjointNames: [String],
                         d: (String) -> String) -> [ValueID?] {
        let x = op.inputs, y = op.output
        let inputNames = x.map { b.name($0) }, inputLabels = x.map { b.describe($0) }
        /// How input i reads in a comment (a constant as its number).
        func n(_ i: Int) -> String { inputLabels[i] }
        let dyName = dyText, yName = b.name(y)
        /// The name of input i's adjoint contribution.
        func adj(_ i: Int) -> String { adjointNames[i] }
        switch op.kind {
        case .unary(let f):
            let step = UnaryPullbackStep(attribute: f.attribute, x: x[0], y: y, dy: dy, xText: n(0), xName: inputNames[0],
                                         yName: yName, dyText: dyName, dxText: d(n(0)), dxName: adj(0))
            return [f.op.pullback(&b, step)]
        case .binary(let f):
            let step = BinaryPullbackStep(inputs: x, y: y, dy: dy, texts: inputLabels, dTexts: inputLabels.map(d), dyText: dyName,
                                          yName: yName, adjointNames: adjointNames)
            return f.pullback(&b, step)
        case .select:  // y = m ? a : b;  da = dy where m, db = dy where not m
            let zero = b.constant(0)
            return [
                nil,
                b.select(x[0], dy, zero, adj(1), "\(d(n(1))) = \(dyName) where \(n(0)) holds"),
                b.select(x[0], zero, dy, adj(2), "\(d(n(2))) = \(dyName) where \(n(0)) does not hold"),
            ]
        case .matmul(let s):
            return matmulPullback(s, x, dy, dyName, adjointNames, &b, d: d)
        case .transpose(let count, let rows, let cols):  // y = xᵀ;  dx = dyᵀ (matrix by matrix)
            return [b.op(.transpose(count: count, rows: cols, cols: rows), [dy], name: adj(0), shape: b.shape(x[0]), comment: "\(d(n(0))) = (\(dyName))ᵀ")]
        case .im2col(let g):
            return [Convolution.rowsPullback(g, x[0], dy, &b, dyText: dyName, dxText: d(n(0)), dxName: adj(0))]
        case .col2im(let g):
            return [Convolution.windowsPullback(g, dy, &b, dyText: dyName, dxText: d(n(0)), dxName: adj(0))]
        case .convolution(let c):
            return c.pullback(x[0], x[1], dy, &b, dyText: dyName, dxText: d(n(0)), dwText: d(n(1)), dxName: adj(0), dwName: adj(1), wText: n(1))
        case .pool(let p):
            return [p.pullback(x[0], dy, &b, dyText: dyName, dxText: d(n(0)), dxName: adj(0))]
        case .poolGradient, .normalizeGradient, .convolutionFilterGradient:
            return Array(repeating: nil, count: x.count)  // only ever used in backward passes
        case .batchStatistics:
            return [nil]  // read by normalize, whose pullback to x includes the statistics' share
        case .normalize(let norm):
            return norm.pullback(x[0], x[1], dy, &b, dyText: dyName, dxText: d(n(0)), dxName: adj(0))
        case .sum:  // y = Σx;  dx = dy (every element)
            return [b.broadcast(dy, to: b.shape(x[0]), adj(0), OpComment("\(d(n(0))) = \(dyName) for every element", .localGradient("∂\(yName)/∂\(n(0))ᵢ = 1")))]
        case .mean:  // y = Σx / n;  dx = dy / n
            let count = Double(b.shape(x[0]).count)
            let share = b.binary(.div, dy, b.constant(count), "\(yName)_share", "\(dyName) / \(Int(count))")
            return [b.broadcast(share, to: b.shape(x[0]), adj(0), OpComment("\(d(n(0))) = \(dyName) / \(Int(count)) for every element", .localGradient("∂\(yName)/∂\(n(0))ᵢ = 1/\(Int(count))")))]
        case .sumSquares:  // y = Σx²;  dx = 2x · dy
            let twice = b.binary(.mul, dy, b.constant(2), "\(yName)_twice_upstream", "2·\(dyName)")
            return [b.binary(.mul, x[0], twice, adj(0), OpComment("\(d(n(0))) = 2·\(n(0)) · \(dyName)", .localGradient("∂\(yName)/∂\(n(0))ᵢ = 2\(n(0))ᵢ")))]
        case .dot:  // y = Σ aᵢbᵢ;  da = dy · b, db = dy · a
            return [
                b.binary(.mul, dy, x[1], adj(0), OpComment("\(d(n(0))) = \(dyName) · \(n(1))", .localGradient("∂\(yName)/∂\(n(0))ᵢ = \(n(1))ᵢ"))),
                b.binary(.mul, dy, x[0], adj(1), OpComment("\(d(n(1))) = \(dyName) · \(n(0))", .localGradient("∂\(yName)/∂\(n(1))ᵢ = \(n(0))ᵢ"))),
            ]
        case .sumToShape:  // y = Σ over leading axes of x;  dx = dy repeated along them
            return [b.broadcast(dy, to: b.shape(x[0]), adj(0), "\(d(n(0))) = \(dyName) repeated over the summed axes")]
        case .copy:  // y = x (broadcast);  dx = dy (summed back by the differentiator)
            return [dy]
        case .loss(let loss):  // ds = dy · dLoss/ds (the definition's gradient); targets have none
            return [
                b.op(.lossGradient(loss), [x[0], x[1], dy], name: adj(0),
                     comment: "\(d(n(0))) = \(loss.function.gradientFormula(n(0), n(1), dyName))"),
                nil,
            ]
        case .lossGradient:
            return Array(repeating: nil, count: x.count)  // only ever used in backward passes
        }
    }

    /// C = op(A)·op(B):  dA = dC·op(B)ᵀ and dB = op(A)ᵀ·dC, each mapped back to A's and B's storage.
    private static func matmulPullback(_ s: MatmulShape, _ x: [ValueID], _ dC: ValueID, _ dCn: String, _ names: [String],
                                       _ b: inout GraphBuilder, d: (String) -> String) -> [ValueID?] {
        let a = x[0], bb = x[1]
        let an = b.name(a), bn = b.name(bb)
        let aShape = b.shape(a), bShape = b.shape(bb)
        func mm(_ l: ValueID, _ r: ValueID, _ m: Int, _ k: Int, _ n: Int, _ tl: Bool, _ tr: Bool, _ shape: Shape, _ name: String, _ comment: OpComment) -> ValueID {
            b.op(.matmul(MatmulShape(m: m, k: k, n: n, transposeA: tl, transposeB: tr)), [l, r], name: name, shape: shape, comment: comment)
        }
        let bT = s.transposeB ? bn : "\(bn)ᵀ", aT = s.transposeA ? an : "\(an)ᵀ"
        switch (s.transposeA, s.transposeB) {
        case (false, false):  // C = A·B:  dA = dC·Bᵀ,  dB = Aᵀ·dC
            return [
                mm(dC, bb, s.m, s.n, s.k, false, true, aShape, names[0], "\(d(an)) = \(dCn) · \(bT)"),
                mm(a, dC, s.k, s.m, s.n, true, false, bShape, names[1], "\(d(bn)) = \(aT) · \(dCn)"),
            ]
        case (true, false):  // C = Aᵀ·B:  dA = B·dCᵀ,  dB = A·dC
            return [
                mm(bb, dC, s.k, s.n, s.m, false, true, aShape, names[0], "\(d(an)) = \(bn) · (\(dCn))ᵀ"),
                mm(a, dC, s.k, s.m, s.n, false, false, bShape, names[1], "\(d(bn)) = \(an) · \(dCn)"),
            ]
        case (false, true):  // C = A·Bᵀ:  dA = dC·B,  dB = dCᵀ·A
            return [
                mm(dC, bb, s.m, s.n, s.k, false, false, aShape, names[0], "\(d(an)) = \(dCn) · \(bn)"),
                mm(dC, a, s.n, s.m, s.k, true, false, bShape, names[1], "\(d(bn)) = (\(dCn))ᵀ · \(an)"),
            ]
        case (true, true):  // C = Aᵀ·Bᵀ:  dA = Bᵀ·dCᵀ,  dB = dCᵀ·Aᵀ
            return [
                mm(bb, dC, s.k, s.n, s.m, true, true, aShape, names[0], "\(d(an)) = \(bn)ᵀ · (\(dCn))ᵀ"),
                mm(dC, a, s.n, s.m, s.k, true, true, bShape, names[1], "\(d(bn)) = (\(dCn))ᵀ · \(an)ᵀ"),
            ]
        }
    }
}
