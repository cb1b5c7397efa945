import GeneratedModels
import NNGenCore
import XCTest

/// The lecture's numbers in the emitted code, then every generated graph against the
/// interpreter and central differences.
final class GraphModelTests: XCTestCase {
    /// CS231n lecture 4: f = (x + y)·z at x = −2, y = 5, z = −4.
    func testChainRuleExampleGivesTheLectureNumbers() {
        let graph = SimpleGraph(x: -2, y: 5, z: -4)
        XCTAssertEqual(graph.nodes().q, 3, accuracy: 1e-12)
        XCTAssertEqual(graph.value(), -12, accuracy: 1e-12)
        let (value, gradient) = graph.valueAndGradient()
        XCTAssertEqual(value, -12, accuracy: 1e-12)
        XCTAssertEqual(gradient.x, -4, accuracy: 1e-12)
        XCTAssertEqual(gradient.y, -4, accuracy: 1e-12)
        XCTAssertEqual(gradient.z, 3, accuracy: 1e-12)
    }

    /// CS231n lecture 4: f = ‖W·x‖² at W = [[0.1, 0.5], [−0.3, 0.8]], x = [0.2, 0.4].
    func testSquaredNormExampleGivesTheLectureNumbers() throws {
        let graph = try SquaredNormOfWx(W: [0.1, 0.5, -0.3, 0.8], x: [0.2, 0.4])
        assertEqual(graph.nodes().q, [0.22, 0.26], "q")
        XCTAssertEqual(graph.value(), 0.116, accuracy: 1e-12)
        let (value, gradient) = graph.valueAndGradient()
        XCTAssertEqual(value, 0.116, accuracy: 1e-12)
        assertEqual(gradient.W, [0.088, 0.176, 0.104, 0.208], "∇W")
        assertEqual(gradient.x, [-0.112, 0.636], "∇x")
    }

    func testChainRuleGraph() throws { try GraphChecks(SimpleGraph.self).runAll() }
    func testSquaredNormGraph() throws { try GraphChecks(SquaredNormOfWx.self).runAll() }
    func testTwoLayerGraphInFloat() throws { try GraphChecks(TwoLayerGraph.self).runAll() }
    /// Every elementwise op, scalar operands broadcast from either side.
    func testEveryElementwiseOp() throws { try GraphChecks(ElementwiseOps.self).runAll() }
    /// pow(x, n): positive and negative whole exponents, written out and through the library.
    func testPow() throws { try GraphChecks(PowOps.self).runAll() }
    /// matmul (matrix·matrix, matrix·vector, vector·matrix), transpose, dot and the reductions.
    func testEveryLinearAlgebraOp() throws { try GraphChecks(LinearAlgebraOps.self).runAll() }
    /// A graph large enough to be emitted in parts (`GraphOutliner`): kernels shared by ops of one
    /// shape, values crossing parts through slots, nodes and gradients filled part by part.
    func testResidualGraphEmittedInParts() throws { try GraphChecks(ResidualGraph.self).runAll() }
    /// Every linear-algebra op in kernel functions, large ones with their length as a parameter.
    func testEveryLinearAlgebraOpEmittedInParts() throws { try GraphChecks(LinearAlgebraOpsInParts.self).runAll() }

    /// Properties keep their fixed counts: `init` throws, naming the model and the argument.
    func testWrongCountNamesModelAndArgument() {
        XCTAssertThrowsError(try SquaredNormOfWx(W: [1, 2, 3], x: [0.2, 0.4])) { error in
            XCTAssertEqual("\(error)", "SquaredNormOfWx: W: expected 4 values, found 3 values")
        }
    }

    private func assertEqual(_ got: [Double], _ want: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, what, file: file, line: line)
        for (g, w) in zip(got, want) { XCTAssertEqual(g, w, accuracy: 1e-12, "\(what): \(got) vs \(want)", file: file, line: line) }
    }
}
