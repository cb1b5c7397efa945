/// Emits the body of a graph's `value()` or `valueAndGradient()`: one statement per forward node
/// and per backward step, each under its comment, so the code reads as a worked solution.
/// Small arrays are written element by element; larger ones use loops with constant bounds. Each
/// op's kernel comes from `KernelLowering`, as in networks; `GraphRenderer` writes it.
struct GraphStatements {
    let model: GraphModel
    let names: GraphValueNames
    let lowering: KernelLowering
    let renderer: GraphRenderer
    /// Helper values computed inside their only consumer's expression.
    let inlined: Set<ValueID>
    /// For each value, the index of the op that computes it (`Graph.producers`).
    let producers: [Int?]

    /// True when the statements are the bodies of an outlined graph's kernel functions, which read
    /// constants as parameters (see `GraphOutliner`).
    let outlined: Bool

    init(model: GraphModel, unrollLimit: Int, fusion: Bool, outlined: Bool = false) {
        self.model = model
        self.outlined = outlined
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
        for op in graph.ops where fusion && op.kind.isElementwise && !principal.contains(op.output) {
            let users = consumers[op.output.index], shape = graph[op.output].shape
            if users.count == 1, users[0].kind.isElementwise, shape.isScalar || shape == graph[users[0].output].shape {
                inlined.insert(op.output)
            } else if KernelLowering.isSelectMask(op, users: users) {
                conditions.insert(op.output)
            }
        }
        self.inlined = inlined
        producers = graph.producers
        lowering = KernelLowering(graph: graph, unroll: UnrollPolicy(limit: unrollLimit), isFused: { inlined.contains($0) },
                                  namesFusedValues: false, conditions: conditions, local: { "_" + $0 },
                                  outputsStartAtZero: true, constantsAsValues: outlined)
        renderer = GraphRenderer(graph: graph, names: names, conditions: conditions)
    }

    var graph: Graph { model.graph }

    /// The ops that get statements of their own when computing `targets` but not the ops before
    /// `from` (computed already), in graph order: every needed op but the inlined ones.
    func rendered(computing targets: [ValueID], from first: Int = 0) -> [Int] {
        graph.opsNeeded(for: targets).filter { $0 >= first && !inlined.contains(graph.ops[$0].output) }
    }

    /// The values an op's statement reads, in the order its expression first uses them: its
    /// inputs, and for an inlined input the values that input's expression reads. Constants are
    /// literals in the expression, not values read, unless `outlined`.
    func reads(_ op: Op) -> [ValueID] {
        var result: [ValueID] = [], seen = Set<ValueID>()
        func visit(_ id: ValueID) {
            if inlined.contains(id), let producer = producers[id.index] {
                graph.ops[producer].inputs.forEach(visit)
            } else if case .constant = graph[id].role, !outlined {
                return
            } else if seen.insert(id).inserted {
                result.append(id)
            }
        }
        op.inputs.forEach(visit)
        return result
    }

    /// The heading written where the backward pass starts.
    func backwardHeading(_ w: inout CodeWriter) {
        w.line("")
        w.line("// Backward pass: the adjoint of each value, \(model.symbol)'s gradient with respect to it, from the")
        w.line("// output back to the inputs; each step is upstream gradient · local gradient.")
    }

    /// The statements computing `targets` but not the ops before `from` (computed already), with a
    /// heading where the backward pass starts.
    func emit(computing targets: [ValueID], from first: Int = 0, _ w: inout CodeWriter) {
        var inBackward = false
        for i in rendered(computing: targets, from: first) {
            let op = graph.ops[i]
            if i >= model.firstBackwardOp, !inBackward {
                inBackward = true
                backwardHeading(&w)
            }
            w.line("// " + op.comment.text)
            renderer.render(lowering.kernel(op).body, output: op.output, &w)
        }
    }
}
