@testable import GeneratedModels
@testable import NNGenCore
import XCTest

/// The emitted direct-convolution helpers (`DirectConvolution`), in Double (`DirectConvNet`) and
/// Float (`DirectConvFloatNet`), called directly on geometries the specs do not reach, against the op's
/// Double definition: images narrower and wider than a vector, kernels from 1×1 to the padded
/// image's size, padding on any side, filter counts around the tile of 6 and the vector (both forward
/// forms: the wide grid with few filters, vectors of filters with more), batches of 1 to 3, with and
/// without a bias. The
/// scratch starts as NaN (a value read before it is written shows), and the output has
/// sentinels past its end (a write past it shows).
final class DirectConvolutionKernelTests: XCTestCase {
    /// Stride-1 windows of `kernel` over `batch` single-channel images of `height × width`, padded
    /// (top, bottom, left, right).
    func geometry(batch: Int, height: Int, width: Int, kernel: (Int, Int), pads: (Int, Int, Int, Int)) -> WindowGeometry {
        let layout = ImageLayout(batch: batch, channels: 1, height: height, width: width, channelsLast: false)
        let rows = WindowAxis(input: height, kernel: kernel.0, stride: 1, before: pads.0, after: pads.1)!
        let columns = WindowAxis(input: width, kernel: kernel.1, stride: 1, before: pads.2, after: pads.3)!
        return WindowGeometry(input: layout, rows: rows, columns: columns)
    }

    /// (geometry, filters): every width from 1 to 17 once, the rest varied with it.
    var cases: [(WindowGeometry, Int)] {
        (1...17).map { width in
            let height = 1 + (width * 5) % 9, kernel = (1 + width % 3, 1 + (width * 2) % 5)
            let pads = (width % 2, (width / 2) % 3, (width / 3) % 2, width % 4)
            let filters = 1 + (width * 7) % 13
            // The kernel must fit the padded image.
            let k = (min(kernel.0, height + pads.0 + pads.1), min(kernel.1, width + pads.2 + pads.3))
            return (geometry(batch: 1 + width % 3, height: height, width: width, kernel: k, pads: pads), filters)
        } + [(geometry(batch: 2, height: 28, width: 28, kernel: (5, 5), pads: (0, 0, 0, 0)), 6),
             (geometry(batch: 1, height: 8, width: 8, kernel: (3, 3), pads: (1, 1, 1, 1)), 16),
             (geometry(batch: 2, height: 3, width: 4, kernel: (5, 6), pads: (2, 2, 1, 3)), 12)]
    }

    /// The helper's arguments after its pointers.
    func arguments(_ c: DirectConvolution) -> [Int] {
        c.helperArguments.map { argument -> Int in
            guard case .int(let n) = argument else { preconditionFailure() }
            return n
        }
    }

    /// Runs both helpers through `forward` and `gradient` in scalar type `T`, and checks them against the definition.
    func check<T: BinaryFloatingPoint>(_: T.Type, tolerance: Double,
                                        forward: ([T], [T], [T]?, inout [T], inout [T], [Int]) -> Void,
                                        gradient: ([T], [T], inout [T], inout [T], [Int]) -> Void) {
        for (g, filters) in cases {
            let c = DirectConvolution(window: g, filters: filters)
            let x = (0..<g.input.count).map { Double(($0 * 37) % 23) / 11 - 1 }
            let w = (0..<filters * c.taps).map { Double(($0 * 29) % 17) / 8 - 1 }
            let dy = (0..<g.positions * filters).map { Double(($0 * 13) % 19) / 9 - 1 }
            let sentinel: T = 12345
            // A bias on every other case, else none (the helper's nil).
            let bias = (g.input.width + filters) % 2 == 0 ? (0..<filters).map { Double(($0 * 5) % 7) / 3 - 1 } : nil
            var expected = c.evaluate(x, w)
            if let bias { for i in expected.indices { expected[i] += bias[i % filters] } }
            let expectedGradient = c.evaluateFilterGradient(x, dy)

            var out = [T](repeating: sentinel, count: expected.count + 8)
            var scratch = [T](repeating: .nan, count: c.forwardScratch)
            forward(x.map { T($0) }, w.map { T($0) }, bias?.map { T($0) }, &out, &scratch, arguments(c))
            for (i, e) in expected.enumerated() {
                XCTAssertEqual(Double(out[i]), e, accuracy: tolerance * (1 + abs(e)), "y[\(i)] of \(g.summary), \(filters) filters, bias \(bias != nil)")
            }
            XCTAssertEqual(Array(out[expected.count...]), [T](repeating: sentinel, count: 8), "written past y, \(g.summary)")

            var dw = [T](repeating: sentinel, count: expectedGradient.count + 8)
            scratch = [T](repeating: .nan, count: c.gradientScratch)
            gradient(x.map { T($0) }, dy.map { T($0) }, &dw, &scratch, arguments(c))
            for (i, e) in expectedGradient.enumerated() {
                XCTAssertEqual(Double(dw[i]), e, accuracy: tolerance * (1 + abs(e)), "dW[\(i)] of \(g.summary), \(filters) filters")
            }
            XCTAssertEqual(Array(dw[expectedGradient.count...]), [T](repeating: sentinel, count: 8), "written past dW, \(g.summary)")
        }
    }

    func testDoubleHelpers() {
        check(Double.self, tolerance: 1e-12,
              forward: { x, w, b, y, s, a in
                  withOptionalPointer(b) { DirectConvNet.directConvolution(x, w, $0, &y, &s, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]) }
              },
              gradient: { x, dy, dw, s, a in DirectConvNet.directConvolutionFilterGradient(x, dy, &dw, &s, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]) })
    }

    func testFloatHelpers() {
        check(Float.self, tolerance: 1e-5,
              forward: { x, w, b, y, s, a in
                  withOptionalPointer(b) { DirectConvFloatNet.directConvolution(x, w, $0, &y, &s, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]) }
              },
              gradient: { x, dy, dw, s, a in DirectConvFloatNet.directConvolutionFilterGradient(x, dy, &dw, &s, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]) })
    }

    /// `body` with a pointer to `array`'s elements, or nil.
    func withOptionalPointer<T>(_ array: [T]?, _ body: (UnsafePointer<T>?) -> Void) {
        guard let array else { return body(nil) }
        array.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
