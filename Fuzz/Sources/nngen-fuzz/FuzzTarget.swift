import NNGenCore

/// One fuzz input: the bytes of a spec file, through everything nngen does short of writing
/// files: generation, `explain` and `graph` (DOT), for graphs also at values (0.5 everywhere,
/// which runs the interpreter and every local gradient). Every input must end in diagnostics or
/// output (never a crash, a hang or a sanitizer report); the same input must give the same bytes
/// twice; and emitted source must pass `EmittedSourceCheck` (no spec text breaks out of
/// identifiers and comments).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = try? Generator.generate(bytes: bytes, path: "fuzz.yaml") else { return 0 }
    let problems = EmittedSourceCheck.problems(in: first.source)
    if !problems.isEmpty { fatalError("emitted source fails its check: \(problems)") }
    if (try? Generator.generate(bytes: bytes, path: "fuzz.yaml")) != first { fatalError("the same spec gave different output") }

    guard let text = try? SpecText.decode(bytes, path: "fuzz.yaml"), let spec = try? SpecParser.parse(text, path: "fuzz.yaml") else {
        fatalError("a spec that generated does not parse")
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
    return 0
}
