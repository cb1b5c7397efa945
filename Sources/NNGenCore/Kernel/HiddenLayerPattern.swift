/// The ops of `loss(f(x·W1 + b1)·W2 + b2)` in a differentiated network graph, found by matching
/// the IR (not the spec): one hidden layer with any activation f, a loss with class labels, and
/// the backward pass the differentiator wrote for them. `FusedHiddenLayer` computes all of these
/// ops in one kernel; the ops outside the pattern (L2 terms, the total loss, adding the L2
/// gradients) stay in the planned graph and read the pattern's outputs from their planned places.
struct HiddenLayerPattern {
    /// The inputs x, the labels y, the parameters W1, b1, W2, b2.
    let inputs: ValueID, labels: ValueID
    let W1: ValueID, b1: ValueID, W2: ValueID, b2: ValueID
    /// z = x·W1 + b1 (its product x·W1 is not kept) and h = f(z).
    let preActivation: ValueID, hidden: ValueID
    /// The op computing h = f(z).
    let activation: Op
    /// The loss op, and its gradient op (upstream gradient a literal).
    let loss: Op, lossGradient: Op
    /// dL/dscores, dL/dh = dL/dscores · W2ᵀ, and dL/dz.
    let dScores: ValueID, dHidden: ValueID, dPreActivation: ValueID
    /// The elementwise ops computing dL/dz from dL/dh, z, h and literals (f's pullback), in order.
    let derivative: [Op]
    /// The outputs other ops read: the loss's value and the four parameters' gradient terms.
    let dataLoss: ValueID, dW1: ValueID, db1: ValueID, dW2: ValueID, db2: ValueID
    /// The outputs in the order the kernel writes them: the loss, then dW1, db1, dW2, db2.
    var outputs: [ValueID] { [dataLoss, dW1, db1, dW2, db2] }
    /// Every op of the pattern (indices into the graph's ops).
    let ops: Set<Int>
    /// K, H, C and N.
    let inputCount: Int, hiddenCount: Int, classCount: Int, batch: Int

    /// The pattern in `model`'s training graph, or nil.
    init?(_ model: NetworkModel) {
        guard let lossValue = model.loss, let labels = model.labels else { return nil }
        let graph = model.graph, producers = graph.producers
        let live = graph.opsNeeded(for: [lossValue] + model.gradients.map(\.adjoint))
        var consumers = [[Int]](repeating: [], count: graph.values.count)
        for i in live { for input in Set(graph.ops[i].inputs) { consumers[input.index].append(i) } }
        func producer(_ v: ValueID) -> Int? { producers[v.index] }
        func isParameter(_ v: ValueID) -> Bool {
            if case .parameter = graph[v].role { return true }
            return false
        }
        /// `a·b` with the given transposes.
        func isProduct(_ op: Op, transposeA: Bool, transposeB: Bool) -> MatmulShape? {
            guard case .matmul(let s) = op.kind, s.transposeA == transposeA, s.transposeB == transposeB else { return nil }
            return s
        }

        // Forward: scores = f(x·W1 + b1)·W2 + b2, and the loss of the scores with labels.
        guard let lossIndex = live.first(where: {
                  if case .loss(let l) = graph.ops[$0].kind { return l.takesLabels }
                  return false
              }),
              graph.ops[lossIndex].inputs == [model.scores, labels],
              let scoresIndex = producer(model.scores), graph.ops[scoresIndex].kind == .binary(.add),
              case let scoresOp = graph.ops[scoresIndex], isParameter(scoresOp.inputs[1]),
              let secondIndex = producer(scoresOp.inputs[0]), case let second = graph.ops[secondIndex],
              let s2 = isProduct(second, transposeA: false, transposeB: false), isParameter(second.inputs[1]),
              let activationIndex = producer(second.inputs[0]), case let activation = graph.ops[activationIndex],
              case .unary = activation.kind,
              let zIndex = producer(activation.inputs[0]), case let zOp = graph.ops[zIndex], zOp.kind == .binary(.add),
              isParameter(zOp.inputs[1]),
              let firstIndex = producer(zOp.inputs[0]), case let first = graph.ops[firstIndex],
              let s1 = isProduct(first, transposeA: false, transposeB: false),
              first.inputs[0] == model.inputs, isParameter(first.inputs[1])
        else { return nil }
        let loss = graph.ops[lossIndex]
        let (z, h, W2) = (zOp.output, activation.output, second.inputs[1])

        // Backward: dscores = upstream · dLoss/dscores with a literal upstream gradient, then
        // db2 = Σ rows of dscores, dW2 = hᵀ·dscores, dh = dscores·W2ᵀ.
        guard case .loss(let lossKind) = loss.kind,
              let gradientIndex = live.first(where: {
                  let g = graph.ops[$0]
                  return g.kind == .lossGradient(lossKind) && Array(g.inputs.prefix(2)) == loss.inputs
              }),
              case let lossGradient = graph.ops[gradientIndex],
              case .constant = graph[lossGradient.inputs[2]].role
        else { return nil }
        let dScores = lossGradient.output
        let scoresUses = consumers[dScores.index].map { graph.ops[$0] }
        guard scoresUses.count == 3,
              let db2Op = scoresUses.first(where: { $0.kind == .sumToShape }),
              let dhOp = scoresUses.first(where: { isProduct($0, transposeA: false, transposeB: true) != nil && $0.inputs == [dScores, W2] }),
              let dW2Op = scoresUses.first(where: { isProduct($0, transposeA: true, transposeB: false) != nil && $0.inputs == [h, dScores] })
        else { return nil }
        let dHidden = dhOp.output

        // dz from dh through f's pullback, then db1 = Σ rows of dz and dW1 = xᵀ·dz.
        guard let dW1Index = live.first(where: {
                  let o = graph.ops[$0]
                  return isProduct(o, transposeA: true, transposeB: false) != nil && o.inputs[0] == model.inputs
              }),
              case let dW1Op = graph.ops[dW1Index], case let dz = dW1Op.inputs[1],
              consumers[dz.index].count == 2,
              let db1Index = consumers[dz.index].first(where: { graph.ops[$0].kind == .sumToShape })
        else { return nil }
        // The pullback's ops: every producer between dz and the leaves z, h, dh (or literals).
        var derivative = Set<Int>(), stack = [dz]
        while let v = stack.popLast() {
            if [z, h, dHidden].contains(v) { continue }
            if case .constant = graph[v].role { continue }
            guard let i = producer(v), graph.ops[i].kind.isElementwise else { return nil }
            if derivative.insert(i).inserted { stack += graph.ops[i].inputs }
        }

        let exports: Set<ValueID> = [loss.output, db2Op.output, dW2Op.output, graph.ops[db1Index].output, dW1Op.output]
        let patternOps = Set([firstIndex, zIndex, activationIndex, secondIndex, scoresIndex, lossIndex, gradientIndex,
                              producer(db2Op.output)!, producer(dHidden)!, producer(dW2Op.output)!, db1Index, dW1Index]).union(derivative)
        // Nothing outside the pattern may read a value inside it, except its outputs.
        for i in patternOps where !exports.contains(graph.ops[i].output) {
            guard consumers[graph.ops[i].output.index].allSatisfy(patternOps.contains) else { return nil }
        }

        (inputs, self.labels) = (model.inputs, labels)
        (W1, b1, self.W2, b2) = (first.inputs[1], zOp.inputs[1], W2, scoresOp.inputs[1])
        (preActivation, hidden, self.activation) = (z, h, activation)
        (self.loss, self.lossGradient) = (loss, lossGradient)
        (self.dScores, self.dHidden, dPreActivation) = (dScores, dHidden, dz)
        self.derivative = derivative.sorted().map { graph.ops[$0] }
        (dataLoss, dW1, db1, dW2, db2) = (loss.output, dW1Op.output, graph.ops[db1Index].output, dW2Op.output, db2Op.output)
        ops = patternOps
        (inputCount, hiddenCount, classCount, batch) = (s1.k, s1.n, s2.n, s1.m)
    }
}
