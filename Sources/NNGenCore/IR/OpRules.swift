/// The op table: for each op, its shape rule and its pullback, written once, side by side.
///
/// A pullback receives the adjoint `dy` of the op's output and returns the adjoint contribution
/// for each input (nil where an input has no gradient, such as labels or masks); a contribution
/// may be `dy` itself where the local gradient is 1, so no copy is made. Contributions
/// have the op's output shape or the input's shape; `Differentiator` sums away broadcasting.
/// Tie rules: relu'(0) = 0, leaky_relu'(0) = alpha, elu'(0) = 1, `max(a, b)` sends the gradient to
/// `a` when a = b (so maxout ties go to the lowest piece), `min(a, b)` likewise to `a`.
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
        case .transpose(let rows, let cols): return Shape([cols, rows])
        case .sum, .mean, .sumSquares, .dot, .softmaxCrossEntropy, .hinge, .meanSquaredError: return .scalar
        case .sumToShape: preconditionFailure("sumToShape needs an explicit shape")
        case .softmaxCrossEntropyGradient, .hingeGradient, .meanSquaredErrorGradient: return shapes[0]
        }
    }

    /// Appends the ops of the pullback of `op` to `b`; `dy` is the adjoint of `op.output`.
    /// `d` writes "dL/dname" for comments.
    static func pullback(_ op: Op, _ dy: ValueID, _ b: inout GraphBuilder, d: (String) -> String) -> [ValueID?] {
        let x = op.inputs, y = op.output
        let inputNames = x.map { b.name($0) }, inputLabels = x.map { b.describe($0) }
        /// How input i reads in a comment (a constant as its number).
        func n(_ i: Int) -> String { inputLabels[i] }
        let dyName = d(b.name(y)), yName = b.name(y)
        /// The name of input i's adjoint contribution.
        func adj(_ i: Int) -> String { "d" + inputNames[i] }
        switch op.kind {
        case .unary(let f):
            let dx = d(n(0))
            switch f {
            case .neg:  // y = −x;  dx = −dy
                return [b.unary(.neg, dy, adj(0), "\(dx) = −\(dyName)   (∂\(yName)/∂\(n(0)) = −1)")]
            case .exp:  // y = eˣ;  dx = dy · y
                return [b.binary(.mul, dy, y, adj(0), "\(dx) = \(dyName) · \(yName)   (∂\(yName)/∂\(n(0)) = exp(\(n(0))) = \(yName))")]
            case .log:  // y = ln x;  dx = dy / x
                return [b.binary(.div, dy, x[0], adj(0), "\(dx) = \(dyName) / \(n(0))   (∂\(yName)/∂\(n(0)) = 1/\(n(0)))")]
            case .square:  // y = x²;  dx = dy · 2x
                let twoX = b.binary(.mul, b.constant(2), x[0], "\(inputNames[0])_twice", "2·\(n(0))")
                return [b.binary(.mul, dy, twoX, adj(0), "\(dx) = \(dyName) · 2\(n(0))   (∂\(yName)/∂\(n(0)) = 2\(n(0)))")]
            case .sqrt:  // y = √x;  dx = dy / (2y)
                let twoY = b.binary(.mul, b.constant(2), y, "\(yName)_twice", "2·\(yName)")
                return [b.binary(.div, dy, twoY, adj(0), "\(dx) = \(dyName) / (2·\(yName))   (∂\(yName)/∂\(n(0)) = 1/(2√\(n(0))))")]
            case .sigmoid:  // y = σ(x);  dx = dy · y(1 − y)
                let oneMinus = b.binary(.sub, b.constant(1), y, "\(yName)_complement", "1 − \(yName)")
                let local = b.binary(.mul, y, oneMinus, "\(yName)_slope", "σ'(\(n(0))) = \(yName)(1 − \(yName))")
                return [b.binary(.mul, dy, local, adj(0), "\(dx) = \(dyName) · \(yName)(1 − \(yName))   (∂\(yName)/∂\(n(0)) = σ(\(n(0)))(1 − σ(\(n(0)))))")]
            case .tanh:  // y = tanh x;  dx = dy · (1 − y²)
                let ySquared = b.unary(.square, y, "\(yName)_squared", "\(yName)²")
                let local = b.binary(.sub, b.constant(1), ySquared, "\(yName)_slope", "tanh'(\(n(0))) = 1 − \(yName)²")
                return [b.binary(.mul, dy, local, adj(0), "\(dx) = \(dyName) · (1 − \(yName)²)   (∂\(yName)/∂\(n(0)) = 1 − tanh²(\(n(0))))")]
            case .relu:  // y = max(0, x);  dx = dy where x > 0, else 0 (relu'(0) = 0)
                // y > 0 exactly where x > 0, so the mask reads the output: the input need not be kept.
                let mask = b.binary(.greater, y, b.constant(0), "\(inputNames[0])_positive", "1 where \(n(0)) > 0, that is where \(yName) > 0")
                return [b.select(mask, dy, b.constant(0), adj(0), "\(dx) = \(dyName) · 1[\(n(0)) > 0]   (∂\(yName)/∂\(n(0)) = 1 where \(n(0)) > 0, else 0)")]
            case .leakyRelu(let alpha):  // y = max(αx, x);  dx = dy where x > 0, else α·dy
                // With 0 ≤ α < 1, y > 0 exactly where x > 0: the mask reads the output.
                let mask = b.binary(.greater, y, b.constant(0), "\(inputNames[0])_positive", "1 where \(n(0)) > 0, that is where \(yName) > 0")
                let scaled = b.binary(.mul, dy, b.constant(alpha), "d\(yName)_leak", "α·\(dyName)")
                return [b.select(mask, dy, scaled, adj(0), "\(dx) = \(dyName) · leaky_relu'(\(n(0)))   (∂\(yName)/∂\(n(0)) = 1 where \(n(0)) > 0, else α = \(alpha))")]
            case .elu(let alpha):  // y = x (x ≥ 0), α(eˣ − 1) (x < 0);  dx = dy (x ≥ 0), dy·(y + α) (x < 0)
                let mask = b.binary(.greaterOrEqual, x[0], b.constant(0), "\(inputNames[0])_nonnegative", "1 where \(n(0)) ≥ 0")
                let slope = b.binary(.add, y, b.constant(alpha), "\(yName)_slope", "elu'(\(n(0))) = \(yName) + α for \(n(0)) < 0")
                let negative = b.binary(.mul, dy, slope, "\(yName)_negative_part", "\(dyName) · (\(yName) + α)")
                return [b.select(mask, dy, negative, adj(0), "\(dx) = \(dyName) · elu'(\(n(0)))   (∂\(yName)/∂\(n(0)) = 1 where \(n(0)) ≥ 0, else \(yName) + α)")]
            }
        case .binary(let f):
            let da = d(n(0)), db = d(n(1))
            switch f {
            case .add:  // y = a + b;  da = dy, db = dy: the adjoint passes through unchanged
                return [dy, dy]
            case .sub:  // y = a − b;  da = dy, db = −dy
                return [dy, b.unary(.neg, dy, adj(1), "\(db) = −\(dyName)   (∂\(yName)/∂\(n(1)) = −1)")]
            case .mul:  // y = a·b;  da = dy·b, db = dy·a
                return [
                    b.binary(.mul, dy, x[1], adj(0), "\(da) = \(dyName) · \(n(1))   (∂\(yName)/∂\(n(0)) = \(n(1)))"),
                    b.binary(.mul, dy, x[0], adj(1), "\(db) = \(dyName) · \(n(0))   (∂\(yName)/∂\(n(1)) = \(n(0)))"),
                ]
            case .div:  // y = a/b;  da = dy/b, db = −dy·y/b
                let dyY = b.binary(.mul, dy, y, "\(yName)_times_upstream", "\(dyName) · \(yName)")
                let quotient = b.binary(.div, dyY, x[1], "\(yName)_over_divisor", "\(dyName) · \(yName) / \(n(1))")
                return [
                    b.binary(.div, dy, x[1], adj(0), "\(da) = \(dyName) / \(n(1))   (∂\(yName)/∂\(n(0)) = 1/\(n(1)))"),
                    b.unary(.neg, quotient, adj(1), "\(db) = −\(dyName) · \(yName) / \(n(1))   (∂\(yName)/∂\(n(1)) = −\(n(0))/\(n(1))²)"),
                ]
            case .max, .min:  // y = max(a, b);  da = dy where a ≥ b (ties to a), db = dy elsewhere
                let mask = f == .max
                    ? b.binary(.greaterOrEqual, x[0], x[1], "\(yName)_takes_first", "1 where \(n(0)) ≥ \(n(1))")
                    : b.binary(.greaterOrEqual, x[1], x[0], "\(yName)_takes_first", "1 where \(n(0)) ≤ \(n(1))")
                let zero = b.constant(0)
                let which = f == .max ? "max" : "min"
                return [
                    b.select(mask, dy, zero, adj(0), "\(da) = \(dyName) where \(which) chose \(n(0)) (ties go to \(n(0)))"),
                    b.select(mask, zero, dy, adj(1), "\(db) = \(dyName) where \(which) chose \(n(1))"),
                ]
            case .greater, .greaterOrEqual:  // masks are piecewise constant: no gradient
                return [nil, nil]
            }
        case .select:  // y = m ? a : b;  da = dy where m, db = dy where not m
            let zero = b.constant(0)
            return [
                nil,
                b.select(x[0], dy, zero, adj(1), "\(d(n(1))) = \(dyName) where \(n(0)) holds"),
                b.select(x[0], zero, dy, adj(2), "\(d(n(2))) = \(dyName) where \(n(0)) does not hold"),
            ]
        case .matmul(let s):
            return matmulPullback(s, x, dy, dyName, &b, d: d)
        case .transpose(let rows, let cols):  // y = xᵀ;  dx = dyᵀ
            return [b.op(.transpose(rows: cols, cols: rows), [dy], name: adj(0), comment: "\(d(n(0))) = (\(dyName))ᵀ")]
        case .sum:  // y = Σx;  dx = dy (every element)
            return [b.broadcast(dy, to: b.shape(x[0]), adj(0), "\(d(n(0))) = \(dyName) for every element   (∂\(yName)/∂\(n(0))ᵢ = 1)")]
        case .mean:  // y = Σx / n;  dx = dy / n
            let count = Double(b.shape(x[0]).count)
            let share = b.binary(.div, dy, b.constant(count), "\(yName)_share", "\(dyName) / \(Int(count))")
            return [b.broadcast(share, to: b.shape(x[0]), adj(0), "\(d(n(0))) = \(dyName) / \(Int(count)) for every element   (∂\(yName)/∂\(n(0))ᵢ = 1/\(Int(count)))")]
        case .sumSquares:  // y = Σx²;  dx = 2x · dy
            let twice = b.binary(.mul, dy, b.constant(2), "\(yName)_twice_upstream", "2·\(dyName)")
            return [b.binary(.mul, x[0], twice, adj(0), "\(d(n(0))) = 2·\(n(0)) · \(dyName)   (∂\(yName)/∂\(n(0))ᵢ = 2\(n(0))ᵢ)")]
        case .dot:  // y = Σ aᵢbᵢ;  da = dy · b, db = dy · a
            return [
                b.binary(.mul, dy, x[1], adj(0), "\(d(n(0))) = \(dyName) · \(n(1))   (∂\(yName)/∂\(n(0))ᵢ = \(n(1))ᵢ)"),
                b.binary(.mul, dy, x[0], adj(1), "\(d(n(1))) = \(dyName) · \(n(0))   (∂\(yName)/∂\(n(1))ᵢ = \(n(0))ᵢ)"),
            ]
        case .sumToShape:  // y = Σ over leading axes of x;  dx = dy repeated along them
            return [b.broadcast(dy, to: b.shape(x[0]), adj(0), "\(d(n(0))) = \(dyName) repeated over the summed axes")]
        case .copy:  // y = x (broadcast);  dx = dy (summed back by the differentiator)
            return [dy]
        case .softmaxCrossEntropy:  // fused softmax + CE: ds = dy · (softmax(s) − onehot(y)) / N
            return [
                b.op(.softmaxCrossEntropyGradient, [x[0], x[1], dy], name: adj(0),
                     comment: "\(d(n(0))) = \(dyName) · (softmax(\(n(0))) − onehot(\(n(1)))) / N"),
                nil,
            ]
        case .hinge(let margin):  // ds_ij = dy/N · (1[m_ij > 0] − [j = y_i]·Σ_k 1[m_ik > 0]), m = s − s_y + Δ
            return [
                b.op(.hingeGradient(margin: margin), [x[0], x[1], dy], name: adj(0),
                     comment: "\(d(n(0))) = \(dyName)/N · (1 where margin > 0, minus their count at the true class)"),
                nil,
            ]
        case .meanSquaredError:  // ds = dy · 2(s − t)/(N·C)
            return [
                b.op(.meanSquaredErrorGradient, [x[0], x[1], dy], name: adj(0), comment: "\(d(n(0))) = \(dyName) · 2(\(n(0)) − \(n(1)))/(N·C)"),
                nil,
            ]
        case .softmaxCrossEntropyGradient, .hingeGradient, .meanSquaredErrorGradient:
            return Array(repeating: nil, count: x.count)  // only ever used in backward passes
        }
    }

    /// C = op(A)·op(B):  dA = dC·op(B)ᵀ and dB = op(A)ᵀ·dC, each mapped back to A's and B's storage.
    private static func matmulPullback(_ s: MatmulShape, _ x: [ValueID], _ dC: ValueID, _ dCn: String, _ b: inout GraphBuilder, d: (String) -> String) -> [ValueID?] {
        let a = x[0], bb = x[1]
        let an = b.name(a), bn = b.name(bb)
        let aShape = b.shape(a), bShape = b.shape(bb)
        func mm(_ l: ValueID, _ r: ValueID, _ m: Int, _ k: Int, _ n: Int, _ tl: Bool, _ tr: Bool, _ shape: Shape, _ name: String, _ comment: String) -> ValueID {
            b.op(.matmul(MatmulShape(m: m, k: k, n: n, transposeA: tl, transposeB: tr)), [l, r], name: name, shape: shape, comment: comment)
        }
        let bT = s.transposeB ? bn : "\(bn)ᵀ", aT = s.transposeA ? an : "\(an)ᵀ"
        switch (s.transposeA, s.transposeB) {
        case (false, false):  // C = A·B:  dA = dC·Bᵀ,  dB = Aᵀ·dC
            return [
                mm(dC, bb, s.m, s.n, s.k, false, true, aShape, "d" + an, "\(d(an)) = \(dCn) · \(bT)"),
                mm(a, dC, s.k, s.m, s.n, true, false, bShape, "d" + bn, "\(d(bn)) = \(aT) · \(dCn)"),
            ]
        case (true, false):  // C = Aᵀ·B:  dA = B·dCᵀ,  dB = A·dC
            return [
                mm(bb, dC, s.k, s.n, s.m, false, true, aShape, "d" + an, "\(d(an)) = \(bn) · (\(dCn))ᵀ"),
                mm(a, dC, s.k, s.m, s.n, false, false, bShape, "d" + bn, "\(d(bn)) = \(an) · \(dCn)"),
            ]
        case (false, true):  // C = A·Bᵀ:  dA = dC·B,  dB = dCᵀ·A
            return [
                mm(dC, bb, s.m, s.n, s.k, false, false, aShape, "d" + an, "\(d(an)) = \(dCn) · \(bn)"),
                mm(dC, a, s.n, s.m, s.k, true, false, bShape, "d" + bn, "\(d(bn)) = (\(dCn))ᵀ · \(an)"),
            ]
        case (true, true):  // C = Aᵀ·Bᵀ:  dA = Bᵀ·dCᵀ,  dB = dCᵀ·Aᵀ
            return [
                mm(bb, dC, s.k, s.n, s.m, true, true, aShape, "d" + an, "\(d(an)) = \(bn)ᵀ · (\(dCn))ᵀ"),
                mm(dC, a, s.n, s.m, s.k, true, true, bShape, "d" + bn, "\(d(bn)) = (\(dCn))ᵀ · \(an)ᵀ"),
            ]
        }
    }
}
