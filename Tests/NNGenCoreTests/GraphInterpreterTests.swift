import NNGenCore
import XCTest

/// The graph form through the interpreter: the lecture's numbers, and every op's pullback
/// against central differences, one op at a time.
final class GraphInterpreterTests: XCTestCase {
    func lower(_ yaml: String) throws -> GraphModel {
        guard case .graph(let spec) = try SpecParser.parse(yaml, path: "test.yaml") else { throw XCTSkip("not a graph") }
        return GraphLowering.lower(spec)
    }

    /// f = (x + y)·z at x = −2, y = 5, z = −4 (CS231n lecture 4).
    func testChainRuleExample() throws {
        let model = try lower("nngen: 1\nname: G\ninputs: {x: scalar, y: scalar, z: scalar}\ngraph:\n  q: add(x, y)\n  f: mul(q, z)\noutput: f\n")
        let result = model.interpret([[-2], [5], [-4]])
        XCTAssertEqual(result.interpreter.value(model.nodes[0]), [3])
        XCTAssertEqual(result.value, -12, accuracy: 1e-12)
        XCTAssertEqual(result.gradient, [[-4], [-4], [3]])
    }

    /// f = ‖W·x‖² at W = [[0.1, 0.5], [−0.3, 0.8]], x = [0.2, 0.4] (CS231n lecture 4).
    func testSquaredNormExample() throws {
        let model = try lower("nngen: 1\nname: G\nparams: {W: [2, 2]}\ninputs: {x: [2]}\ngraph:\n  q: matmul(W, x)\n  f: sum_squares(q)\noutput: f\n")
        let result = model.interpret([[0.1, 0.5, -0.3, 0.8], [0.2, 0.4]])
        assertClose(result.interpreter.value(model.nodes[0]), [0.22, 0.26])
        XCTAssertEqual(result.value, 0.116, accuracy: 1e-12)
        assertClose(result.gradient[0], [0.088, 0.176, 0.104, 0.208])
        assertClose(result.gradient[1], [-0.112, 0.636])
    }

    /// Each op alone, `r = op(a, b)`, under `f = Σ r²` so that its upstream gradient is not 1:
    /// the gradient of every operand against central differences of the interpreted value.
    func testEveryOpAgainstCentralDifferences() throws {
        let cases: [(node: String, a: String, b: String?)] = [
            ("add(a, b)", "[3]", "[3]"), ("add(a, b)", "[3]", "scalar"), ("add(a, b)", "scalar", "[2, 2]"),
            ("sub(a, b)", "[3]", "[3]"), ("sub(a, b)", "scalar", "[3]"), ("sub(1.5, a)", "[3]", nil),
            ("mul(a, b)", "[2, 3]", "[2, 3]"), ("mul(a, b)", "[2, 3]", "scalar"), ("mul(2, a)", "[3]", nil),
            ("div(a, b)", "[3]", "[3]"), ("div(a, b)", "scalar", "[3]"), ("div(a, 4)", "[3]", nil),
            ("max(a, b)", "[4]", "[4]"), ("max(a, b)", "[4]", "scalar"), ("min(a, b)", "[4]", "[4]"), ("min(a, b)", "scalar", "[4]"),
            ("max(0, a)", "[4]", nil),
            ("neg(a)", "[3]", nil), ("exp(a)", "[3]", nil), ("log(a)", "[3]", nil), ("square(a)", "[3]", nil),
            ("sqrt(a)", "[3]", nil), ("sigmoid(a)", "[3]", nil), ("tanh(a)", "[3]", nil), ("relu(a)", "[4]", nil),
            ("leaky_relu(a)", "[4]", nil), ("leaky_relu(a, 0.2)", "[4]", nil), ("elu(a)", "[4]", nil), ("elu(a, 0.5)", "[4]", nil),
            ("softplus(a)", "[4]", nil), ("silu(a)", "[4]", nil), ("gelu(a)", "[4]", nil),
            ("pow(a, 1)", "[3]", nil), ("pow(a, 2)", "[3]", nil), ("pow(a, 3)", "[3]", nil), ("pow(a, 7)", "[3]", nil),
            ("pow(a, -1)", "[3]", nil), ("pow(a, -3)", "[3]", nil),
            ("matmul(a, b)", "[2, 3]", "[3, 4]"), ("matmul(a, b)", "[2, 3]", "[3]"), ("matmul(a, b)", "[3]", "[3, 2]"),
            ("transpose(a)", "[2, 3]", nil), ("dot(a, b)", "[4]", "[4]"),
            ("sum(a)", "[2, 3]", nil), ("mean(a)", "[5]", nil), ("sum_squares(a)", "[3]", nil), ("sum(a)", "scalar", nil),
        ]
        for c in cases {
            let inputs = "  a: \(c.a)\n" + (c.b.map { "  b: \($0)\n" } ?? "")
            let model = try lower("nngen: 1\nname: G\nscalar: Double\ninputs:\n\(inputs)graph:\n  r: \(c.node)\n  f: sum_squares(r)\noutput: f\n")
            var random = TestRandom(state: 3)
            // Positive operands keep log, sqrt, the divisors and negative powers in their domains.
            let positive = c.node.hasPrefix("log") || c.node.hasPrefix("sqrt") || c.node.hasPrefix("div") || c.node.contains(", -")
            let values = model.spec.variables.map { v in
                (0..<v.shape.count).map { _ in positive ? 0.5 + random.uniform() : random.symmetric(1.5) }
            }
            let gradient = model.interpret(values).gradient
            let h = 1e-6
            for (index, v) in model.spec.variables.enumerated() {
                for e in values[index].indices {
                    var plus = values, minus = values
                    plus[index][e] += h
                    minus[index][e] -= h
                    let numeric = (model.interpret(plus).value - model.interpret(minus).value) / (2 * h)
                    XCTAssertEqual(gradient[index][e], numeric, accuracy: 1e-7 * max(1, abs(numeric)),
                                   "\(c.node) with a: \(c.a), b: \(c.b ?? "-"): df/d\(v.name)[\(e)]")
                }
            }
        }
    }

    private func assertClose(_ got: [Double], _ want: [Double], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, file: file, line: line)
        for (g, w) in zip(got, want) { XCTAssertEqual(g, w, accuracy: 1e-12, "\(got) vs \(want)", file: file, line: line) }
    }
}

/// Deterministic test numbers (a 64-bit LCG, top bits).
struct TestRandom {
    var state: UInt64
    mutating func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) * 0x1.0p-53
    }
    mutating func symmetric(_ scale: Double = 1) -> Double { (2 * uniform() - 1) * scale }
}
