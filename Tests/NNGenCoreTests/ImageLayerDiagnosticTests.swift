import NNGenCore
import XCTest

/// The image layers' diagnostics: each at the position of the layer or value at fault.
final class ImageLayerDiagnosticTests: XCTestCase {
    /// An image network whose line 5 onwards the tests replace.
    func spec(input: String = "[1, 8, 8]", _ layers: String) -> String {
        "nngen: 1\nname: Net\nbatch: 2\ninput: \(input)\nlayers:\n" + layers + "\n  - dense: 3\nloss: softmax_cross_entropy\n"
    }

    func assertError(_ text: String, at position: String, contains fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        assertSingleError(text, at: position, contains: fragment, file: file, line: line)
    }

    func testValidImageNetwork() {
        let layers = """
              - {conv2d: 4, kernel: 3, padding: same, activation: relu}
              - {max_pool: 2}
              - {conv2d: 2, kernel: [3, 1], stride: [1, 2], padding: [1, 0]}
              - {avg_pool: [2, 1], stride: 1, padding: valid}
              - flatten
            """
        XCTAssertEqual(specDiagnostics(spec(layers)), [])
    }

    func testKernelLargerThanItsPaddedInput() {
        assertError(spec("  - {conv2d: 4, kernel: 5, padding: 1}\n  - {conv2d: 4, kernel: 9}"), at: "7:5",
                    contains: "the 9×9 window is larger than its padded input (6×6)")
    }

    func testSamePaddingNeedsStrideOne() {
        assertError(spec("  - {conv2d: 4, kernel: 3, stride: 2, padding: same}"), at: "6:5", contains: "padding 'same' needs stride 1")
    }

    func testPoolOfSizeZero() {
        assertError(spec("  - {max_pool: 0}"), at: "6:16", contains: "must be at least 1, found 0")
    }

    func testPoolPaddingAtMostHalfItsSize() {
        assertError(spec("  - {avg_pool: 2, padding: 2}"), at: "6:5", contains: "a pool's padding must be at most half its size")
    }

    func testPoolTakesNoSamePadding() {
        assertError(spec("  - {max_pool: 2, padding: same}"), at: "6:28", contains: "one of 'valid'; found 'same'")
    }

    func testConvolutionNeedsAnImage() {
        assertError(spec(input: "64", "  - {conv2d: 4, kernel: 3}"), at: "6:5", contains: "conv2d needs an image input [channels, height, width]; it receives 64 features")
        assertError(spec("  - {dense: 10}\n  - {max_pool: 2}"), at: "7:5", contains: "max_pool needs an image input")
    }

    func testConvolutionNeedsAKernel() {
        assertError(spec("  - {conv2d: 4}"), at: "6:5", contains: "needs 'kernel:'")
    }

    func testInputListIsThreeExtents() {
        assertError(spec(input: "[8, 8]", "  - {conv2d: 4, kernel: 3}"), at: "4:8", contains: "'input' as a list is [channels, height, width], found 2 items")
        assertError(spec(input: "[1, 0, 8]", "  - {conv2d: 4, kernel: 3}"), at: "4:12", contains: "the height of 'input' must be at least 1")
    }

    func testExtentListIsHeightAndWidth() {
        assertError(spec("  - {conv2d: 4, kernel: [3, 3, 3]}"), at: "6:25", contains: "'kernel' as a list is [height, width], found 3 items")
    }

    func testFlattenTakesNoValue() {
        assertError(spec("  - {conv2d: 4, kernel: 3}\n  - {flatten: 3}"), at: "7:15", contains: "'flatten' takes no value")
    }

    func testUnknownConvolutionKey() {
        assertError(spec("  - {conv2d: 4, kernel: 3, strides: 2}"), at: "6:28", contains: "unknown key 'strides' in layer 1 (conv2d); did you mean 'stride'?")
    }
}
