import NNGenCore
import XCTest

/// Properties of the emitted code of graphs that the compiled goldens do not show.
final class GraphEmitterTests: XCTestCase {
    /// A value used by thousands of nodes gets thousands of edge gradients to add: each partial
    /// sum is a statement of its own, never one expression nested thousands deep.
    func testLongChainWithSharedInput() throws {
        let n = 3_000
        var yaml = "nngen: 1\nname: Chain\nscalar: Double\ninputs:\n  s: scalar\ngraph:\n  n1: neg(s)\n"
        for i in 2...n { yaml += "  n\(i): mul(n\(i - 1), s)\n" }
        yaml += "output: n\(n)\n"
        let start = ContinuousClock.now
        let file = try Generator.generate(yaml, path: "chain.yaml")
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(30))
        let longest = file.source.split(separator: "\n").map(\.count).max() ?? 0
        XCTAssertLessThan(longest, 200, "some statement nests the partial sums")
        XCTAssertTrue(file.source.contains("let ds_partial_2: Scalar = ds_partial + ds_via_n2998"), "partial sums are statements")
    }

    /// Names derived from spec names that spell Swift keywords (`d` + `o` = `do`) are escaped.
    func testDerivedKeywordNamesAreEscaped() throws {
        let yaml = "nngen: 1\nname: K\ninputs:\n  o: scalar\n  efault: scalar\ngraph:\n  a: mul(o, efault)\noutput: a\n"
        let source = try Generator.generate(yaml, path: "k.yaml").source
        XCTAssertTrue(source.contains("let `do`: Scalar = da * efault"), source)
        XCTAssertTrue(source.contains("Gradient(o: `do`, efault: `default`)"), source)
    }
}
