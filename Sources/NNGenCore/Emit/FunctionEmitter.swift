/// Emits one static function that evaluates a subset of the planned ops on raw pointers:
/// `p` parameters, `x` inputs, `y` labels or `t` targets, `g` gradient, `s` scratch.
struct FunctionEmitter {
    let plan: ExecutionPlan
    let names: ValueNames

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

    /// Emits `static func name(params) -> result` computing `targets`, then `epilogue` lines.
    /// `backwardFrom` is the index of the first op that belongs to the backward pass (for headings);
    /// a `prelude` computes its ops before the rest. An `inlined` function is one that others call
    /// (the compiler copies it into them, so that no value has to go through memory at the call).
    func emit(name: String, doc: String, parameters: [Parameter], targets: [ValueID], result: String?,
              backwardFrom: Int?, prelude: Prelude? = nil, inlined: Bool = false, epilogue: [String], _ w: inout CodeWriter) {
        let ops = plan.graph.opsNeeded(for: targets).filter { !(prelude?.ops.contains($0) ?? false) }
        let signature = parameters.map { "_ \($0.name): \($0.type)" }.joined(separator: ", ")
        w.doc(doc)
        w.line(inlined ? "@inline(__always)" : "@inline(never)")
        w.block("static func \(name)(\(signature))\(result.map { " -> \($0)" } ?? "") {") { w in
            declarePointers(for: ops, &w)
            if let prelude {
                w.line("")
                w.line("// Forward pass (its values stay in the scratch for what follows).")
                w.line(prelude.call)
            }
            var inBackward = false
            let pairs = lossGradientPairs(in: ops)
            for i in ops {
                let op = plan.graph.ops[i]
                if plan.location(op.output) == .fused || pairs.values.contains(i) { continue }
                if let start = backwardFrom, i >= start, !inBackward {
                    inBackward = true
                    w.line("")
                    w.line("// Backward pass: adjoints in reverse order, each a chain-rule step.")
                }
                w.line("")
                for c in comments(op) { w.line("// " + c) }
                if let gradient = pairs[i] {
                    // The loss and its gradient share one pass and one exp per score.
                    let g = plan.graph.ops[gradient]
                    w.line("// " + g.comment.text + "   (computed in the same pass)")
                    w.block("do {") { w in KernelEmitter(plan: plan, names: names).emitLossAndGradient(loss: op, gradient: g, &w) }
                } else if op.kind.isElementwise {
                    ElementwiseEmitter(plan: plan, names: names).emit(op, &w)
                } else if declaresLocals(op) {
                    // A scope of its own, so the kernel's accumulators do not collide.
                    w.block("do {") { w in KernelEmitter(plan: plan, names: names).emit(op, &w) }
                } else {
                    KernelEmitter(plan: plan, names: names).emit(op, &w)
                }
            }
            for line in epilogue { w.line(line) }
        }
    }

    /// For each loss among `ops` that has a one-pass kernel with its gradient, and whose gradient
    /// is computed in the same function with a literal upstream gradient, the index of that gradient op.
    private func lossGradientPairs(in ops: [Int]) -> [Int: Int] {
        var pairs: [Int: Int] = [:]
        for i in ops {
            let loss = plan.graph.ops[i]
            guard case .loss(let l) = loss.kind, l.function.emitLossAndGradient != nil else { continue }
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

    /// True for kernels that declare variables outside their loops (reductions and losses).
    private func declaresLocals(_ op: Op) -> Bool {
        switch op.kind {
        case .sum, .mean, .sumSquares, .dot: return !plan.isUnrolled(op)
        case .loss, .lossGradient:
            return true
        default: return false
        }
    }

    /// The comments of an op and of every op fused into it, producers first.
    private func comments(_ op: Op) -> [String] {
        let producers = plan.graph.producers
        var result: [String] = []
        for input in op.inputs where plan.location(input) == .fused {
            result += comments(plan.graph.ops[producers[input.index]!])
        }
        return result + [op.comment.text]
    }

    /// `let name = base + offset` for every stored value the ops touch, in id order.
    private func declarePointers(for ops: [Int], _ w: inout CodeWriter) {
        var used = Set<ValueID>()
        for i in ops {
            let op = plan.graph.ops[i]
            used.insert(op.output)
            used.formUnion(op.inputs)
        }
        for id in used.sorted() {
            guard case .pointer(let base, let offset) = plan.location(id), ["p", "g", "s"].contains(base) else { continue }
            w.line("let \(names[id]) = \(base) + \(offset)  // \(plan.graph[id].shape)")
        }
    }
}
