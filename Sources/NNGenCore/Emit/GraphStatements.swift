/// Emits the body of a graph's `value()` or `valueAndGradient()`: one statement per forward node
/// and per backward step, each under its comment, so the code reads as a worked solution.
/// Small arrays are written element by element; larger ones use loops with constant bounds.
struct GraphStatements {
    let model: GraphModel
    let names: GraphValueNames
    let expressions: GraphExpression
    /// Ops doing at most this many scalar operations are written element by element.
    let unrollLimit: Int

    init(model: GraphModel, unrollLimit: Int) {
        self.model = model
        self.unrollLimit = unrollLimit
        let graph = model.graph
        names = GraphValueNames(graph)
        // Values the reader follows keep statements of their own: nodes, adjoints, edge products and
        // their sums. Only the helpers inside one pullback (masks, slopes) are inlined, so an
        // inlined expression never nests deeper than one op's pullback.
        var principal = Set(model.nodes + model.gradients + model.sums)
        for edge in model.edges {
            principal.insert(edge.upstream)
            principal.insert(edge.product)
        }
        var consumers = [[Op]](repeating: [], count: graph.values.count)
        for i in graph.opsNeeded(for: [model.output] + model.gradients) {
            let op = graph.ops[i]
            for (position, input) in op.inputs.enumerated() where !op.inputs[..<position].contains(input) {
                consumers[input.index].append(op)
            }
        }
        var inlined = Set<ValueID>(), conditions = Set<ValueID>()
        for op in graph.ops where op.kind.isElementwise && !principal.contains(op.output) {
            let users = consumers[op.output.index], shape = graph[op.output].shape
            if users.count == 1, users[0].kind.isElementwise, shape.isScalar || shape == graph[users[0].output].shape {
                inlined.insert(op.output)
            } else if case .binary(let f) = op.kind, f == .greater || f == .greaterOrEqual,
                      !users.isEmpty, users.allSatisfy({ $0.kind == .select && $0.inputs[0] == op.output && !$0.inputs.dropFirst().contains(op.output) }) {
                conditions.insert(op.output)
            }
        }
        expressions = GraphExpression(graph: graph, names: names, inlined: inlined, conditions: conditions, producers: graph.producers)
    }

    var graph: Graph { model.graph }

    /// The statements computing `targets` but not the ops before `from` (computed already), with a
    /// heading where the backward pass starts.
    func emit(computing targets: [ValueID], from first: Int = 0, _ w: inout CodeWriter) {
        var inBackward = false
        for i in graph.opsNeeded(for: targets) where i >= first {
            let op = graph.ops[i]
            if expressions.inlined.contains(op.output) { continue }
            if i >= model.firstBackwardOp, !inBackward {
                inBackward = true
                w.line("")
                w.line("// Backward pass: the adjoint of each value, \(model.symbol)'s gradient with respect to it, from the")
                w.line("// output back to the inputs; each step is upstream gradient · local gradient.")
            }
            w.line("// " + op.comment.text)
            statement(op, &w)
        }
    }

    private func isUnrolled(_ op: Op) -> Bool {
        let work: Int
        if case .matmul(let s) = op.kind { work = s.m * s.n * s.k } else {
            work = max(graph[op.output].shape.count, op.inputs.map { graph[$0].shape.count }.max() ?? 0)
        }
        return work <= unrollLimit
    }

    private func statement(_ op: Op, _ w: inout CodeWriter) {
        let out = names[op.output], shape = graph[op.output].shape
        let type = expressions.conditions.contains(op.output) ? "Bool" : "Scalar"
        switch op.kind {
        case .unary, .binary, .select, .copy:
            if shape.isScalar {
                w.line("let \(out): \(type) = \(expressions.expression(op, .scalar).text)")
            } else if op.kind == .copy, graph[op.inputs[0]].shape.isScalar {
                w.line("let \(out) = [Scalar](repeating: \(expressions.value(op.inputs[0], .scalar).text), count: \(shape.count))")
            } else if op.kind == .copy, !expressions.inlined.contains(op.inputs[0]), graph[op.inputs[0]].role == .computed {
                w.line("let \(out) = \(names[op.inputs[0]])")
            } else if isUnrolled(op) {
                let elements = (0..<shape.count).map { expressions.expression(op, .constant($0)).text }
                w.list("let \(out): [\(type)] = [", elements, "]")
            } else {
                w.line("var \(out) = [\(type)](repeating: \(type == "Bool" ? "false" : "0"), count: \(shape.count))")
                w.block("for _i in 0..<\(shape.count) {") { w in
                    w.line("\(out)[_i] = \(expressions.expression(op, .counter("_i")).text)")
                }
            }
        case .matmul(let s):
            matmul(s, op, &w)
        case .transpose(let rows, let cols):
            let x = op.inputs[0]
            if isUnrolled(op) {
                // Output element (r, c) is input element (c, r).
                let elements = (0..<rows * cols).map { e in expressions.value(x, .constant((e % rows) * cols + e / rows)).text }
                w.list("let \(out): [Scalar] = [", elements, "]")
            } else {
                w.line("var \(out) = [Scalar](repeating: 0, count: \(rows * cols))")
                w.block("for _r in 0..<\(cols) {") { w in
                    w.block("for _c in 0..<\(rows) {") { w in
                        w.line("\(out)[_r * \(rows) + _c] = \(expressions.value(x, .counter("_c * \(cols) + _r")).text)")
                    }
                }
            }
        case .sum, .mean, .sumSquares, .dot:
            reduction(op, &w)
        default:
            preconditionFailure("\(op.kind) does not occur in graph specs")
        }
    }

    /// Σ of one term per element; `mean` divides by the count.
    private func reduction(_ op: Op, _ w: inout CodeWriter) {
        let out = names[op.output], x = op.inputs[0], n = graph[x].shape.count
        func element(_ e: GraphExpression.Element) -> GraphExpression.Element { graph[x].shape.isScalar ? .scalar : e }
        func term(_ e: GraphExpression.Element) -> SwiftExpression {
            let a = expressions.value(x, element(e))
            switch op.kind {
            case .sumSquares: return a * a
            case .dot: return a * expressions.value(op.inputs[1], element(e))
            default: return a
            }
        }
        // The mean of one element is that element: no division by 1.
        let mean = op.kind == .mean && n > 1
        if isUnrolled(op) {
            let total = (1..<n).reduce(term(.constant(0))) { $0 + term(.constant($1)) }
            w.line("let \(out): Scalar = \((mean ? total / .literal(Double(n)) : total).text)")
        } else {
            w.line("var \(out): Scalar = 0")
            w.block("for _i in 0..<\(n) {") { w in w.line("\(out) += \(term(.counter("_i")).text)") }
            if mean { w.line("\(out) /= \(n)") }
        }
    }

    /// `C[m×n] = op(A)·op(B)`, k summed in increasing order.
    private func matmul(_ s: MatmulShape, _ op: Op, _ w: inout CodeWriter) {
        let out = names[op.output], (a, b) = (op.inputs[0], op.inputs[1])
        /// Row-major index `row · stride + column`, with zero terms left out.
        func index(_ row: String, _ stride: Int, _ column: String) -> String {
            if row == "0" { return column }
            let scaled = stride == 1 ? row : "\(row) * \(stride)"
            return column == "0" ? scaled : "\(scaled) + \(column)"
        }
        func aIndex(_ i: String, _ k: String) -> String { s.transposeA ? index(k, s.m, i) : index(i, s.k, k) }
        func bIndex(_ k: String, _ j: String) -> String { s.transposeB ? index(j, s.k, k) : index(k, s.n, j) }
        func element(_ id: ValueID, _ i: String) -> SwiftExpression {
            if let e = Int(i) { return expressions.value(id, .constant(e)) }
            return expressions.value(id, .counter(i))
        }
        if isUnrolled(op) {
            var elements: [String] = []
            for i in 0..<s.m {
                for j in 0..<s.n {
                    let terms = (0..<s.k).map { k in
                        let ai = s.transposeA ? k * s.m + i : i * s.k + k
                        let bi = s.transposeB ? j * s.k + k : k * s.n + j
                        return element(a, "\(ai)") * element(b, "\(bi)")
                    }
                    elements.append(terms.dropFirst().reduce(terms[0], +).text)
                }
            }
            w.list("let \(out): [Scalar] = [", elements, "]")
            return
        }
        // Row i of C accumulates a_ik · (row k of op(B)).
        let (i, j, k) = (s.m == 1 ? "0" : "_i", s.n == 1 ? "0" : "_j", s.k == 1 ? "0" : "_k")
        w.line("var \(out) = [Scalar](repeating: 0, count: \(s.m * s.n))")
        func loop(_ counter: String, _ count: Int, _ w: inout CodeWriter, _ body: (inout CodeWriter) -> Void) {
            if count == 1 { body(&w) } else { w.block("for \(counter) in 0..<\(count) {", body) }
        }
        loop(i, s.m, &w) { w in
            loop(k, s.k, &w) { w in
                w.line("let _a = \(element(a, aIndex(i, k)).text)")
                loop(j, s.n, &w) { w in w.line("\(out)[\(index(i, s.n, j))] += \((SwiftExpression.atom("_a") * element(b, bIndex(k, j))).text)") }
            }
        }
    }
}
