/// Emits elementwise ops: one loop (or, unrolled, one statement per element) that also computes
/// every fused producer as a local `let` in the loop body.
struct ElementwiseEmitter {
    let plan: ExecutionPlan
    let names: ValueNames

    /// How one element is addressed: inside loops (`i`, or `r`/`c` with a broadcast row), or at a
    /// constant element index when unrolled.
    private enum Element {
        case loop(suffixCount: Int?)
        case constant(Int, suffixCount: Int?)
    }

    func emit(_ op: Op, _ w: inout CodeWriter) {
        let graph = plan.graph
        let shape = graph[op.output].shape
        var fused: [Op] = []
        collectFused(op, into: &fused)
        let leaves = (fused + [op]).flatMap(\.inputs).filter { plan.location($0) != .fused }
        let suffix = leaves.map { graph[$0].shape }.first { !$0.isScalar && $0 != shape }?.count
        let count = shape.count
        if plan.isUnrolled(op) {
            for e in 0..<count {
                if fused.isEmpty {
                    body(op, fused, .constant(e, suffixCount: suffix), &w)
                } else {
                    // A scope per element, so the fused locals keep their plain names.
                    w.block("do {") { w in body(op, fused, .constant(e, suffixCount: suffix), &w) }
                }
            }
        } else if let suffix, suffix != count {
            w.block("for r in 0..<\(count / suffix) {") { w in
                w.block("for c in 0..<\(suffix) {") { w in
                    w.line("let i = r * \(suffix) + c")
                    body(op, fused, .loop(suffixCount: suffix), &w)
                }
            }
        } else {
            w.block("for i in 0..<\(count) {") { w in body(op, fused, .loop(suffixCount: nil), &w) }
        }
    }

    /// The fused producers of `op`, each before its consumer.
    private func collectFused(_ op: Op, into list: inout [Op]) {
        let producers = plan.graph.producers
        for input in op.inputs where plan.location(input) == .fused {
            let producer = plan.graph.ops[producers[input.index]!]
            collectFused(producer, into: &list)
            list.append(producer)
        }
    }

    private func body(_ op: Op, _ fused: [Op], _ element: Element, _ w: inout CodeWriter) {
        for f in fused {
            w.line("let \(local(f.output, element)): Scalar = \(expression(f, element))")
        }
        let out = plan.graph[op.output]
        w.line("\(names[op.output])[\(index(of: out.shape, in: plan.graph[op.output].shape, element))] = \(expression(op, element))")
    }

    private func local(_ id: ValueID, _ element: Element) -> String { names[id] }

    private func index(of operand: Shape, in output: Shape, _ element: Element) -> String {
        switch element {
        case .loop(let suffix):
            if operand.isScalar { return "0" }
            return operand == output ? "i" : (suffix != nil ? "c" : "i")
        case .constant(let e, _):
            if operand.isScalar { return "0" }
            return operand == output ? "\(e)" : "\(e % operand.count)"
        }
    }

    /// An operand as an expression: a literal, a fused local, or an element of an array.
    private func operand(_ id: ValueID, of op: Op, _ element: Element) -> SwiftExpression {
        switch plan.location(id) {
        case .literal(let text): return .atom(text.hasPrefix("-") ? "(\(text))" : text)
        case .fused: return .atom(local(id, element))
        case .pointer:
            return .atom("\(names[id])[\(index(of: plan.graph[id].shape, in: plan.graph[op.output].shape, element))]")
        }
    }

    /// The right-hand side computing one element of `op`, as its definition spells it.
    private func expression(_ op: Op, _ element: Element) -> String {
        let a = op.inputs.map { operand($0, of: op, element) }
        return ExecutionPlan.swift(op, a, SwiftMath(fast: plan.usesFastMath(op))).text
    }
}
