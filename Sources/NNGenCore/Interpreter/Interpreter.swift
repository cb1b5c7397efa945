import Foundation

/// A plain evaluator of the IR in Double: the oracle the tests compare emitted code against.
///
/// It shares nothing with the emitter but the IR and the op definitions: an elementwise function's
/// Double evaluation sits in its definition next to its Swift, written independently of it; every
/// other op's forward semantics are written here a second time, as directly as possible.
public struct Interpreter: Sendable {
    public let graph: Graph
    /// The current contents of every value (nil until fed or computed).
    public private(set) var values: [[Double]?]

    /// Creates an interpreter for `graph` with constants filled in.
    public init(_ graph: Graph) {
        self.graph = graph
        values = graph.values.map { v in
            if case .constant(let c) = v.role { return [c] }
            return nil
        }
    }

    /// Sets the contents of an input, target or parameter value.
    public mutating func feed(_ id: ValueID, _ data: [Double]) {
        precondition(data.count == graph[id].shape.count, "\(graph[id].name): \(data.count) values for \(graph[id].shape)")
        values[id.index] = data
    }

    /// The contents of `id` (after `run`).
    public func value(_ id: ValueID) -> [Double] { values[id.index]! }

    /// Evaluates every op needed for `targets`.
    public mutating func run(_ targets: [ValueID]) {
        for i in graph.opsNeeded(for: targets) {
            let op = graph.ops[i]
            values[op.output.index] = evaluate(op)
        }
    }

    private func evaluate(_ op: Op) -> [Double] {
        let outShape = graph[op.output].shape
        let args = op.inputs.map { values[$0.index]! }
        let shapes = op.inputs.map { graph[$0].shape }
        /// Element `i` of the output's index space, read from operand `a` with broadcasting.
        func element(_ a: Int, _ i: Int) -> Double { args[a][i % args[a].count] }
        switch op.kind {
        case .unary(let f):
            return args[0].map { f.evaluate($0) }
        case .binary(let f):
            return (0..<outShape.count).map { f.evaluate(element(0, $0), element(1, $0)) }
        case .select:
            return (0..<outShape.count).map { element(0, $0) != 0 ? element(1, $0) : element(2, $0) }
        case .copy:
            return (0..<outShape.count).map { element(0, $0) }
        case .matmul(let s):
            var c = [Double](repeating: 0, count: s.m * s.n)
            for i in 0..<s.m {
                for j in 0..<s.n {
                    var total = 0.0
                    for k in 0..<s.k {
                        let a = s.transposeA ? args[0][k * s.m + i] : args[0][i * s.k + k]
                        let b = s.transposeB ? args[1][j * s.k + k] : args[1][k * s.n + j]
                        total += a * b
                    }
                    c[i * s.n + j] = total
                }
            }
            return c
        case .transpose(let count, let rows, let cols):
            return (0..<count * rows * cols).map { index in
                let (matrix, element) = (index / (rows * cols), index % (rows * cols))
                let (r, c) = (element / rows, element % rows)  // each output matrix is [cols][rows]
                return args[0][matrix * rows * cols + c * cols + r]
            }
        case .im2col(let g): return Convolution.evaluateRows(g, args[0])
        case .col2im(let g): return Convolution.evaluateWindows(g, args[0])
        case .convolution(let c): return c.evaluate(args[0], args[1])
        case .convolutionFilterGradient(let c): return c.evaluateFilterGradient(args[0], args[1])
        case .pool(let p): return p.evaluate(args[0])
        case .batchStatistics(let n): return n.evaluateStatistics(args[0])
        case .normalize(let n): return n.evaluateNormalized(args[0], statistics: args[1])
        case .normalizeGradient(let n): return n.evaluateGradient(args[0], statistics: args[1], upstream: args[2])
        case .poolGradient(let p):
            return p.kind == .max ? p.evaluateGradient(x: args[0], upstream: args[1]) : p.evaluateGradient(x: nil, upstream: args[0])
        case .sum: return [args[0].reduce(0, +)]
        case .mean: return [args[0].reduce(0, +) / Double(args[0].count)]
        case .sumSquares: return [args[0].reduce(0) { $0 + $1 * $1 }]
        case .dot: return [zip(args[0], args[1]).reduce(0) { $0 + $1.0 * $1.1 }]
        case .sumToShape:
            var out = [Double](repeating: 0, count: outShape.count)
            for (i, v) in args[0].enumerated() { out[i % out.count] += v }
            return out
        case .loss(let loss):
            let batch = LossBatch(scores: args[0], targets: args[1], rows: shapes[0].dims[0], columns: shapes[0].dims[1])
            return [loss.function.evaluate(batch, loss.attribute)]
        case .lossGradient(let loss):
            let batch = LossBatch(scores: args[0], targets: args[1], rows: shapes[0].dims[0], columns: shapes[0].dims[1])
            return loss.function.gradient(batch, loss.attribute).map { args[2][0] * $0 }
        }
    }
}

extension NetworkModel {
    /// What the interpreter computes for one batch.
    public struct Evaluation: Sendable {
        public var scores: [Double]
        public var loss: Double?
        /// The flat gradient in the parameter layout (empty without a loss).
        public var gradient: [Double]
        /// Each batch norm's batch statistics (`runningStatistics` order): the means, then the
        /// biased variances.
        public var statistics: [[Double]] = []
    }

    /// Runs the interpreter on flat `parameters`, `inputs`, and `labels` or `targets`; a training
    /// graph with dropout reads its masks from `masks` (`maskCount` values, see `dropoutMasks`).
    public func interpret(parameters: [Double], inputs: [Double], labels: [Int] = [], targets: [Double] = [], masks: [Double] = []) -> Evaluation {
        var interpreter = Interpreter(graph)
        for mask in graph.values {
            guard case .dropoutMask(let offset) = mask.role else { continue }
            interpreter.feed(mask.id, Array(masks[offset..<offset + mask.shape.count]))
        }
        if let y = self.labels { interpreter.feed(y, labels.map(Double.init)) }
        interpreter.feed(self.inputs, inputs)
        if let t = self.targets { interpreter.feed(t, targets) }
        for p in self.parameters {
            for slice in p.slices {
                guard case .parameter(let offset) = graph[slice].role else { continue }
                interpreter.feed(slice, Array(parameters[offset..<offset + graph[slice].shape.count]))
            }
        }
        let wanted = [scores] + (loss.map { [$0] } ?? []) + gradients.map(\.adjoint) + runningStatistics.map(\.statistics)
        interpreter.run(wanted)
        var gradient = [Double](repeating: 0, count: gradients.isEmpty ? 0 : parameterCount)
        for (slice, adjoint) in gradients {
            guard case .parameter(let offset) = graph[slice].role else { continue }
            for (i, g) in interpreter.value(adjoint).enumerated() { gradient[offset + i] = g }
        }
        return Evaluation(scores: interpreter.value(scores), loss: loss.map { interpreter.value($0)[0] }, gradient: gradient,
                          statistics: runningStatistics.map { interpreter.value($0.statistics) })
    }
}
