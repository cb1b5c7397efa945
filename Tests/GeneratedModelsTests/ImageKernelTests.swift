@testable import GeneratedModels
@testable import NNGenCore
import XCTest

/// The emitted image helpers (`SmallConvNet` carries all six), called directly on geometries the
/// specs do not reach, against the op definitions' Double evaluation: both input layouts,
/// padding on every side, overlapping windows, and images of three values only, so that most
/// windows hold ties and the tie rule decides where the maximum's gradient goes.
final class ImageKernelTests: XCTestCase {
    typealias Net = SmallConvNet

    /// Windows of `kernel` at `stride` with `pad` on every side over a 2-image batch of 3 × 5 × 4.
    func geometry(channelsLast: Bool, kernel: (Int, Int), stride: (Int, Int), pad: (Int, Int)) -> WindowGeometry {
        let layout = ImageLayout(batch: 2, channels: 3, height: 5, width: 4, channelsLast: channelsLast)
        let rows = WindowAxis(input: 5, kernel: kernel.0, stride: stride.0, before: pad.0, after: pad.0)!
        let columns = WindowAxis(input: 4, kernel: kernel.1, stride: stride.1, before: pad.1, after: pad.1)!
        return WindowGeometry(input: layout, rows: rows, columns: columns)
    }

    var geometries: [WindowGeometry] {
        [false, true].flatMap { last in
            [geometry(channelsLast: last, kernel: (2, 2), stride: (1, 1), pad: (1, 1)),
             geometry(channelsLast: last, kernel: (3, 2), stride: (2, 1), pad: (1, 0)),
             geometry(channelsLast: last, kernel: (2, 3), stride: (2, 2), pad: (0, 1))]
        }
    }

    /// Values in {−1, 0, 1}: ties in most windows.
    func tiedValues(_ count: Int, seed: Int) -> [Double] { (0..<count).map { Double(($0 * 7 + seed) % 3 - 1) } }

    /// The helper's arguments after its pointers.
    func call(_ g: WindowGeometry, _ body: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) -> Void) {
        let a = g.helperArguments.map { argument -> Int in
            guard case .int(let n) = argument else { preconditionFailure() }
            return n
        }
        body(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14])
    }

    func testWindowsToRowsAndBack() {
        for g in geometries {
            let x = (0..<g.input.count).map { Double($0) * 0.5 - 3 }
            var rows = [Double](repeating: .nan, count: g.positions * g.windowSize)
            call(g) { Net.windowsToRows(x, &rows, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) }
            XCTAssertEqual(rows, Convolution.evaluateRows(g, x), "im2col of \(g.summary)")
            let upstream = (0..<rows.count).map { Double($0 % 11) - 5 }
            var back = [Double](repeating: .nan, count: g.input.count)
            call(g) { Net.rowsToWindows(upstream, &back, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) }
            XCTAssertEqual(back, Convolution.evaluateWindows(g, upstream), "col2im of \(g.summary)")
        }
    }

    func testPoolingAndItsGradientWithTies() {
        for g in geometries {
            for kind in [PoolKind.max, .average] {
                let p = Pooling(kind: kind, window: g)
                let x = tiedValues(g.input.count, seed: 1), upstream = tiedValues(g.positions * g.input.channels, seed: 2).map { $0 + 2 }
                var pooled = [Double](repeating: .nan, count: upstream.count), dx = [Double](repeating: .nan, count: x.count)
                call(g) {
                    if kind == .max {
                        Net.maxPool(x, &pooled, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                        Net.maxPoolGradient(x, upstream, &dx, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                    } else {
                        Net.averagePool(x, &pooled, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                        Net.averagePoolGradient(upstream, &dx, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                    }
                }
                XCTAssertEqual(maxError(pooled, p.evaluate(x)), 0, accuracy: 1e-15, "\(kind) pool of \(g.summary)")
                XCTAssertEqual(maxError(dx, p.evaluateGradient(x: x, upstream: upstream)), 0, accuracy: 1e-15, "\(kind) pool's gradient of \(g.summary)")
            }
        }
    }

    /// The first maximum takes the gradient: in a 2×2 window of four equal values, the top-left.
    func testMaximumTieGoesToTheFirstInRowMajorOrder() {
        let g = WindowGeometry(input: ImageLayout(batch: 1, channels: 1, height: 2, width: 2, channelsLast: false),
                               rows: WindowAxis(input: 2, kernel: 2, stride: 2, before: 0, after: 0)!,
                               columns: WindowAxis(input: 2, kernel: 2, stride: 2, before: 0, after: 0)!)
        var dx = [Double](repeating: .nan, count: 4)
        call(g) { Net.maxPoolGradient([1, 1, 1, 1], [5], &dx, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) }
        XCTAssertEqual(dx, [5, 0, 0, 0])
        XCTAssertEqual(Pooling(kind: .max, window: g).evaluateGradient(x: [0, 2, 2, 1], upstream: [5]), [0, 5, 0, 0])
    }

    /// A NaN in a window is its maximum, and takes the gradient.
    func testMaximumOfANaNIsNaN() {
        let g = WindowGeometry(input: ImageLayout(batch: 1, channels: 1, height: 1, width: 3, channelsLast: false),
                               rows: WindowAxis(input: 1, kernel: 1, stride: 1, before: 0, after: 0)!,
                               columns: WindowAxis(input: 3, kernel: 3, stride: 3, before: 0, after: 0)!)
        var pooled = [Double](repeating: 0, count: 1), dx = [Double](repeating: .nan, count: 3)
        call(g) {
            Net.maxPool([1, .nan, 2], &pooled, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            Net.maxPoolGradient([1, .nan, 2], [3], &dx, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        }
        XCTAssertTrue(pooled[0].isNaN)
        XCTAssertEqual(dx, [0, 3, 0])
    }
}
