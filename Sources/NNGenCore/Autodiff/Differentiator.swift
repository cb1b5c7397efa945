/// Reverse-mode differentiation at generation time: appends the backward ops to a graph.
///
/// Walks the ops that lead to `output` in reverse order, applies each op's pullback from
/// `OpRules`, and accumulates (adds) the contributions to every value, so fan-out is right.
/// Contributions to a broadcast operand are summed back to its shape.
public enum Differentiator {
    /// Appends the backward pass of `output` with respect to `variables` and returns, for each
    /// variable, the value holding its adjoint. `symbol` names the output in comments ("L", "f").
    public static func differentiate(_ b: inout GraphBuilder, output: ValueID, variables: [ValueID], symbol: String) -> [ValueID] {
        let d = { (name: String) in "d\(symbol)/d\(name)" }
        // Only values that depend on a variable need an adjoint.
        var dependsOnVariable = [Bool](repeating: false, count: b.graph.values.count)
        for v in variables { dependsOnVariable[v.index] = true }
        let forwardOps = b.graph.opsNeeded(for: [output])
        for i in forwardOps {
            let op = b.graph.ops[i]
            dependsOnVariable[op.output.index] = op.inputs.contains { dependsOnVariable[$0.index] }
        }

        var contributions: [Int: [ValueID]] = [output.index: [b.constant(1)]]
        for i in forwardOps.reversed() {
            let op = b.graph.ops[i]
            guard dependsOnVariable[op.output.index], let parts = contributions[op.output.index] else { continue }
            let dy = accumulate(parts, of: op.output, &b, d: d)
            let adjoints = OpRules.pullback(op, dy, &b, d: d)
            for (input, adjoint) in zip(op.inputs, adjoints) {
                guard let adjoint, dependsOnVariable[input.index] else { continue }
                contributions[input.index, default: []].append(unbroadcast(adjoint, to: input, &b, d: d))
            }
        }
        // Each variable's adjoint must be a computed value of its own (it gets its own gradient slot):
        // copy it when it is a constant, an input, or shared with another variable.
        var taken = Set<ValueID>()
        return variables.map { v in
            guard let parts = contributions[v.index] else {
                // The output does not depend on v: its gradient is zero.
                return b.broadcast(b.constant(0), to: b.shape(v), "d" + b.name(v), "\(d(b.name(v))) = 0   (\(symbol) does not depend on \(b.name(v)))")
            }
            var adjoint = accumulate(parts, of: v, &b, d: d)
            if b.graph[adjoint].role != .computed || taken.contains(adjoint) {
                adjoint = b.broadcast(adjoint, to: b.shape(v), "d" + b.name(v), "\(d(b.name(v))) = \(b.describe(adjoint))")
            }
            taken.insert(adjoint)
            return adjoint
        }
    }

    /// The sum of the adjoint contributions to `value` (the multivariate chain rule at a fork).
    private static func accumulate(_ parts: [ValueID], of value: ValueID, _ b: inout GraphBuilder, d: (String) -> String) -> ValueID {
        var total = parts[0]
        for (n, part) in parts.dropFirst().enumerated() {
            let last = n == parts.count - 2
            total = b.binary(.add, total, part, last ? "d\(b.name(value))_total" : "d\(b.name(value))_partial",
                             "\(d(b.name(value))) += \(b.name(part))   (\(b.name(value)) is used \(parts.count) times: adjoints add)")
        }
        return total
    }

    /// Sums `adjoint` over the axes along which `input` was broadcast.
    private static func unbroadcast(_ adjoint: ValueID, to input: ValueID, _ b: inout GraphBuilder, d: (String) -> String) -> ValueID {
        let target = b.shape(input)
        guard b.shape(adjoint) != target else { return adjoint }
        if target.isScalar {
            return b.op(.sum, [adjoint], name: b.name(adjoint) + "_sum", comment: "\(d(b.name(input))) = Σ \(b.name(adjoint))   (\(b.name(input)) was broadcast)")
        }
        return b.op(.sumToShape, [adjoint], name: b.name(adjoint) + "_sum", shape: target,
                    comment: "\(d(b.name(input))) = Σ over rows of \(b.name(adjoint))   (\(b.name(input)) was broadcast)")
    }
}
