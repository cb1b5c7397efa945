extension GraphModel {
    /// What the interpreter computes for a graph at given inputs and params.
    public struct Evaluation: Sendable {
        /// The output node's value.
        public var value: Double
        /// d output / d variable, one per input and param in the spec's order.
        public var gradient: [[Double]]
        /// Every value the forward and backward passes computed, for explanations.
        public var interpreter: Interpreter
    }

    /// Runs the interpreter with `values[i]` (row-major) for the i-th input or param.
    public func interpret(_ values: [[Double]]) -> Evaluation {
        precondition(values.count == variables.count, "one array per input and param")
        var interpreter = Interpreter(graph)
        for (id, data) in zip(variables, values) { interpreter.feed(id, data) }
        // Every node, not only those the output needs: explain and the drawing show them all.
        interpreter.run([output] + gradients + nodes)
        return Evaluation(value: interpreter.value(output)[0], gradient: gradients.map { interpreter.value($0) }, interpreter: interpreter)
    }
}
