import NNGenCore
import XCTest

/// `nngen explain` and `nngen graph` on the lecture's examples: the numbers they print, read back.
final class ExplainTests: XCTestCase {
    func load(_ name: String) throws -> GraphModel {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Specs/\(name).yaml")
        guard case .graph(let spec) = try SpecParser.parse(try String(contentsOf: url, encoding: .utf8), path: url.path) else {
            throw XCTSkip("not a graph")
        }
        return GraphLowering.lower(spec)
    }

    func explanation(_ name: String, _ at: [String]) throws -> String {
        let model = try load(name)
        return GraphExplainer.explain(model, at: try AtValues.parse(at, for: model.spec), sourceName: "\(name).yaml")
    }

    /// The numbers of a printed value: `-4`, `[0.22, 0.26]` or `[[0.088, 0.176], [0.104, 0.208]]`.
    func numbers(_ text: Substring) -> [Double] {
        text.split(whereSeparator: { "[], ".contains($0) }).map { Double($0)! }
    }

    /// The value printed on the line that starts with `prefix` (after its last ` = `, before any note).
    func printed(_ text: String, _ prefix: String, file: StaticString = #filePath, line: UInt = #line) -> [Double] {
        guard let found = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else {
            XCTFail("no line starting with '\(prefix)' in:\n\(text)", file: file, line: line)
            return []
        }
        let withoutNote = found.range(of: "   (").map { found[..<$0.lowerBound] } ?? found
        let value = withoutNote.range(of: " = ", options: .backwards).map { withoutNote[$0.upperBound...] } ?? withoutNote
        return numbers(value)
    }

    func assertClose(_ got: [Double], _ want: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, what, file: file, line: line)
        for (g, w) in zip(got, want) { XCTAssertEqual(g, w, accuracy: 1e-12, "\(what): \(got)", file: file, line: line) }
    }

    func testChainRuleExplanation() throws {
        let text = try explanation("graph_chain_rule", ["x=-2", "y=5", "z=-4"])
        assertClose(printed(text, "  q = "), [3], "q")
        assertClose(printed(text, "  f = "), [-12], "f")
        assertClose(printed(text, "  at q = x + y: upstream df/dq"), [-4], "upstream at q")
        assertClose(printed(text, "    edge q → f: local ∂f/∂q = z = -4; df/dq = 1 × -4"), [-4], "edge q → f")
        assertClose(printed(text, "    edge z → f: local ∂f/∂z = q = 3; df/dz = 1 × 3"), [3], "edge z → f")
        assertClose(printed(text, "    edge x → q: local ∂q/∂x = 1; df/dx = -4 × 1"), [-4], "edge x → q")
        assertClose(printed(text, "  df/dx"), [-4], "df/dx")
        assertClose(printed(text, "  df/dy"), [-4], "df/dy")
        assertClose(printed(text, "  df/dz"), [3], "df/dz")
    }

    func testSquaredNormExplanation() throws {
        let text = try explanation("graph_squared_norm", ["W=[[0.1, 0.5], [-0.3, 0.8]]", "x=[0.2, 0.4]"])
        assertClose(printed(text, "  q = W·x"), [0.22, 0.26], "q")
        assertClose(printed(text, "  f = "), [0.116], "f")
        assertClose(printed(text, "    edge q → f: local ∂f/∂qᵢ = 2qᵢ = [0.44, 0.52]"), [0.44, 0.52], "edge q → f")
        assertClose(printed(text, "  df/dW"), [0.088, 0.176, 0.104, 0.208], "∇W")
        assertClose(printed(text, "  df/dx"), [-0.112, 0.636], "∇x")
    }

    /// Without values, the formulas alone.
    func testFormulasOnly() throws {
        let model = try load("graph_squared_norm")
        let text = GraphExplainer.explain(model, at: nil, sourceName: "graph_squared_norm.yaml")
        XCTAssertTrue(text.contains("  df/dW = df/dq · xᵀ"), text)
        XCTAssertTrue(text.contains("  q = W·x   ([2])"), text)
    }

    func testAtValueErrors() throws {
        let spec = try load("graph_squared_norm").spec
        func message(_ at: [String]) -> String {
            do { _ = try AtValues.parse(at, for: spec); return "" } catch { return error.description }
        }
        XCTAssertEqual(message(["W=[[0.1, 0.5], [-0.3, 0.8]]"]), "--at: missing a value for x ([2])")
        XCTAssertEqual(message(["w=[1, 2]", "x=[1, 2]"]), "--at w: no input or param of that name; did you mean 'W'? (the spec has W, x)")
        XCTAssertEqual(message(["W=[1, 2, 3, 4]", "x=[1, 2]"]), "--at W: expected a list of 2 lists of 2 numbers for [2×2], found '[1, 2, 3, 4]'")
        XCTAssertEqual(message(["W=[[1, 2], [3, 4]]", "x=[1, .nan]"]), "--at x: expected a list of 2 numbers for [2], found '[1, .nan]'")
        XCTAssertEqual(message(["x"]), "--at x: expected NAME=VALUE, such as x=-2 or W=[[0.1, 0.5], [-0.3, 0.8]]")
        XCTAssertEqual(message(["x=[1, 2]", "x=[1, 2]"]), "--at x: given twice")
    }

    /// The DOT drawing carries each edge's forward value and gradient, as in the lecture's figure.
    func testDrawingCarriesEdgeValues() throws {
        let model = try load("graph_chain_rule")
        let dot = GraphDrawing.dot(model, at: [[-2], [5], [-4]])
        var edges: [String: [Double]] = [:]
        for line in dot.split(separator: "\n") where line.contains(" -> ") {
            let ends = line.split(separator: "\"")
            let values = line.split(separator: ">").compactMap { part in part.split(separator: "<").first.flatMap { Double($0) } }
            edges["\(ends[1])->\(ends[3])"] = values
        }
        XCTAssertEqual(edges, ["x->q": [-2, -4], "y->q": [5, -4], "q->f": [3, -4], "z->f": [-4, 3], "f->_output": [-12, 1]])
        XCTAssertTrue(dot.contains("\"q\" [shape=ellipse, label=\"+\\nq: scalar\"];"), dot)
    }

    /// A network is explained layer by layer, each op with the shape it computes, and drawn with
    /// one node per op.
    func testNetworkExplanationAndDrawing() throws {
        let yaml = "nngen: 1\nname: N\nbatch: 5\ninput: 2\nlayers:\n  - {dense: 4, activation: tanh}\n  - {dense: 3}\nloss: hinge\n"
        guard case .network(let spec) = try SpecParser.parse(yaml, path: "n.yaml") else { return XCTFail("not a network") }
        let model = NetworkLowering.lower(spec)
        let text = NetworkExplainer.explain(model, sourceName: "n.yaml")
        for expected in [
            "N (n.yaml): 2 inputs → dense 4 tanh → dense 3; batch 5, Float",
            "  layer 1: dense 4 tanh\n    z1_linear = x · W1   [5×2]·[2×4]   → [5×4]\n    z1 = z1_linear + b1   (bias added to every row)   → [5×4]\n    h1 = tanh(z1)   → [5×4]",
            "  layer 2: dense 3\n    z2_linear = h1 · W2   [5×4]·[4×3]   → [5×3]",
            "    dL/dW1 = xᵀ · dL/dz1   → [2×4]",
            "  dL/db2   [3] at 24..<27",
        ] {
            XCTAssertTrue(text.contains(expected), "missing:\n\(expected)\nin:\n\(text)")
        }
        let dot = GraphDrawing.dot(model)
        XCTAssertEqual(dot.components(separatedBy: "shape=ellipse").count - 1, 6, dot)  // 2 matmuls, 2 bias adds, tanh, hinge
        XCTAssertTrue(dot.contains("\"h1\" -> \"z2_linear\";"), dot)
    }
}
