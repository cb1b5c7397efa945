import ExampleModels
import GeneratedModels
import XCTest

/// A model's parameters and optimizer state are finite, always: what would make them NaN or
/// infinite is a thrown error that changes nothing (the README's "Hardening", non-finite values).
final class NonFinitePolicyTests: XCTestCase {
    /// `init(parameters:)` and `setParameters(_:)` refuse NaN and infinities, naming the element.
    func testParametersMustBeFinite() throws {
        var values = SpiralNet().parameters
        for bad: Float in [.nan, .infinity, -.infinity] {
            values[7] = bad
            XCTAssertThrowsError(try SpiralNet(parameters: values)) { error in
                XCTAssertEqual("\(error)", "SpiralNet: parameters[7]: expected a finite number, found \(bad)")
            }
            var model = SpiralNet()
            let before = model.parameters
            XCTAssertThrowsError(try model.setParameters(values))
            XCTAssertEqual(model.parameters, before)
        }
        values[7] = 0.25
        var model = SpiralNet()
        try model.setParameters(values)
        XCTAssertEqual(model.parameters, values)
    }

    /// A step whose loss is not finite throws `DivergenceError` and leaves the model as it was:
    /// parameters near Float's largest make the scores overflow.
    func testNonFiniteLossStopsTheStep() throws {
        var model = try SpiralNet(parameters: SpiralNet().parameters.map { $0 * 1e37 })
        let before = model.parameters
        let inputs = (0..<SpiralNet.batchSize * 2).map { Float($0 % 7) - 3 }
        let labels = (0..<SpiralNet.batchSize).map { $0 % 3 }
        XCTAssertThrowsError(try model.trainStep(inputs: inputs, labels: labels)) { error in
            guard let divergence = error as? SpiralNet.DivergenceError else { return XCTFail("\(error)") }
            XCTAssertFalse(divergence.loss.isFinite)
            XCTAssertTrue(divergence.description.hasPrefix("SpiralNet: training diverged: the loss is "), divergence.description)
        }
        XCTAssertEqual(model.parameters, before)
    }

    /// A step with a finite loss whose update overflows (Adam's g² for gradients near 10²⁰⁰)
    /// throws and leaves the parameters and the optimizer state as they were: the next step
    /// from ordinary inputs matches a model that never took the failed one.
    func testOverflowingUpdateChangesNothing() throws {
        var model = AdamNet(), reference = AdamNet()
        let labels = (0..<AdamNet.batchSize).map { $0 % 3 }
        let huge = (0..<AdamNet.batchSize * AdamNet.inputCount).map { Double($0 % 5 + 1) * 1e200 }
        let ordinary = (0..<AdamNet.batchSize * AdamNet.inputCount).map { Double($0 % 5) - 2 }
        _ = try model.trainStep(inputs: ordinary, labels: labels)
        _ = try reference.trainStep(inputs: ordinary, labels: labels)
        XCTAssertThrowsError(try model.trainStep(inputs: huge, labels: labels)) { error in
            guard let divergence = error as? AdamNet.DivergenceError else { return XCTFail("\(error)") }
            XCTAssertTrue(divergence.loss.isFinite, "the loss was \(divergence.loss)")
            XCTAssertTrue(divergence.description.contains("the update would make a parameter or the optimizer state non-finite"))
        }
        XCTAssertEqual(model.parameters, reference.parameters)
        XCTAssertEqual(try model.trainStep(inputs: ordinary, labels: labels), try reference.trainStep(inputs: ordinary, labels: labels))
        XCTAssertEqual(model.parameters, reference.parameters)
    }
}
