import NNGenCore
import XCTest

/// One test per kind of graph-form diagnostic, each with its expected `line:col`.
final class GraphDiagnosticTests: XCTestCase {
    /// The lecture's vectorized example; tests replace lines of it.
    static let valid = """
        nngen: 1
        name: G
        scalar: Double
        params:
          W: [2, 2]
        inputs:
          x: [2]
          s: scalar
        graph:
          q: matmul(W, x)
          r: mul(q, s)
          f: sum_squares(r)
        output: f
        """

    func diagnostics(_ text: String) -> [String] { specDiagnostics(text, path: "graph.yaml") }

    /// Asserts exactly one diagnostic at `position` whose message contains `fragment`.
    func assertError(_ old: String, _ new: String, at position: String, contains fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        precondition(Self.valid.contains(old), "\(old) is not in the valid spec")
        assertSingleError(Self.valid.replacingOccurrences(of: old, with: new), at: position, contains: fragment, path: "graph.yaml", file: file, line: line)
    }

    func testValidGraphHasNoDiagnostics() throws {
        XCTAssertEqual(diagnostics(Self.valid), [])
        guard case .graph(let spec) = try SpecParser.parse(Self.valid, path: "graph.yaml") else { return XCTFail("not a graph") }
        XCTAssertEqual(spec.variables.map(\.name), ["W", "x", "s"])
        XCTAssertEqual(spec.nodes.map(\.shape), [Shape([2]), Shape([2]), .scalar])
    }

    /// `div` by a literal zero is an error at the literal (it passed `check`, and `explain` printed inf).
    func testDivisionByLiteralZero() {
        assertError("r: mul(q, s)", "r: div(q, 0)", at: "11:13", contains: "'div' by the literal 0: every element of 'r' would be infinite or NaN")
        assertError("r: mul(q, s)", "r: div(q, 0.0e5)", at: "11:13", contains: "'div' by the literal 0")
        XCTAssertEqual(diagnostics(Self.valid.replacingOccurrences(of: "r: mul(q, s)", with: "r: div(q, 0.5)")), [])
    }

    func testArgumentNamingALaterNode() {
        assertError("q: matmul(W, x)", "q: matmul(W, r)", at: "10:16", contains: "'r' is defined later, at 11:3")
    }

    func testUnknownNameWithSuggestion() {
        assertError("r: mul(q, s)", "r: mul(qq, s)", at: "11:10", contains: "unknown name 'qq'; did you mean 'q'?")
    }

    func testNodeUsingItself() {
        assertError("r: mul(q, s)", "r: mul(r, s)", at: "11:10", contains: "cannot use itself")
    }

    func testShapeMismatchAtTheSecondArgument() {
        assertError("r: mul(q, s)", "r: mul(q, W)", at: "11:13", contains: "'q' is [2] and 'W' is [2×2]")
    }

    func testMatmulInnerDimensions() {
        assertError("x: [2]", "x: [3]", at: "10:16", contains: "'matmul' inner dimensions differ: 'W' is [2×2] and 'x' is [3]")
    }

    func testMatmulOfTwoVectorsPointsToDot() {
        assertError("q: matmul(W, x)", "q: matmul(x, x)", at: "10:16", contains: "use dot(x, x)")
    }

    func testNonScalarOutput() {
        assertError("output: f", "output: q", at: "13:9", contains: "'output' must be a scalar node, but 'q' is [2]")
    }

    func testOutputNamingAnInput() {
        assertError("output: f", "output: s", at: "13:9", contains: "is an input or param")
    }

    func testUnknownOpWithSuggestion() {
        assertError("r: mul(q, s)", "r: mull(q, s)", at: "11:6", contains: "unknown op 'mull'; did you mean 'mul'?")
    }

    func testQuotedNodeKeepsColumns() {
        assertError("r: mul(q, s)", "r: \"mul(q, W)\"", at: "11:14", contains: "'q' is [2] and 'W' is [2×2]")
    }

    func testNestedCallIsRejected() {
        assertError("r: mul(q, s)", "r: mul(exp(q), s)", at: "11:10", contains: "give 'exp(…)' a node of its own")
    }

    func testWrongArgumentCount() {
        assertError("f: sum_squares(r)", "f: sum_squares(r, r)", at: "12:21", contains: "'sum_squares' takes 1 argument")
    }

    func testNumberWhereANameIsNeeded() {
        assertError("f: sum_squares(r)", "f: sum_squares(2)", at: "12:18", contains: "found the number 2")
    }

    func testAlphaRange() {
        assertError("r: mul(q, s)", "r: leaky_relu(q, 1)", at: "11:20", contains: "alpha of 'leaky_relu' must be ≥ 0 and < 1")
        assertError("r: mul(q, s)", "r: elu(q, 0)", at: "11:13", contains: "alpha of 'elu' must be > 0")
    }

    /// pow's exponent is required, a whole number, not 0, at most 16 in size.
    func testPowExponent() {
        assertError("r: mul(q, s)", "r: pow(q)", at: "11:10", contains: "'pow' takes 2 arguments, pow(x, n); found 1")
        assertError("r: mul(q, s)", "r: pow(q, 0)", at: "11:13", contains: "the n of 'pow' must be a whole number from −16 to 16 other than 0, found 0")
        assertError("r: mul(q, s)", "r: pow(q, 2.5)", at: "11:13", contains: "the n of 'pow' must be a whole number")
        assertError("r: mul(q, s)", "r: pow(q, -17)", at: "11:13", contains: "found -17")
        assertError("r: mul(q, s)", "r: pow(q, s)", at: "11:13", contains: "the n of 'pow' must be a finite number, found 's'")
    }

    func testNameDeclaredTwice() {
        assertError("  s: scalar", "  s: scalar\n  W: scalar", at: "9:3", contains: "'W' is declared twice (first at 5:3)")
    }

    func testReservedAndInvalidNames() {
        assertError("  s: scalar", "  s: scalar\n  value: scalar", at: "9:3", contains: "'value' is a name the generated code uses itself")
        assertError("  s: scalar", "  s: scalar\n  for: scalar", at: "9:3", contains: "'for' is a Swift keyword")
        assertError("  s: scalar", "  s: scalar\n  \"a\\nb\": scalar", at: "9:3", contains: "is not an identifier")
    }

    func testBadShapes() {
        assertError("x: [2]", "x: [2, 2, 2]", at: "7:6", contains: "must be scalar, [n] or [m, n]")
        assertError("x: [2]", "x: [0]", at: "7:7", contains: "at least 1")
        assertError("x: [2]", "x: vector", at: "7:6", contains: "must be scalar, [n] or [m, n]")
    }

    func testMissingOutputAndTwoLiterals() {
        assertError("output: f", "", at: "1:1", contains: "missing required key 'output'")
        assertError("r: mul(q, s)", "r: mul(2, 3)", at: "11:10", contains: "two numbers make a constant")
    }

    /// Every error of a graph in one run, in file order; an argument naming a node that had an
    /// error of its own adds nothing.
    func testAllErrorsInOneRun() {
        let text = Self.valid
            .replacingOccurrences(of: "q: matmul(W, x)", with: "q: matmul(W, s)")
            .replacingOccurrences(of: "f: sum_squares(r)", with: "f: sum_squares(zz)")
        XCTAssertEqual(diagnostics(text), [
            "10:16: error: 'matmul' needs matrices or vectors; 's' is a scalar (use mul to scale)",
            "12:18: error: unknown name 'zz' in node 'f'",
        ])
    }

    /// More than 1,000 nodes is an error at the first node past the limit; 1,000 are accepted.
    func testNodeLimit() {
        let nodes = (1...1_001).map { "  n\($0): neg(s)" }.joined(separator: "\n")
        let text = "nngen: 1\nname: G\ninputs:\n  s: scalar\ngraph:\n\(nodes)\noutput: n1\n"
        XCTAssertEqual(diagnostics(text), ["1006:3: error: the graph has 1001 nodes, over the limit of 1000"])
        XCTAssertEqual(diagnostics(text.replacingOccurrences(of: "  n1001: neg(s)\n", with: "")), [])
    }

    /// More than 250 inputs and params is an error at the first one past the limit; 250 are accepted.
    func testVariableLimit() {
        let inputs = (1...150).map { "  x\($0): scalar" }.joined(separator: "\n")
        let params = (1...101).map { "  p\($0): scalar" }.joined(separator: "\n")
        let text = "nngen: 1\nname: G\ninputs:\n\(inputs)\nparams:\n\(params)\ngraph:\n  f: neg(x1)\noutput: f\n"
        XCTAssertEqual(diagnostics(text), ["255:3: error: the graph has 251 inputs and params, over the limit of 250"])
        XCTAssertEqual(diagnostics(text.replacingOccurrences(of: "  p101: scalar\n", with: "")), [])
    }
}
