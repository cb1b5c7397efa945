import NNGenCore
import XCTest

/// The diagnostics of `batch_norm` and `dropout`: each at the layer or value at fault.
final class TrainingLayerDiagnosticTests: XCTestCase {
    /// A network of batch `batch` whose line 5 onwards the tests replace.
    func spec(batch: Int = 4, input: String = "[1, 4, 4]", _ layers: String, loss: Bool = true) -> String {
        "nngen: 1\nname: Net\nbatch: \(batch)\ninput: \(input)\nlayers:\n" + layers + "\n  - dense: 3\n" + (loss ? "loss: softmax_cross_entropy\n" : "")
    }

    func testValidLayers() {
        let layers = """
              - batch_norm
              - {conv2d: 2, kernel: 3}
              - {batch_norm: true, momentum: 1, epsilon: 0.01, name: bn}
              - {dropout: 0}
              - {dense: 4}
              - batch_norm:
              - dropout: 0.5
            """
        XCTAssertEqual(specDiagnostics(spec(layers)), [])
    }

    func testDropoutRateMustBeUnderOne() {
        assertSingleError(spec("  - {dropout: 1}"), at: "6:15", contains: "≥ 0 and < 1")
        assertSingleError(spec("  - {dropout: -0.1}"), at: "6:15", contains: "≥ 0 and < 1")
    }

    func testMomentumInUnitInterval() {
        assertSingleError(spec("  - {batch_norm: true, momentum: 1.5}"), at: "6:34", contains: "'momentum' of batch_norm must be > 0 and ≤ 1")
        assertSingleError(spec("  - {batch_norm: true, momentum: 0}"), at: "6:34", contains: "> 0")
    }

    func testEpsilonPositive() {
        assertSingleError(spec("  - {batch_norm: true, epsilon: 0}"), at: "6:33", contains: "> 0")
    }

    func testBatchNormTakesNoValue() {
        assertSingleError(spec("  - {batch_norm: 3}"), at: "6:18", contains: "'batch_norm' takes no value")
    }

    func testUnknownKey() {
        assertSingleError(spec("  - {dropout: 0.5, momentum: 0.1}"), at: "6:20", contains: "momentum")
    }

    /// Batch statistics of one value per channel are undefined (PyTorch refuses them too); an
    /// inference-only model has none.
    func testBatchNormNeedsMoreThanOneValuePerChannel() {
        assertSingleError(spec(batch: 1, input: "4", "  - batch_norm"), at: "6:5", contains: "more than one value per channel")
        XCTAssertEqual(specDiagnostics(spec(batch: 1, input: "4", "  - batch_norm", loss: false)), [])
        XCTAssertEqual(specDiagnostics(spec(batch: 1, "  - batch_norm")), [])  // 16 positions per channel
    }
}
