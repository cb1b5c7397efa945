import NNGenCore
import XCTest

/// Properties of the emitted code of graphs that the compiled goldens do not show.
final class GraphEmitterTests: XCTestCase {
    /// A value used by a thousand nodes gets a thousand edge gradients to add: each partial sum is
    /// a statement of its own, never one expression nested a thousand deep.
    func testLongChainWithSharedInput() throws {
        let source = try Generator.generate(chain(1_000), path: "chain.yaml").source
        let longest = source.split(separator: "\n").map(\.count).max() ?? 0
        XCTAssertLessThan(longest, 200, "some statement nests the partial sums")
        XCTAssertTrue(source.contains("let ds_partial_2 = Self._kernel3(ds_partial, ds_via_n998)"), "partial sums are statements")
    }

    /// A graph past `GraphOutliner.sizeLimit` is emitted in parts of at most 32 ops, and
    /// ops that compute the same thing share one kernel function: the chain's thousands of ops
    /// need four (negate, multiply, copy, add).
    func testLargeGraphIsEmittedInPartsWithSharedKernels() throws {
        let source = try Generator.generate(chain(1_000), path: "chain.yaml").source
        let kernels = source.components(separatedBy: "private static func _kernel").count - 1
        XCTAssertEqual(kernels, 4)
        // Each part (a `_nodesPart` or `_gradientPart` function) calls at most 32 kernels.
        let parts = source.components(separatedBy: "private static func _").dropFirst().filter { $0.hasPrefix("nodesPart") || $0.hasPrefix("gradientPart") }
        XCTAssertGreaterThan(parts.count, 1_000 / 32)
        for part in parts { XCTAssertLessThanOrEqual(part.components(separatedBy: " = Self._kernel").count - 1, 32) }
        let small = try Generator.generate(chain(10), path: "chain.yaml").source
        XCTAssertFalse(small.contains("_kernel"), "a small graph stays one statement per op, inline")
    }

    /// n scalar nodes, each multiplying the one before by the input `s`.
    private func chain(_ n: Int) -> String {
        var yaml = "nngen: 1\nname: Chain\nscalar: Double\ninputs:\n  s: scalar\ngraph:\n  n1: neg(s)\n"
        for i in 2...n { yaml += "  n\(i): mul(n\(i - 1), s)\n" }
        return yaml + "output: n\(n)\n"
    }

    /// Names derived from spec names that spell Swift keywords (`d` + `o` = `do`) are escaped.
    func testDerivedKeywordNamesAreEscaped() throws {
        let yaml = "nngen: 1\nname: K\ninputs:\n  o: scalar\n  efault: scalar\ngraph:\n  a: mul(o, efault)\noutput: a\n"
        let source = try Generator.generate(yaml, path: "k.yaml").source
        XCTAssertTrue(source.contains("let `do`: Scalar = da * efault"), source)
        XCTAssertTrue(source.contains("Gradient(o: `do`, efault: `default`)"), source)
    }
}
