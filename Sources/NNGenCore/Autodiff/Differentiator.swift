/// Reverse-mode differentiation at generation time: appends the backward ops to a graph.
///
/// Walks the ops that lead to `output` in reverse order, applies each op's pullback from
/// `OpRules`, and accumulates (adds) the contributions to every value, so fan-out is right.
/// Contributions to a broadcast operand are summed back to its shape.
public enum Differentiator {
    /// One edge of the forward graph as the backward pass crosses it: the chain rule's
    /// `upstream · local = product` for input `input` of forward op `op`.
    public struct Edge: Sendable {
        /// Index of the forward op in `Graph.ops`.
        public var op: Int
        /// Which of the op's inputs.
        public var input: Int
        /// The adjoint of the op's output (d output / d op.output).
        public var upstream: ValueID
        /// What the op's pullback returned for the input: upstream times the local gradient, in
        /// the op's output shape where the input was broadcast.
        public var contribution: ValueID
        /// The contribution summed to the input's shape: this edge's share of the input's adjoint.
        public var product: ValueID
    }

    /// What `differentiate` appended.
    public struct Backward: Sendable {
        /// For each variable, the value holding its adjoint.
        public var adjoints: [ValueID]
        /// Every edge crossed, in the order the backward pass crosses them.
        public var edges: [Edge]
        /// The sums of edges where a value feeds several ops (partial sums included), in order.
        public var sums: [ValueID]
    }

    /// Appends the backward pass of `output` with respect to `variables`. `symbol` names the
    /// output in comments ("L", "f"). With `explicitEdges`, the seed `d(output)/d(output) = 1` and
    /// every edge whose local gradient is 1 get values of their own, so that every chain-rule step
    /// is a statement to read (and no step is folded away into a literal).
    public static func differentiate(_ b: inout GraphBuilder, output: ValueID, variables: [ValueID], symbol: String,
                                     explicitEdges: Bool = false) -> Backward {
        let d = { (name: String) in "d\(symbol)/d\(name)" }
        // Only values that depend on a variable need an adjoint.
        var dependsOnVariable = [Bool](repeating: false, count: b.graph.values.count)
        for v in variables { dependsOnVariable[v.index] = true }
        let forwardOps = b.graph.opsNeeded(for: [output])
        for i in forwardOps {
            let op = b.graph.ops[i]
            dependsOnVariable[op.output.index] = op.inputs.contains { dependsOnVariable[$0.index] }
        }

        // How many adjoint contributions each value will receive: where it is more than one, each is
        // named after the op it comes back through (`dW1_via_z1_linear`) and their sum takes the plain
        // name (`dW1`).
        var contributionCount = [Int](repeating: 0, count: b.graph.values.count)
        for i in forwardOps where dependsOnVariable[b.graph.ops[i].output.index] {
            for input in b.graph.ops[i].inputs where dependsOnVariable[input.index] { contributionCount[input.index] += 1 }
        }
        // For each adjoint value, the value it is the adjoint of, so that comments name what the code
        // reads: the adjoint of `z2_linear` is the value `dz2` where `z2 = z2_linear + b2` passed it on.
        var adjointOf: [ValueID: ValueID] = [:]
        /// How comments call `adjoint`, the adjoint of `value`: `dL/dz2`, or its number when it is a literal.
        func text(_ adjoint: ValueID, of value: ValueID, _ b: GraphBuilder) -> String {
            if case .constant(let c) = b.graph[adjoint].role { return SwiftLiteral.real(c) }
            return d(b.name(adjointOf[adjoint] ?? value))
        }

        let seed = explicitEdges
            ? b.broadcast(b.constant(1), to: .scalar, "d" + b.name(output), "\(d(b.name(output))) = 1")
            : b.constant(1)
        var contributions: [Int: [ValueID]] = [output.index: [seed]]
        var edges: [Edge] = []
        var sums: [ValueID] = []
        for i in forwardOps.reversed() {
            let op = b.graph.ops[i]
            guard dependsOnVariable[op.output.index], let parts = contributions[op.output.index] else { continue }
            let dy = accumulate(parts, of: op.output, &b, sums: &sums, d: d)
            if adjointOf[dy] == nil, b.graph[dy].role == .computed { adjointOf[dy] = op.output }
            let adjointNames = op.inputs.map { input in
                contributionCount[input.index] > 1 ? "d\(b.name(input))_via_\(b.name(op.output))" : "d" + b.name(input)
            }
            let adjoints = OpRules.pullback(op, dy, &b, dyText: text(dy, of: op.output, b), adjointNames: adjointNames, d: d)
            for (position, input) in op.inputs.enumerated() {
                guard let contribution = adjoints[position], dependsOnVariable[input.index] else { continue }
                var adjoint = contribution
                if explicitEdges, adjoint == dy, b.shape(dy) == b.shape(input) {
                    let (inputName, outputName) = (b.name(input), b.name(op.output))
                    adjoint = b.op(.copy, [dy], name: adjointNames[position],
                                   comment: OpComment("\(d(inputName)) = \(d(outputName)) · 1", .localGradient("∂\(outputName)/∂\(inputName) = 1")))
                }
                let product = unbroadcast(adjoint, to: input, &b, d: d)
                edges.append(Edge(op: i, input: position, upstream: dy, contribution: adjoint, product: product))
                contributions[input.index, default: []].append(product)
            }
        }
        // Each variable's adjoint must be a computed value of its own (it gets its own gradient slot):
        // copy it when it is a constant, an input, or shared with another variable.
        var taken = Set<ValueID>()
        let adjoints = variables.map { v in
            guard let parts = contributions[v.index] else {
                // The output does not depend on v: its gradient is zero.
                return b.broadcast(b.constant(0), to: b.shape(v), "d" + b.name(v), OpComment("\(d(b.name(v))) = 0", .remark("\(symbol) does not depend on \(b.name(v))")))
            }
            var adjoint = accumulate(parts, of: v, &b, sums: &sums, d: d)
            if b.graph[adjoint].role != .computed || taken.contains(adjoint) {
                adjoint = b.broadcast(adjoint, to: b.shape(v), "d" + b.name(v), "\(d(b.name(v))) = \(b.describe(adjoint))")
            }
            taken.insert(adjoint)
            return adjoint
        }
        return Backward(adjoints: adjoints, edges: edges, sums: sums)
    }

    /// The sum of the adjoint contributions to `value` (the multivariate chain rule at a fork).
    private static func accumulate(_ parts: [ValueID], of value: ValueID, _ b: inout GraphBuilder, sums: inout [ValueID], d: (String) -> String) -> ValueID {
        var total = parts[0]
        for (n, part) in parts.dropFirst().enumerated() {
            let last = n == parts.count - 2
            total = b.binary(.add, total, part, last ? "d\(b.name(value))" : "d\(b.name(value))_partial",
                             OpComment("\(d(b.name(value))) += \(b.describe(part))", .remark("\(b.name(value)) is used \(parts.count) times: adjoints add")))
            sums.append(total)
        }
        return total
    }

    /// Sums `adjoint` over the axes along which `input` was broadcast.
    private static func unbroadcast(_ adjoint: ValueID, to input: ValueID, _ b: inout GraphBuilder, d: (String) -> String) -> ValueID {
        let target = b.shape(input)
        guard b.shape(adjoint) != target else { return adjoint }
        if target.isScalar {
            return b.op(.sum, [adjoint], name: b.name(adjoint) + "_sum", comment: OpComment("\(d(b.name(input))) = Σ \(b.name(adjoint))", .remark("\(b.name(input)) was broadcast")))
        }
        return b.op(.sumToShape, [adjoint], name: b.name(adjoint) + "_sum", shape: target,
                    comment: OpComment("\(d(b.name(input))) = Σ over rows of \(b.name(adjoint))", .remark("\(b.name(input)) was broadcast")))
    }
}
