import Foundation
import GeneratedModels
import NNGenCore
import XCTest

/// What the tests need of a generated graph struct: the API of docs/GENERATED-API.md ("Graph form"),
/// with a way to build one from row-major arrays in the spec's order.
protocol TestableGraph {
    associatedtype Scalar: BinaryFloatingPoint
    associatedtype Gradient
    associatedtype Nodes
    /// The spec's file name in `Specs/`, without `.yaml`.
    static var spec: String { get }
    /// A value from one array per input and param (scalars as one-element arrays).
    static func make(_ values: [[Double]]) throws -> Self
    func value() -> Scalar
    func valueAndGradient() -> (value: Scalar, gradient: Gradient)
    func nodes() -> Nodes
}

/// The arrays of a generated struct's stored properties (a `Gradient`, `Nodes`, or the graph
/// itself), in declaration order, as Double.
func storedArrays(_ value: Any) -> [[Double]] {
    Mirror(reflecting: value).children.map { child in
        switch child.value {
        case let x as Double: return [x]
        case let x as Float: return [Double(x)]
        case let x as [Double]: return x
        case let x as [Float]: return x.map(Double.init)
        default: preconditionFailure("unexpected stored property \(child.label ?? "?"): \(type(of: child.value))")
        }
    }
}

/// The spec `Specs/<name>.yaml` lowered by NNGenCore: the interpreter's side of every comparison.
func loweredGraph(_ name: String) throws -> GraphModel {
    let path = repositoryRoot.appendingPathComponent("Specs/\(name).yaml").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    guard case .graph(let spec) = try SpecParser.parse(text, path: path) else { throw XCTSkip("not a graph spec") }
    return GraphLowering.lower(spec)
}

/// Test values for each input and param of a graph: uniform in ±1.5, except where an op needs a
/// domain: positive for `log` and `sqrt` operands, away from zero for divisors and for names
/// ending in `_nonzero` (operands of negative powers).
func graphTestValues(_ model: GraphModel, seed: UInt64 = 7) -> [[Double]] {
    var random = TestRandom(state: seed)
    return model.spec.variables.map { v in
        (0..<v.shape.count).map { _ in
            if v.name.hasPrefix("log_") || v.name.hasPrefix("sqrt_") { return 0.5 + random.uniform() * 1.5 }
            if v.name == "div_b" { return 1.25 + random.uniform() }
            if v.name.hasSuffix("_nonzero") { return (0.75 + random.uniform() * 0.75) * (random.uniform() < 0.5 ? -1 : 1) }
            return random.symmetric(1.5)
        }
    }
}

/// The checks of issue 3 for one generated graph: agreement with the interpreter (value, every
/// node, every gradient), central differences (Double graphs), and counts checked by `init`.
struct GraphChecks<G: TestableGraph> {
    let lowered: GraphModel
    var isDouble: Bool { G.Scalar.self == Double.self }
    var tolerance: Double { isDouble ? 1e-12 : 1e-5 }

    init(_ type: G.Type) throws { lowered = try loweredGraph(G.spec) }

    func runAll() throws {
        let values = graphTestValues(lowered)
        let graph = try G.make(values)
        XCTAssertEqual(storedArrays(graph), values.map { $0.map { Double(G.Scalar($0)) } }, "\(G.spec): init stores its arguments in order")
        try agreesWithInterpreter(graph)
        if isDouble { try agreesWithCentralDifferences(values) }
        try wrongCountsThrow(values)
    }

    func agreesWithInterpreter(_ graph: G) throws {
        let values = storedArrays(graph)
        let expected = lowered.interpret(values)
        let (value, gradient) = graph.valueAndGradient()
        XCTAssertEqual(Double(value), expected.value, accuracy: tolerance * (1 + abs(expected.value)), "\(G.spec): value")
        XCTAssertEqual(Double(graph.value()), Double(value), "\(G.spec): value() and valueAndGradient() agree")
        for (node, (got, id)) in zip(lowered.spec.nodes, zip(storedArrays(graph.nodes()), lowered.nodes)) {
            XCTAssertLessThan(maxError(got, expected.interpreter.value(id)), tolerance, "\(G.spec): node \(node.name) differs from the interpreter")
        }
        for (v, (got, want)) in zip(lowered.spec.variables, zip(storedArrays(gradient), expected.gradient)) {
            XCTAssertLessThan(maxError(got, want), tolerance, "\(G.spec): d\(lowered.spec.output)/d\(v.name) differs from the interpreter")
        }
    }

    /// Each element of each input and param moved by ±h: (f(x+h) − f(x−h)) / 2h.
    func agreesWithCentralDifferences(_ values: [[Double]]) throws {
        let gradient = storedArrays(try G.make(values).valueAndGradient().gradient)
        let h = 1e-5
        for (index, v) in lowered.spec.variables.enumerated() {
            var worst = 0.0
            for e in values[index].indices {
                var plus = values, minus = values
                plus[index][e] += h
                minus[index][e] -= h
                let numeric = (Double(try G.make(plus).value()) - Double(try G.make(minus).value())) / (2 * h)
                let analytic = gradient[index][e]
                worst = max(worst, abs(numeric - analytic) / max(abs(numeric), abs(analytic), 1))
            }
            XCTAssertLessThan(worst, 1e-6, "\(G.spec): d\(lowered.spec.output)/d\(v.name) vs central differences, worst relative error \(worst)")
        }
    }

    /// An array of the wrong count is a thrown error that names the argument.
    func wrongCountsThrow(_ values: [[Double]]) throws {
        for (index, v) in lowered.spec.variables.enumerated() where !v.shape.isScalar {
            var wrong = values
            wrong[index].append(0)
            XCTAssertThrowsError(try G.make(wrong), "\(G.spec): \(v.name) with \(wrong[index].count) values") { error in
                XCTAssertTrue("\(error)".contains("\(v.name): expected \(v.shape.count) values, found \(v.shape.count + 1) values"), "\(error)")
            }
        }
    }
}
