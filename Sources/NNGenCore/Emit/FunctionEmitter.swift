/// Emits one static function that evaluates a subset of the planned ops on raw pointers:
/// `p` parameters, `x` inputs, `y` labels or `t` targets, `g` gradient, `s` scratch.
struct FunctionEmitter {
    let plan: ExecutionPlan
    let names: ValueNames
    /// Takes the kernels of a function that computes more than `KernelOutliner.kernelLimit`.
    var outliner: KernelOutliner?

    private var lowering: KernelLowering { plan.lowering }
    private var renderer: NetworkRenderer { NetworkRenderer(plan: plan, names: names) }

    /// One parameter of the emitted function.
    struct Parameter {
        var name: String
        var type: String
    }

    /// A call that computes some of the ops first (the forward pass, emitted once per model).
    struct Prelude {
        /// The Swift statement.
        var call: String
        /// The ops it computes (into the same planned storage).
        var ops: Set<Int>
    }

    /// A kernel that computes a set of ops in place of their own kernels (a fusion rewrite).
    struct Rewrite {
        /// The ops it computes.
        var ops: Set<Int>
        /// The stored values it reads or writes through the function's pointers.
        var pointers: [ValueID]
        /// Writes the kernel.
        var emit: (inout CodeWriter) -> Void
    }

    /// Emits `static func name(params) -> result` computing `targets`, then `epilogue` lines.
    /// `backwardFrom` is the index of the first op that belongs to the backward pass (for headings);
    /// a `prelude` computes its ops before the rest (left out when no remaining op reads them); a
    /// `rewrite` computes its ops, at the place of the first of them. An `inlined` function is one
    /// that others call (the compiler copies it into them, so that no value has to go through
    /// memory at the call). Each value in `placed` is written through the pointer parameter it
    /// names instead of its planned place (the scores, into the caller's buffer).
    func emit(name: String, doc: String, parameters: [Parameter], targets: [ValueID], result: String?,
              backwardFrom: Int?, prelude: Prelude? = nil, rewrite: Rewrite? = nil, inlined: Bool = false,
              placed: [ValueID: String] = [:], epilogue: [String], _ w: inout CodeWriter) {
        let rewritten = rewrite?.ops ?? []
        let needed = plan.graph.opsNeeded(for: targets).filter { !rewritten.contains($0) }
        let ops = needed.filter { !(prelude?.ops.contains($0) ?? false) }
        let preludeOutputs = Set((prelude?.ops ?? []).map { plan.graph.ops[$0].output })
        let prelude = prelude.flatMap { p in ops.contains { plan.graph.ops[$0].inputs.contains(where: preludeOutputs.contains) } ? p : nil }
        let signature = parameters.map { "_ \($0.name): \($0.type)" }.joined(separator: ", ")
        w.doc(doc)
        w.line(inlined ? "@inline(__always)" : "@inline(never)")
        // Outlined (see below), the function itself touches only the rewrite's values and the
        // first target (the loss it returns); each part declares what its kernels pass.
        let outlining = outliner != nil && kernelCount(ops) > KernelOutliner.kernelLimit
        w.block("static func \(name)(\(signature))\(result.map { " -> \($0)" } ?? "") {") { w in
            declarePointers(for: outlining ? [] : ops, plus: (rewrite?.pointers ?? []) + (outlining && result != nil ? Array(targets.prefix(1)) : []),
                            placed: placed, &w)
            if let prelude {
                w.line("")
                w.line("// Forward pass (its values stay in the scratch for what follows).")
                w.line(prelude.call)
            }
            var inBackward = false
            var rewriteDone = rewrite == nil
            func emitRewrite(_ w: inout CodeWriter) {
                guard let rewrite, !rewriteDone else { return }
                rewriteDone = true
                w.line("")
                rewrite.emit(&w)
            }
            let pairs = lossGradientPairs(in: ops)
            // Elementwise kernels computed in a product's epilogue, where both are emitted here.
            let emitted = Set(ops)
            var epilogues: [Int: Int] = [:]
            for i in ops {
                if let e = plan.epilogue(of: plan.graph.ops[i].output), emitted.contains(e) { epilogues[i] = e }
            }
            let absorbed = Set(epilogues.values)
            let outliner = outlining ? self.outliner : nil
            // Outlined, the calls go to parts of at most `KernelOutliner.partSize` kernels each.
            var part = CodeWriter(), partValues = Set<ValueID>(), partKernels = 0
            func flushPart(_ w: inout CodeWriter) {
                guard let outliner, partKernels > 0 else { return }
                let declarations = pointerDeclarations(for: partValues, placed: placed, advanced: true)
                w.line(outliner.part(of: name, parameters: signature, arguments: parameters.map(\.name).joined(separator: ", "),
                                     body: declarations + part.lines))
                (part, partValues, partKernels) = (CodeWriter(), [], 0)
            }
            for i in ops {
                let op = plan.graph.ops[i]
                if plan.location(op.output) == .fused || pairs.values.contains(i) || absorbed.contains(i) { continue }
                if let first = rewritten.min(), i > first, !rewriteDone {
                    flushPart(&w)
                    emitRewrite(&w)
                }
                if let start = backwardFrom, i >= start, !inBackward {
                    inBackward = true
                    flushPart(&w)
                    w.line("")
                    w.line("// Backward pass: adjoints in reverse order, each a chain-rule step.")
                }
                // The loss and its gradient share one pass where the loss's definition has one.
                let kernel = pairs[i].flatMap { lowering.lossAndGradientKernel(loss: op, gradient: plan.graph.ops[$0]) }
                    ?? lowering.kernel(op, epilogue: epilogues[i].map { plan.graph.ops[$0] })
                var comments = kernel.comments
                let owner = plan.storageOwner(of: op.output)
                if owner != op.output, !comments.isEmpty { comments[0] += "   (in \(names[owner])'s storage)" }
                if let outliner {
                    part.line("")
                    for c in comments { part.line("// " + c) }
                    let (call, values) = outliner.call(kernel)
                    part.line(call)
                    partValues.formUnion(values)
                    partKernels += 1
                    if partKernels == KernelOutliner.partSize { flushPart(&w) }
                    continue
                }
                w.line("")
                for c in comments { w.line("// " + c) }
                if kernel.declaresLocals {
                    // A scope of its own, so the kernel's locals do not collide with the next one's.
                    w.block("do {") { w in renderer.render(kernel.body, &w) }
                } else {
                    renderer.render(kernel.body, &w)
                }
            }
            flushPart(&w)
            emitRewrite(&w)
            for line in epilogue { w.line(line) }
        }
    }

    /// About how many kernels the function emits for `ops`: one per op whose value is stored. (A
    /// loss's gradient or a product's epilogue shares another op's kernel; the outlining threshold
    /// needs no better count.)
    private func kernelCount(_ ops: [Int]) -> Int {
        ops.count { plan.location(plan.graph.ops[$0].output) != .fused }
    }

    /// For each loss among `ops` that has a one-pass kernel with its gradient, and whose gradient
    /// is computed in the same function with a literal upstream gradient, the index of that gradient op.
    private func lossGradientPairs(in ops: [Int]) -> [Int: Int] {
        var pairs: [Int: Int] = [:]
        for i in ops where plan.fusion {
            let loss = plan.graph.ops[i]
            guard case .loss(let l) = loss.kind, l.function.lossAndGradientKernel != nil else { continue }
            let gradient = ops.first { j in
                let g = plan.graph.ops[j]
                guard g.kind == .lossGradient(l), Array(g.inputs.prefix(2)) == loss.inputs else { return false }
                if case .literal = plan.location(g.inputs[2]) { return true }
                return false
            }
            if let gradient { pairs[i] = gradient }
        }
        return pairs
    }

    /// `let name = base + offset` for every stored value the ops touch and every one of `extra`, in id order.
    private func declarePointers(for ops: [Int], plus extra: [ValueID], placed: [ValueID: String], _ w: inout CodeWriter) {
        var used = Set<ValueID>(extra)
        for i in ops {
            let op = plan.graph.ops[i]
            used.insert(op.output)
            used.formUnion(op.inputs)
        }
        // A value stored in another's storage is spelled with that one's pointer (`storageOwner`).
        used = Set(used.map(plan.storageOwner))
        for line in pointerDeclarations(for: used, placed: placed) { w.line(line) }
    }

    /// `let name = base + offset` for each of `values` stored in the parameters, gradient or scratch,
    /// in id order; `base.advanced(by: offset)` when `advanced` (the outlined parts: thousands of
    /// `+`, each an overload to resolve, took the type checker 17 of 31 s for 1,000 layers);
    /// `let name = pointer` for a value `placed` at a pointer parameter.
    private func pointerDeclarations(for values: Set<ValueID>, placed: [ValueID: String], advanced: Bool = false) -> [String] {
        values.sorted().compactMap { id in
            if let pointer = placed[id] { return "let \(names[id]) = \(pointer)  // \(plan.graph[id].shape)" }
            guard case .pointer(let base, let offset) = plan.location(id), ["p", "g", "s", "m"].contains(base) else { return nil }
            let pointer = advanced ? "\(base).advanced(by: \(offset))" : "\(base) + \(offset)"
            return "let \(names[id]) = \(pointer)  // \(plan.graph[id].shape)"
        }
    }
}
