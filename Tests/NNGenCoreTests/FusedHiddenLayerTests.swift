@testable import NNGenCore
import XCTest

/// Which models get the fused training step (`FusedHiddenLayer`, matched on the IR), and that the
/// others keep the planned graph. The step's numbers are checked by GeneratedModelsTests (spiral,
/// xor, the activation_* specs of softmax cross-entropy and hinge, the optimizer specs and
/// two_class_relu use it) against the interpreter and central differences, and by
/// FusionDifferentialTests against the same specs generated without rewrites.
final class FusedHiddenLayerTests: XCTestCase {
    private func model(_ layers: String, input: Int = 2, loss: String = "softmax_cross_entropy", scalar: String = "Float",
                       batch: Int = 10) throws -> NetworkModel {
        let yaml = """
            nngen: 1
            name: Net
            scalar: \(scalar)
            batch: \(batch)
            input: \(input)
            layers:
            \(layers)
            loss: \(loss)
            optimizer: { sgd: { learning_rate: 0.1 } }
            """
        guard case .network(let spec) = try SpecParser.parse(yaml, path: "n.yaml") else { throw XCTSkip("not a network") }
        return NetworkLowering.lower(spec)
    }

    private func step(_ model: NetworkModel, scratchBase: Int = 0) -> FusedHiddenLayer? {
        var step = FusedHiddenLayer(model, unroll: UnrollPolicy(limit: Generator.defaultUnrollLimit))
        step?.scratchBase = scratchBase
        return step
    }

    func testSelection() throws {
        let relu = "  - { dense: 20, activation: relu }\n  - dense: 3"
        XCTAssertNotNil(step(try model(relu)))
        // Activations whose forward and derivative are arithmetic, comparisons and selects take
        // it; those that call exp or tanh measured slower fused (recomputed in the backward pass).
        for activation in UnaryOp.activations {
            let fused = step(try model("  - { dense: 20, activation: \(activation.name) }\n  - dense: 3")) != nil
            XCTAssertEqual(fused, ["relu", "leaky_relu"].contains(activation.name), activation.name)
        }
        XCTAssertNotNil(step(try model("  - { dense: 20, activation: { leaky_relu: { alpha: 0.2 } } }\n  - dense: 3")))
        // Not where the planned graph unrolls the hidden layer (batch × units ≤ the unroll limit).
        XCTAssertNil(step(try model("  - { dense: 4, activation: relu }\n  - dense: 3", batch: 4)))
        XCTAssertNotNil(step(try model("  - { dense: 4, activation: relu }\n  - dense: 3", batch: 5)))
        XCTAssertNotNil(step(try model(relu, loss: "{ hinge: { margin: 2 } }")), "a loss without a one-pass kernel takes its two kernels")
        XCTAssertNil(step(try model(relu, loss: "mean_squared_error")), "real targets: no class per row to transpose")
        XCTAssertNotNil(step(try model(relu, scalar: "Double")))
        XCTAssertNotNil(step(try model(relu, input: 4)))
        XCTAssertNil(step(try model(relu, input: 5)), "too many inputs for the registers")
        XCTAssertNotNil(step(try model("  - { dense: 20, activation: relu }\n  - dense: 12")))
        XCTAssertNil(step(try model("  - { dense: 20, activation: relu }\n  - dense: 13")), "too many classes")
        XCTAssertNil(step(try model("  - { dense: 20, activation: relu, bias: false }\n  - dense: 3")))
        XCTAssertNil(step(try model("  - { dense: 20, activation: relu }\n  - { dense: 3, activation: relu }")))
        XCTAssertNil(step(try model("  - { dense: 20, activation: relu }\n  - { dense: 20, activation: relu }\n  - dense: 3")))
        XCTAssertNil(step(try model("  - { maxout: 20, pieces: 2 }\n  - dense: 3")))
        // Matched on the IR: a relu layer of its own is the same network.
        XCTAssertNotNil(step(try model("  - dense: 20\n  - activation: relu\n  - dense: 3")))
        XCTAssertNil(step(try model("  - dense: 20\n  - activation: relu\n  - activation: relu\n  - dense: 3")))
        XCTAssertNil(step(try model("  - activation: relu\n  - { dense: 20, activation: relu }\n  - dense: 3")))
    }

    /// The backward pass goes over examples from `examplesOrderMinimumBatch` on where its vectors
    /// fit the registers, from `examplesOrderMinimumBatchSpilling` on in any case (h stored), and
    /// over vectors of units otherwise (h recomputed).
    func testBackwardOrder() throws {
        let relu = "  - { dense: 20, activation: relu }\n  - dense: 3"  // 2C + K + 1 = 9 vectors
        let six = "  - { dense: 20, activation: relu }\n  - dense: 6"  // 15
        let (limit, spilling) = (FusedHiddenLayer.examplesOrderMinimumBatch, FusedHiddenLayer.examplesOrderMinimumBatchSpilling)
        XCTAssertEqual(try XCTUnwrap(step(try model(relu, batch: limit - 1))).backwardOrder, .overUnits)
        XCTAssertEqual(try XCTUnwrap(step(try model(relu, batch: limit))).backwardOrder, .overExamples)
        XCTAssertEqual(try XCTUnwrap(step(try model(six, batch: spilling - 1))).backwardOrder, .overUnits)
        XCTAssertEqual(try XCTUnwrap(step(try model(six, batch: spilling))).backwardOrder, .overExamples)
        let leaky = "  - { dense: 20, activation: { leaky_relu: { alpha: 0.1 } } }\n  - dense: 3"
        XCTAssertEqual(try XCTUnwrap(step(try model(leaky, batch: 300))).backwardOrder, .overExamples, "its derivative reads h")
        let short = try XCTUnwrap(step(try model(relu, batch: limit - 1))), long = try XCTUnwrap(step(try model(relu, batch: limit)))
        XCTAssertEqual(long.scratchCount - long.backwardOffset, 20 * long.paddedBatch + 20 * 6 * 8,
                       "over examples: h, [H × padded batch], and each unit's C + K + 1 sums by lane")
        XCTAssertEqual(short.scratchCount - short.backwardOffset, short.unitsScratchCount)
        XCTAssertEqual(short.unitsScratchCount, (2 + 1 + 3) * 24 * 2 + (limit - 1) * 2 * 8,
                       "over units: W1, b1 and W2ᵀ padded to 24 units, their sums, and h and dz of 8 units per example")
    }

    /// Padding: the batch is rounded up to whole vectors of 512 bits (the forward pass's; the
    /// backward pass's are half as wide), and the scratch holds h transposed, [H × padded batch].
    func testScratchLayout() throws {
        let step = try XCTUnwrap(self.step(try model("  - { dense: 20, activation: relu }\n  - dense: 3")))
        XCTAssertEqual(step.lanes, 16)
        XCTAssertEqual(step.backwardLanes, 8)
        XCTAssertEqual(step.paddedBatch, 16)
        XCTAssertGreaterThanOrEqual(step.scratchCount, 20 * 16 + 2 * 16 + 2 * 3 * 16, "h, x and the scores with their gradient")
        XCTAssertNotNil(self.step(try model("  - { dense: 20, activation: relu }\n  - dense: 3"), scratchBase: 100))
        XCTAssertGreaterThan(try XCTUnwrap(self.step(try model("  - { dense: 20, activation: relu }\n  - dense: 3"), scratchBase: 100)).scratchCount,
                             step.scratchCount + 99, "the step's scratch follows the planned graph's")
        let double = try XCTUnwrap(self.step(try model("  - { dense: 20, activation: relu }\n  - dense: 3", scalar: "Double")))
        XCTAssertEqual(double.lanes, 8)
        XCTAssertEqual(double.backwardLanes, 4)
        XCTAssertEqual(double.paddedBatch, 16)
    }
}
