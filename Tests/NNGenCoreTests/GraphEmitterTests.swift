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

    /// In an outlined graph, a loop's length is a parameter where it is the only place the count
    /// appears: `tanh` over vectors of 20, 30 and 40 elements shares one kernel; `mean` divides by
    /// its count, so each length keeps a kernel of its own.
    func testLoopLengthsAreKernelParameters() throws {
        var yaml = "nngen: 1\nname: Lengths\nscalar: Double\ninputs:\n"
        for n in [20, 30, 40] { yaml += "  x\(n): [\(n)]\n" }
        yaml += "graph:\n"
        for n in [20, 30, 40] { yaml += "  t\(n): tanh(x\(n))\n  m\(n): mean(t\(n))\n" }
        yaml += "  a: add(m20, m30)\n  f: add(a, m40)\n"
        for i in 0..<300 { yaml += "  c\(i): mul(\(i == 0 ? "f" : "c\(i - 1)"), f)\n" }
        yaml += "output: c299\n"
        let source = try Generator.generate(yaml, path: "lengths.yaml").source
        XCTAssertTrue(source.contains("private static func _kernel"), "the graph is outlined")
        let tanhKernels = source.components(separatedBy: "\n").filter { $0.contains("= tanh(v0[_i])") }
        XCTAssertEqual(tanhKernels.count, 1, "one tanh kernel for three lengths")
        for n in [20, 30, 40] { XCTAssertTrue(source.contains("let t\(n) = Self._kernel"), source) }
        XCTAssertTrue(source.contains("(x20, 20)") && source.contains("(x30, 30)") && source.contains("(x40, 40)"), "each call passes its length")
        let meanCalls = [20, 30, 40].compactMap { n in source.components(separatedBy: "let m\(n) = Self.").dropFirst().first?.prefix { $0 != "(" } }
        XCTAssertEqual(Set(meanCalls).count, 3, "mean divides by its count: one kernel per length, \(meanCalls)")
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
