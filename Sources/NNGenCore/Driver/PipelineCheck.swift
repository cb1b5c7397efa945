/// Everything nngen does with a spec short of writing files, with the checks its output must
/// pass: the oracle of the fuzzer (`Fuzz/`) and of the tests that replay what it found.
public enum PipelineCheck {
    /// Generates from `bytes`, then explains and draws the spec (a graph also at 0.5 for every
    /// value, which runs the interpreter and every local gradient). Returns what went wrong: the
    /// emitted source failing `EmittedSourceCheck`, or output that differs between two runs. A
    /// spec with errors is fine (it gives diagnostics); a crash is the caller's to catch.
    public static func problems(bytes: [UInt8]) -> [String] {
        guard let first = try? Generator.generate(bytes: bytes, path: "fuzz.yaml") else { return [] }
        var problems = EmittedSourceCheck.problems(in: first.source)
        if (try? Generator.generate(bytes: bytes, path: "fuzz.yaml")) != first { problems.append("the same spec gave different output") }
        guard let text = try? SpecText.decode(bytes, path: "fuzz.yaml"), let spec = try? SpecParser.parse(text, path: "fuzz.yaml") else {
            return problems + ["a spec that generated does not parse"]
        }
        switch spec {
        case .network(let network):
            let model = NetworkLowering.lower(network)
            _ = NetworkExplainer.explain(model, sourceName: "fuzz.yaml")
            _ = GraphDrawing.dot(model)
        case .graph(let graph):
            let model = GraphLowering.lower(graph)
            let values = graph.variables.map { [Double](repeating: 0.5, count: $0.shape.count) }
            _ = GraphExplainer.explain(model, at: nil, sourceName: "fuzz.yaml")
            _ = GraphExplainer.explain(model, at: values, sourceName: "fuzz.yaml")
            _ = GraphDrawing.dot(model, at: values)
        }
        return problems
    }
}
