@testable import NNGenCore
import XCTest

/// Which models get the fused training step (`FusedHiddenLayer`, matched on the IR), and that the
/// others keep the planned graph. The step's numbers are checked by GeneratedModelsTests (spiral, activation_relu,
/// the optimizer specs and two_class_relu use it) against the interpreter and central differences.
final class FusedHiddenLayerTests: XCTestCase {
    private func model(_ layers: String, input: Int = 2, loss: String = "softmax_cross_entropy", scalar: String = "Float") throws -> NetworkModel {
        let yaml = """
            nngen: 1
            name: Net
            scalar: \(scalar)
            batch: 10
            input: \(input)
            layers:
            \(layers)
            loss: \(loss)
            optimizer: { sgd: { learning_rate: 0.1 } }
            """
        guard case .network(let spec) = try SpecParser.parse(yaml, path: "n.yaml") else { throw XCTSkip("not a network") }
        return NetworkLowering.lower(spec)
    }

    func testSelection() throws {
        let relu = "  - { dense: 20, activation: relu }\n  - dense: 3"
        XCTAssertNotNil(FusedHiddenLayer(try model(relu)))
        XCTAssertNotNil(FusedHiddenLayer(try model(relu, scalar: "Double")))
        XCTAssertNotNil(FusedHiddenLayer(try model(relu, input: 4)))
        XCTAssertNil(FusedHiddenLayer(try model(relu, input: 5)), "too many inputs for the registers")
        XCTAssertNotNil(FusedHiddenLayer(try model("  - { dense: 20, activation: relu }\n  - dense: 12")))
        XCTAssertNil(FusedHiddenLayer(try model("  - { dense: 20, activation: relu }\n  - dense: 13")), "too many classes")
        XCTAssertNil(FusedHiddenLayer(try model(relu, loss: "hinge")))
        XCTAssertNil(FusedHiddenLayer(try model("  - { dense: 20, activation: tanh }\n  - dense: 3")))
        XCTAssertNil(FusedHiddenLayer(try model("  - { dense: 20, activation: relu, bias: false }\n  - dense: 3")))
        XCTAssertNil(FusedHiddenLayer(try model("  - { dense: 20, activation: relu }\n  - { dense: 3, activation: relu }")))
        XCTAssertNil(FusedHiddenLayer(try model("  - { dense: 20, activation: relu }\n  - { dense: 20, activation: relu }\n  - dense: 3")))
        XCTAssertNil(FusedHiddenLayer(try model("  - { maxout: 20, pieces: 2 }\n  - dense: 3")))
        // Matched on the IR: a relu layer of its own is the same network.
        XCTAssertNotNil(FusedHiddenLayer(try model("  - dense: 20\n  - activation: relu\n  - dense: 3")))
        XCTAssertNil(FusedHiddenLayer(try model("  - dense: 20\n  - activation: relu\n  - activation: relu\n  - dense: 3")))
        XCTAssertNil(FusedHiddenLayer(try model("  - activation: relu\n  - { dense: 20, activation: relu }\n  - dense: 3")))
    }

    /// Padding: the batch and the hidden layer are rounded up to whole vectors of 512 bits.
    func testScratchLayout() throws {
        let step = try XCTUnwrap(FusedHiddenLayer(try model("  - { dense: 20, activation: relu }\n  - dense: 3")))
        XCTAssertEqual(step.lanes, 16)
        XCTAssertEqual(step.paddedBatch, 16)
        XCTAssertEqual(step.paddedHidden, 32)
        // inputs [2×16], scores + labels [4×16], W1 [2×32], b1, W2ᵀ [3×32], dW2ᵀ [3×32], dW1 [2×32], db1
        XCTAssertEqual(step.scratchCount, 2 * 16 + 4 * 16 + 32 * (2 + 1 + 3 + 3 + 2 + 1))
        let double = try XCTUnwrap(FusedHiddenLayer(try model("  - { dense: 20, activation: relu }\n  - dense: 3", scalar: "Double")))
        XCTAssertEqual(double.lanes, 8)
        XCTAssertEqual(double.paddedBatch, 16)
        XCTAssertEqual(double.paddedHidden, 24)
    }
}
