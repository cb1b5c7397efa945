/// Lowers each op of the IR to its kernel: the one place where an op's loops, unrolled statements
/// and reductions are written, for both forms. What differs between the forms is given to it as
/// decisions (which values are fused, how a product runs) and left to the renderers (where values
/// live).
struct KernelLowering {
    let graph: Graph
    let unroll: UnrollPolicy
    /// True for a value computed inside its only consumer instead of being stored.
    let isFused: (ValueID) -> Bool
    /// Fused values become named locals of their consumer's body (networks: one `let` per value),
    /// or are written inline into its expression (graphs, where they are a pullback's helpers).
    let namesFusedValues: Bool
    /// Comparisons kept as `Bool` because every consumer uses them as a condition (graphs).
    let conditions: Set<ValueID>
    /// exp, tanh, eˣ − 1 and ln(1 + x) in loops run through `FastMath` (networks).
    let fastMath: Bool
    /// How a product runs when it is not unrolled: SIMD kernels (networks), or nil for loops.
    let productPlan: (ValueID) -> ExecutionPlan.Product?
    /// True when a bias-gradient sum runs through `sumRows` (networks).
    let usesSumRows: (Op) -> Bool
    /// The scratch offset planned for an op's helper, by the value it computes (`DirectConvolution`).
    let helperScratch: (ValueID) -> Int?
    /// The spelling of the kernels' own locals and counters (graphs prefix them with `_`, which no
    /// spec name starts with).
    let local: (String) -> String
    /// True where every output starts as zeros (a graph's fresh arrays), so sums need not clear it.
    let outputsStartAtZero: Bool
    /// True where constants are read as values, spelled by the renderer, instead of literals (an
    /// outlined graph's kernels take them as parameters, so that ops differing only in a constant
    /// share one function).
    let constantsAsValues: Bool
    private let producers: [Int?]
    /// Elementwise ops whose output is read as another value's elements: the bias add that a
    /// direct convolution starts its accumulators with (`foldedBias`), by its output.
    private var aliases: [ValueID: ValueID] = [:]

    init(graph: Graph, unroll: UnrollPolicy, isFused: @escaping (ValueID) -> Bool, namesFusedValues: Bool,
         conditions: Set<ValueID> = [], fastMath: Bool = false,
         productPlan: @escaping (ValueID) -> ExecutionPlan.Product? = { _ in nil },
         usesSumRows: @escaping (Op) -> Bool = { _ in false }, helperScratch: @escaping (ValueID) -> Int? = { _ in nil }, local: @escaping (String) -> String = { $0 },
         outputsStartAtZero: Bool = false, constantsAsValues: Bool = false) {
        self.graph = graph
        self.unroll = unroll
        self.isFused = isFused
        self.namesFusedValues = namesFusedValues
        self.conditions = conditions
        self.fastMath = fastMath
        self.productPlan = productPlan
        self.usesSumRows = usesSumRows
        self.helperScratch = helperScratch
        self.local = local
        self.outputsStartAtZero = outputsStartAtZero
        self.constantsAsValues = constantsAsValues
        producers = graph.producers
    }

    /// The kernel of `op` (which must not be fused into another). For a product, `epilogue` is an
    /// elementwise op that reads it (`ExecutionPlan.epilogue(of:)`): it is computed, with its fused
    /// producers, on each block of the product as soon as the block is final.
    func kernel(_ op: Op, epilogue: Op? = nil) -> Kernel {
        let fusedOps = namesFusedValues ? fusedProducers(of: op) : []
        var comments = (fusedOps + [op]).map(\.comment.text)
        switch op.kind {
        case .unary, .binary, .select, .copy: return Kernel(comments: comments, body: elementwise(op, fusedOps))
        case .matmul(let s):
            let body = epilogue.map { epilogueBody($0, columns: s.n, of: "the product", comments: &comments) }
            return Kernel(comments: comments, body: matmul(op, s, epilogue: body))
        case .transpose(let count, let rows, let cols): return Kernel(comments: comments, body: transpose(op, count, rows, cols))
        case .im2col(let g), .col2im(let g):
            let name = Convolution.helperName(adjoint: op.kind == .col2im(g))
            return Kernel(comments: comments, body: [.call("Self.\(name)", [.input(op.inputs[0]), .output(op.output)] + g.helperArguments, note: nil)])
        case .convolutionFilterGradient(let c):
            guard let scratch = helperScratch(op.output) else { preconditionFailure("direct convolutions are planned with their scratch") }
            let arguments = op.inputs.map(KernelArgument.input) + [.output(op.output), .scratch(scratch)] + c.helperArguments
            return Kernel(comments: comments, body: [.call("Self." + DirectConvolution.helperName(gradient: true), arguments, note: nil)])
        case .convolution(let c):
            guard let scratch = helperScratch(op.output) else { preconditionFailure("direct convolutions are planned with their scratch") }
            let name = "Self." + DirectConvolution.helperName(gradient: false)
            // A bias added to every position in the epilogue is the accumulators' starting value instead.
            let bias = epilogue.flatMap { foldedBias(of: op, in: $0) }
            let arguments = op.inputs.map(KernelArgument.input) + [bias.map { .input($0.bias) } ?? .none, .output(op.output), .scratch(scratch)]
                + c.helperArguments
            guard let epilogue else { return Kernel(comments: comments, body: [.call(name, arguments, note: nil)]) }
            var lowering = self
            if let bias { lowering.aliases[bias.sum] = op.output }
            let (body, wholeRows) = lowering.convolutionEpilogueBody(epilogue, of: op, comments: &comments)
            return Kernel(comments: comments, body: [.callWithEpilogue(name, arguments, rowLength: c.filters, wholeRows: wholeRows, body: body)])
        case .pool(let p):
            let name = p.helperName(gradient: false)
            return Kernel(comments: comments, body: [.call("Self.\(name)", [.input(op.inputs[0]), .output(op.output)] + p.window.helperArguments, note: nil)])
        case .poolGradient(let p):
            let name = p.helperName(gradient: true)
            return Kernel(comments: comments, body: [.call("Self.\(name)", op.inputs.map(KernelArgument.input) + [.output(op.output)] + p.window.helperArguments, note: nil)])
        case .batchStatistics(let n):
            return Kernel(comments: comments, body: [.call("Self.batchStatistics", [.input(op.inputs[0]), .output(op.output)] + n.helperArguments, note: nil)])
        case .normalize(let n):
            return Kernel(comments: comments, body: [.call("Self.batchNormalize", op.inputs.map(KernelArgument.input) + [.output(op.output)] + n.helperArguments + [.real(n.epsilon)], note: nil)])
        case .normalizeGradient(let n):
            return Kernel(comments: comments, body: [.call("Self.batchNormalizeGradient", op.inputs.map(KernelArgument.input) + [.output(op.output)] + n.helperArguments + [.real(n.epsilon)], note: nil)])
        case .sum, .mean, .sumSquares, .dot: return Kernel(comments: comments, body: reduction(op))
        case .sumToShape: return Kernel(comments: comments, body: sumToShape(op))
        case .loss(let loss): return Kernel(comments: comments, body: loss.function.lossKernel(lossArrays(op), loss.attribute))
        case .lossGradient(let loss): return Kernel(comments: comments, body: loss.function.gradientKernel(lossArrays(op), loss.attribute))
        }
    }

    /// The body that `helper` (a product or a direct convolution) runs on each element of a
    /// finished block of its result, whose rows have `columns` elements: `epilogue` with its fused
    /// producers. Their comments join `comments`.
    private func epilogueBody(_ epilogue: Op, columns: Int, of helper: String, comments: inout [String]) -> [KernelStatement] {
        let producers = fusedProducers(of: epilogue)
        comments += (producers + [epilogue]).map { $0.comment.text + "   (in \(helper)'s epilogue)" }
        return elementBody(epilogue, producers, .loop(suffix: columns), of: graph[epilogue.output].shape)
    }

    /// A direct convolution's epilogue body, and whether it reads every value at the element it
    /// writes (no bias by column once the bias is folded), so that it can run as one loop over
    /// the whole rows the helper passes.
    private func convolutionEpilogueBody(_ epilogue: Op, of convolution: Op, comments: inout [String]) -> ([KernelStatement], Bool) {
        let shape = graph[epilogue.output].shape, producers = fusedProducers(of: epilogue)
        comments += (producers + [epilogue]).map { op in
            op.comment.text + (aliases[op.output] == nil ? "   (in the convolution's epilogue)" : "   (the bias starts the convolution's sums)")
        }
        let computed = (producers + [epilogue]).filter { aliases[$0.output] == nil }
        let reads = computed.flatMap(\.inputs).filter { !isFused($0) } + Array(aliases.values)
        let wholeRows = reads.allSatisfy { graph[$0].shape.isScalar || graph[$0].shape == shape }
        let columns = graph[convolution.output].shape.dims.last!
        return (elementBody(epilogue, producers, .loop(suffix: wholeRows ? nil : columns), of: shape), wholeRows)
    }

    /// The bias of `b = C + bias` (the bias a row of C's width, added to every position) when
    /// that sum is the convolution C's epilogue or one of its fused producers, read from C alone.
    private func foldedBias(of convolution: Op, in epilogue: Op) -> (sum: ValueID, bias: ValueID)? {
        let c = convolution.output, columns = graph[c].shape.dims.last!
        for op in fusedProducers(of: epilogue) + [epilogue] {
            guard case .binary(.add) = op.kind, op.inputs.count == 2 else { continue }
            for (mine, other) in [(op.inputs[0], op.inputs[1]), (op.inputs[1], op.inputs[0])]
            where mine == c && other != c && graph[other].shape.dims == [columns] && !isFused(other) {
                return (op.output, other)
            }
        }
        return nil
    }

    /// The one-pass kernel of a loss and its gradient, where the loss's definition has one.
    func lossAndGradientKernel(loss: Op, gradient: Op) -> Kernel? {
        guard case .loss(let l) = loss.kind, let pass = l.function.lossAndGradientKernel else { return nil }
        var arrays = lossArrays(gradient)
        arrays.output = loss.output
        let body = pass(arrays, gradient.output, l.attribute)
        return Kernel(comments: [loss.comment.text, gradient.comment.text + "   (computed in the same pass)"], body: body)
    }

    /// True when `op` is written as straight-line code.
    func isUnrolled(_ op: Op) -> Bool { unroll.unrolls(op, in: graph) }

    /// How `op` calls the math library: `FastMath`'s exponential and tanh in loops of Float models,
    /// which they let vectorize; libm's when unrolled, where each element would be a scalar
    /// polynomial and libm's table-driven functions are faster.
    func math(for op: Op) -> SwiftMath { SwiftMath(fast: fastMath && !isUnrolled(op)) }

    // MARK: Elementwise ops

    /// Which element of its output an elementwise expression computes.
    private enum Position {
        /// The output is a scalar.
        case scalar
        /// Inside loops: `i`, or `r`/`c` with an operand broadcast along rows of `suffix` elements.
        case loop(suffix: Int?)
        /// A fixed element (unrolled).
        case constant(Int)
    }

    /// One loop (or one statement per element) computing `op` and, as locals, the fused producers.
    private func elementwise(_ op: Op, _ fusedOps: [Op]) -> [KernelStatement] {
        let out = op.output, shape = graph[out].shape
        if op.kind == .copy, fusedOps.isEmpty {
            let input = op.inputs[0]
            if graph[input].shape.isScalar, !shape.isScalar { return [.fill(out, value(input, .scalar, of: shape))] }
            if !shape.isScalar, graph[input].shape == shape, graph[input].role == .computed, !isFused(input) { return [.copy(out, from: input)] }
        }
        let leaves = (fusedOps + [op]).flatMap(\.inputs).filter { !isFused($0) }
        let suffix = leaves.map { graph[$0].shape }.first { !$0.isScalar && $0 != shape }?.count
        func body(_ position: Position) -> [KernelStatement] { elementBody(op, fusedOps, position, of: shape) }
        if shape.isScalar { return body(.scalar) }
        if isUnrolled(op) {
            return (0..<shape.count).flatMap { e -> [KernelStatement] in
                // A scope per element, so that the fused locals keep their plain names.
                fusedOps.isEmpty ? body(.constant(e)) : [.scope(body(.constant(e)))]
            }
        }
        if let suffix, suffix != shape.count {
            let (r, c) = (local("r"), local("c"))
            return [.loop(r, shape.count / suffix, [.loop(c, suffix, [.named(local("i"), .index(.atom(r), stride: suffix, plus: .atom(c)))] + body(.loop(suffix: suffix)))])]
        }
        return [.loop(local("i"), shape.count, body(.loop(suffix: nil)))]
    }

    /// One element of `op`'s output at `position`: its fused producers as locals, then the store.
    private func elementBody(_ op: Op, _ fusedOps: [Op], _ position: Position, of shape: Shape) -> [KernelStatement] {
        fusedOps.map { .define($0.output, expression($0, position, of: shape)) }
            + [.store(op.output, index(shape, position, of: shape), expression(op, position, of: shape))]
    }

    /// The fused producers of `op`, each before its consumer.
    private func fusedProducers(of op: Op) -> [Op] {
        op.inputs.filter(isFused).flatMap { input -> [Op] in
            let producer = graph.ops[producers[input.index]!]
            return fusedProducers(of: producer) + [producer]
        }
    }

    /// The index of an operand of shape `operand` at `position` of an output of shape `output`.
    private func index(_ operand: Shape, _ position: Position, of output: Shape) -> SwiftExpression? {
        if operand.isScalar { return nil }
        switch position {
        case .scalar: preconditionFailure("an array read as a scalar")
        case .loop(let suffix): return .atom(local(operand == output || suffix == nil ? "i" : "c"))
        case .constant(let e): return .int(operand == output ? e : e % operand.count)
        }
    }

    /// An operand: a literal, a fused value (a local, or its expression inline), or an element.
    private func value(_ id: ValueID, _ position: Position, of output: Shape) -> SwiftExpression {
        if case .constant(let c) = graph[id].role { return constantsAsValues ? .element(id, nil) : .literal(c) }
        if isFused(id), !namesFusedValues { return expression(graph.ops[producers[id.index]!], position, of: output) }
        if isFused(id) { return .element(id, nil) }
        return .element(id, index(graph[id].shape, position, of: output))
    }

    /// One element of an elementwise op's output, as the op's definition spells it.
    private func expression(_ op: Op, _ position: Position, of output: Shape) -> SwiftExpression {
        if let alias = aliases[op.output] { return value(alias, position, of: output) }
        let operands = op.inputs.map { value($0, position, of: output) }
        if conditions.contains(op.output), case .binary(let f) = op.kind, let comparison = f.comparison {
            return .infix(operands[0], comparison, operands[1])
        }
        if op.kind == .select {
            return .conditional(condition(op.inputs[0], operands[0], position, of: output), operands[1], operands[2])
        }
        return Self.elementwiseExpression(op, operands, math(for: op))
    }

    /// The condition a select's mask stands for: the comparison itself where it is written inline
    /// or kept as a `Bool`, else `mask != 0`.
    private func condition(_ mask: ValueID, _ operand: SwiftExpression, _ position: Position, of output: Shape) -> SwiftExpression {
        if conditions.contains(mask) { return operand }
        if isFused(mask), !namesFusedValues, case .binary(let f) = graph.ops[producers[mask.index]!].kind, let comparison = f.comparison {
            let op = graph.ops[producers[mask.index]!]
            return .infix(value(op.inputs[0], position, of: output), comparison, value(op.inputs[1], position, of: output))
        }
        return .infix(operand, .notEqual, .literal(0))
    }

    /// True when `op` is a comparison that each of its `users` reads only as a select's mask: it
    /// can be written into their conditions instead of being computed as 1 or 0.
    static func isSelectMask(_ op: Op, users: [Op]) -> Bool {
        guard case .binary(let f) = op.kind, f.comparison != nil, !users.isEmpty else { return false }
        return users.allSatisfy { $0.kind == .select && $0.inputs[0] == op.output && !$0.inputs.dropFirst().contains(op.output) }
    }

    /// One element of an elementwise op as Swift, from its operands' expressions.
    static func elementwiseExpression(_ op: Op, _ operands: [SwiftExpression], _ math: SwiftMath) -> SwiftExpression {
        switch op.kind {
        case .unary(let f): return f.swift(operands[0], math)
        case .binary(let f): return f.swift(operands[0], operands[1])
        case .select: return .conditional(.infix(operands[0], .notEqual, .literal(0)), operands[1], operands[2])
        case .copy: return operands[0]
        default: preconditionFailure("not elementwise: \(op.kind)")
        }
    }

    // MARK: Products, transposes, reductions

    /// `for counter in 0..<count { body(counter) }`, or the body at 0 when the count is 1.
    private func loop(_ counter: String, _ count: Int, _ body: (SwiftExpression) -> [KernelStatement]) -> [KernelStatement] {
        count == 1 ? body(.int(0)) : [.loop(local(counter), count, body(.atom(local(counter))))]
    }

    /// `C[m×n] = op(A)·op(B)`, summing k in increasing order in every form; then `epilogue`, one
    /// element (r, c) of an elementwise kernel, on each final block of C (packed products only).
    private func matmul(_ op: Op, _ s: MatmulShape, epilogue: [KernelStatement]?) -> [KernelStatement] {
        let (c, a, b) = (op.output, op.inputs[0], op.inputs[1])
        if let plan = productPlan(c), plan.form != .scalar, !isUnrolled(op) { return simdProduct(s, plan, c, a, b, epilogue: epilogue) }
        precondition(epilogue == nil, "an epilogue is planned only for packed products")
        func aElement(_ i: SwiftExpression, _ k: SwiftExpression) -> SwiftExpression {
            .element(a, s.transposeA ? .index(k, stride: s.m, plus: i) : .index(i, stride: s.k, plus: k))
        }
        func bElement(_ k: SwiftExpression, _ j: SwiftExpression) -> SwiftExpression {
            .element(b, s.transposeB ? .index(j, stride: s.k, plus: k) : .index(k, stride: s.n, plus: j))
        }
        func cIndex(_ i: SwiftExpression, _ j: SwiftExpression) -> SwiftExpression { .index(i, stride: s.n, plus: j) }
        if isUnrolled(op) {
            return (0..<s.m).flatMap { i in
                (0..<s.n).map { j in
                    let terms = (0..<s.k).map { k in aElement(.int(i), .int(k)) * bElement(.int(k), .int(j)) }
                    return .store(c, .int(i * s.n + j), terms.dropFirst().reduce(terms[0], +))
                }
            }
        }
        if s.k == 1 {
            return loop("i", s.m) { i in loop("j", s.n) { j in [.store(c, cIndex(i, j), aElement(i, .int(0)) * bElement(.int(0), j))] } }
        }
        if !s.transposeB {
            // Row i of C accumulates a_ik · (row k of B): the inner loop runs over contiguous memory.
            let a = local("a")
            return loop("i", s.m) { i in
                (outputsStartAtZero ? [] : loop("j", s.n) { j in [.store(c, cIndex(i, j), .int(0))] })
                    + loop("k", s.k) { k in
                        [.scalar(a, aElement(i, k))] + loop("j", s.n) { j in [.store(c, index: cIndex(i, j), op: .add, value: .atom(a) * bElement(k, j))] }
                    }
            }
        }
        // B is used transposed: each element of C is a dot product of two contiguous rows.
        let acc = local("acc")
        return loop("i", s.m) { i in
            loop("j", s.n) { j in
                [.scalar(acc, .int(0), mutable: true)]
                    + loop("k", s.k) { k in [.update(name: acc, op: .add, value: aElement(i, k) * bElement(k, j))] }
                    + [.store(c, cIndex(i, j), .atom(acc))]
            }
        }
    }

    /// `C[m×n] = op(A)·op(B)` through the SIMD kernels of `ProductKernels`, after copying the
    /// operands the chosen form needs in the other layout into the scratch.
    /// `productRows` with `arguments`, or `productRowsInDepthBlocks` where the plan gave it scratch
    /// for its partial products (`ProductKernels.blocksDepth`).
    private func rowsCall(_ arguments: [KernelArgument], _ p: ExecutionPlan.Product, note: String?) -> KernelStatement {
        guard let partial = p.depthBlocks else { return .call("Self.productRows", arguments, note: note) }
        return .call("Self.productRowsInDepthBlocks", arguments + [.scratch(partial)], note: note)
    }

    private func simdProduct(_ s: MatmulShape, _ p: ExecutionPlan.Product, _ c: ValueID, _ a: ValueID, _ b: ValueID,
                             epilogue: [KernelStatement]?) -> [KernelStatement] {
        let (m, k, n) = (s.m, s.k, s.n)
        var statements: [KernelStatement] = []
        func transposeCopy(_ from: KernelArgument, to offset: Int, _ rows: Int, _ columns: Int, _ note: String) -> KernelArgument {
            statements.append(.call("Self.transposeCopy", [from, .scratch(offset), .int(rows), .int(columns)], note: note))
            return .scratch(offset)
        }
        // A's element (i, l) is a[i·ai + l·ak]: row-major [m][k], or stored transposed as [k][m].
        let (ai, ak) = s.transposeA ? (1, m) : (k, 1)
        precondition(epilogue == nil || p.form == .packed, "only productPacked takes an epilogue")
        switch p.form {
        case .rows:
            let right = p.copyB.map { transposeCopy(.input(b), to: $0, n, k, "Bᵀ: [\(n)×\(k)] → [\(k)×\(n)]") } ?? .input(b)
            statements.append(rowsCall([.input(a), .int(ai), .int(ak), right, .output(c), .int(m), .int(k), .int(n)], p, note: nil))
        case .dots:
            let left = p.copyA.map { transposeCopy(.input(a), to: $0, k, m, "A: [\(k)×\(m)] → [\(m)×\(k)]") } ?? .input(a)
            let right = p.copyB.map { transposeCopy(.input(b), to: $0, k, n, "B: [\(k)×\(n)] → [\(n)×\(k)]") } ?? .input(b)
            statements.append(.call("Self.productDots", [left, right, .output(c), .int(m), .int(k), .int(n)], note: nil))
        case .transposedRows:
            // Cᵀ = op(B)ᵀ·op(A)ᵀ: op(B)ᵀ's element (j, l) read in place, op(A)ᵀ needed as [k][m].
            let (bi, bk) = s.transposeB ? (k, 1) : (1, n)
            let right = p.copyA.map { transposeCopy(.input(a), to: $0, m, k, "A: [\(m)×\(k)] → [\(k)×\(m)]") } ?? .input(a)
            let transposed = p.transposedOutput!
            statements.append(rowsCall([.input(b), .int(bi), .int(bk), right, .scratch(transposed), .int(n), .int(k), .int(m)], p,
                                       note: "Cᵀ [\(n)×\(m)]"))
            statements.append(.call("Self.transposeCopy", [.scratch(transposed), .output(c), .int(n), .int(m)], note: nil))
        case .packed:
            // B's element (l, j) is b[l·bk + j·bj]: row-major [k][n], or stored transposed as [n][k].
            let (bk, bj) = s.transposeB ? (1, k) : (n, 1)
            let arguments: [KernelArgument] = [.input(a), .int(ai), .int(ak), .input(b), .int(bk), .int(bj), .output(c),
                                               .int(m), .int(k), .int(n), .scratch(p.copyA!), .scratch(p.copyB!)]
            // The epilogue, when there is one, as the call's trailing closure.
            statements.append(epilogue.map { .callWithEpilogue("Self.productPacked", arguments, rowLength: n, wholeRows: false, body: $0) }
                              ?? .call("Self.productPacked", arguments, note: nil))
        case .scalar:
            preconditionFailure("scalar products use the loops")
        }
        return statements
    }

    /// `[rows×cols]` to `[cols×rows]` for each of `count` matrices: output element (r, c) of a
    /// matrix is input element (c, r) of the same matrix.
    private func transpose(_ op: Op, _ count: Int, _ rows: Int, _ cols: Int) -> [KernelStatement] {
        let (out, x) = (op.output, op.inputs[0]), size = rows * cols
        if isUnrolled(op) {
            return (0..<count * size).map { e in
                let (base, element) = (e - e % size, e % size)
                return .store(out, .int(e), .element(x, .int(base + (element % rows) * cols + element / rows)))
            }
        }
        let (r, c) = (local("r"), local("c"))
        func matrix(_ base: SwiftExpression?) -> KernelStatement {
            func offset(_ e: SwiftExpression) -> SwiftExpression { base.map { .index($0, stride: size, plus: e) } ?? e }
            return .loop(r, cols, [.loop(c, rows, [.store(out, offset(.index(.atom(r), stride: rows, plus: .atom(c))),
                                                          .element(x, offset(.index(.atom(c), stride: cols, plus: .atom(r)))))])])
        }
        guard count > 1 else { return [matrix(nil)] }
        let m = local("m")
        return [.loop(m, count, [matrix(.atom(m))])]
    }

    /// Σ of one term per element (x, x², or aᵢbᵢ); `mean` divides by the count.
    private func reduction(_ op: Op) -> [KernelStatement] {
        let x = op.inputs[0], n = graph[x].shape.count
        func term(_ i: SwiftExpression) -> SwiftExpression {
            let scalar = graph[x].shape.isScalar
            let a = SwiftExpression.element(x, scalar ? nil : i)
            switch op.kind {
            case .sumSquares: return a * a
            case .dot: return a * .element(op.inputs[1], i)
            default: return a
            }
        }
        // The mean of one element is that element: no division by 1.
        let mean = op.kind == .mean && n > 1
        func result(_ total: SwiftExpression) -> SwiftExpression { mean ? total / .int(n) : total }
        if isUnrolled(op) {
            return [.store(op.output, nil, result((1..<n).reduce(term(.int(0))) { $0 + term(.int($1)) }))]
        }
        let (total, i) = (local("total"), local("i"))
        return [
            .scalar(total, .int(0), mutable: true),
            .loop(i, n, [.update(name: total, op: .add, value: term(.atom(i)))]),
            .store(op.output, nil, result(.atom(total))),
        ]
    }

    /// Σ over the leading axes, to the output's trailing shape: the adjoint of broadcasting a bias.
    private func sumToShape(_ op: Op) -> [KernelStatement] {
        let (out, x) = (op.output, op.inputs[0])
        let columns = graph[out].shape.count, rows = graph[x].shape.count / columns
        if usesSumRows(op) { return [.call("Self.sumRows", [.input(x), .output(out), .int(rows), .int(columns)], note: nil)] }
        if isUnrolled(op) {
            return (0..<columns).map { c in
                let terms = (0..<rows).map { r in SwiftExpression.element(x, .int(r * columns + c)) }
                return .store(out, .int(c), terms.dropFirst().reduce(terms[0], +))
            }
        }
        let (r, c) = (local("r"), local("c"))
        return [
            .loop(c, columns, [.store(out, .atom(c), .element(x, .atom(c)))]),
            .loop(counter: r, lower: 1, upper: rows, filter: nil, body: [
                .loop(c, columns, [.store(out, index: .atom(c), op: .add, value: .element(x, .index(.atom(r), stride: columns, plus: .atom(c))))]),
            ]),
        ]
    }

    /// The arrays of a loss or loss-gradient op.
    private func lossArrays(_ op: Op) -> LossArrays {
        let shape = graph[op.inputs[0]].shape
        var upstream: SwiftExpression = .literal(1)
        if op.inputs.count == 3 {
            let dy = op.inputs[2]
            if case .constant(let c) = graph[dy].role { upstream = .literal(c) } else { upstream = .element(dy, nil) }
        }
        return LossArrays(scores: op.inputs[0], targets: op.inputs[1], output: op.output, upstream: upstream,
                          rows: shape.dims[0], columns: shape.dims[1], local: local)
    }
}
