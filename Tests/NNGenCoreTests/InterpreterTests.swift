import NNGenCore
import XCTest

/// The interpreter against values worked out by hand.
final class InterpreterTests: XCTestCase {
    func lower(_ yaml: String) throws -> NetworkModel {
        guard case .network(let spec) = try SpecParser.parse(yaml, path: "test.yaml") else { fatalError() }
        return NetworkLowering.lower(spec)
    }

    /// One dense layer, identity, mean squared error: every number below is computed by hand.
    /// x = [1, 2], W = [[0.5], [-1]], b = [0.25]: s = 0.5 − 2 + 0.25 = −1.25; t = 0.75;
    /// L = (s − t)² = 4; dL/ds = 2(s − t) = −4; dL/dW = xᵀ·dL/ds = [−4, −8]; dL/db = −4.
    func testDenseMeanSquaredErrorByHand() throws {
        let model = try lower("nngen: 1\nname: M\nscalar: Double\ninput: 2\nlayers: [{dense: 1}]\nloss: mean_squared_error\n")
        let result = model.interpret(parameters: [0.5, -1, 0.25], inputs: [1, 2], targets: [0.75])
        XCTAssertEqual(result.scores, [-1.25])
        XCTAssertEqual(result.loss, 4)
        XCTAssertEqual(result.gradient, [-4, -8, -4])
    }

    /// Softmax cross-entropy on equal scores: L = log C, dL/ds = (1/C − onehot)/N.
    /// With l2 = 0.5 the loss adds 0.5·ΣW² and the weight gradient 2·0.5·W = W.
    func testSoftmaxAndL2ByHand() throws {
        let model = try lower("nngen: 1\nname: M\nscalar: Double\ninput: 1\nlayers: [{dense: 2}]\nloss: softmax_cross_entropy\nregularization: {l2: 0.5}\n")
        // W = [0, 0], b = [0, 0]: scores [0, 0]; with W = [0.2, 0.2] and x = 1, scores [0.2, 0.2].
        let result = model.interpret(parameters: [0.2, 0.2, 0, 0], inputs: [1], labels: [1])
        XCTAssertEqual(result.loss!, log(2.0) + 0.5 * 0.08, accuracy: 1e-15)
        XCTAssertEqual(result.gradient[0], 0.5 * 1 + 0.2, accuracy: 1e-15)   // (p0 − 0)·x + W0
        XCTAssertEqual(result.gradient[1], -0.5 * 1 + 0.2, accuracy: 1e-15)  // (p1 − 1)·x + W1
        XCTAssertEqual(result.gradient[2], 0.5, accuracy: 1e-15)
        XCTAssertEqual(result.gradient[3], -0.5, accuracy: 1e-15)
    }

    /// Hinge: scores [3, 1, 2.5] (lecture 3's style), label 0, margin 1:
    /// max(0, 1 − 3 + 1) + max(0, 2.5 − 3 + 1) = 0 + 0.5.
    func testHingeByHand() throws {
        let model = try lower("nngen: 1\nname: M\nscalar: Double\ninput: 1\nlayers: [{dense: 3, bias: false}]\nloss: hinge\n")
        let result = model.interpret(parameters: [3, 1, 2.5], inputs: [1], labels: [0])
        XCTAssertEqual(result.loss, 0.5)
        XCTAssertEqual(result.gradient, [-1, 0, 1])
    }

    /// Maxout ties go to the lowest piece; relu'(0) = 0.
    func testTieRules() throws {
        let maxout = try lower("nngen: 1\nname: M\nscalar: Double\ninput: 1\nlayers: [{maxout: 1, pieces: 2}, {dense: 1, bias: false}]\nloss: mean_squared_error\n")
        // Both pieces give 1·1 + 0 = 1; the output weight is 1; target 0: dL/dh = 2.
        let m = maxout.interpret(parameters: [1, 1, 0, 0, 1], inputs: [1], targets: [0])
        XCTAssertEqual(m.gradient, [2, 0, 2, 0, 2])
        let relu = try lower("nngen: 1\nname: M\nscalar: Double\ninput: 1\nlayers: [{dense: 1, activation: relu, bias: false}, {dense: 1, bias: false}]\nloss: mean_squared_error\n")
        let r = relu.interpret(parameters: [0, 1], inputs: [1], targets: [1])
        XCTAssertEqual(r.gradient[0], 0)
    }
}
