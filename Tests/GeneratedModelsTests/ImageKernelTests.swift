@testable import GeneratedModels
@testable import NNGenCore
import XCTest

/// The emitted image helpers (`SmallConvNet` carries im2col, col2im and average pooling,
/// `PoolingNet` both max pools), called directly on geometries the specs do not reach, against the op definitions' Double evaluation: both input layouts (im2col's
/// with NCHW only for one channel, as the lowering gives it),
/// padding on every side, overlapping windows, and images of three values only, so that most
/// windows hold ties and the tie rule decides where the maximum's gradient goes.
final class ImageKernelTests: XCTestCase {
    typealias Net = SmallConvNet

    /// Windows of `kernel` at `stride` with `pad` on every side over a 2-image batch of
    /// `channels` × 5 × 4.
    func geometry(channelsLast: Bool, channels: Int = 3, kernel: (Int, Int), stride: (Int, Int), pad: (Int, Int)) -> WindowGeometry {
        let layout = ImageLayout(batch: 2, channels: channels, height: 5, width: 4, channelsLast: channelsLast)
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

    /// im2col's helpers read images whose rows are runs of `(x, c)`: NHWC, or one channel (the
    /// lowering transposes the caller's NCHW image of several channels first). Kernels as wide as
    /// the padded image and wider strides than kernels reach every case of a run's ends.
    var convolutionGeometries: [WindowGeometry] {
        geometries.filter(\.hasContiguousRuns) + [
            geometry(channelsLast: false, channels: 1, kernel: (2, 2), stride: (1, 1), pad: (1, 1)),
            geometry(channelsLast: false, channels: 1, kernel: (3, 3), stride: (2, 2), pad: (1, 1)),
            geometry(channelsLast: true, kernel: (3, 6), stride: (1, 1), pad: (1, 1)),
            geometry(channelsLast: true, kernel: (1, 1), stride: (3, 3), pad: (0, 0)),
            geometry(channelsLast: true, channels: 2, kernel: (5, 4), stride: (1, 2), pad: (0, 1)),
        ]
    }

    func testWindowsToRowsAndBack() {
        for g in convolutionGeometries {
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

    /// Windows that tile the image (stride = size, no padding), which `maxPoolTiles` takes: a
    /// last row or column no window reads, one window, a window per element.
    var tilingGeometries: [WindowGeometry] {
        [geometry(channelsLast: true, kernel: (2, 2), stride: (2, 2), pad: (0, 0)),
         geometry(channelsLast: true, kernel: (3, 3), stride: (3, 3), pad: (0, 0)),
         geometry(channelsLast: false, channels: 1, kernel: (2, 1), stride: (2, 1), pad: (0, 0)),
         geometry(channelsLast: true, kernel: (5, 4), stride: (5, 4), pad: (0, 0)),
         geometry(channelsLast: true, channels: 2, kernel: (1, 1), stride: (1, 1), pad: (0, 0))]
    }

    func testPoolingAndItsGradientWithTies() {
        for g in geometries + tilingGeometries {
            for kind in [PoolKind.max, .average] {
                let p = Pooling(kind: kind, window: g)
                XCTAssertEqual(p.tiles, kind == .max && tilingGeometries.contains(g), "\(kind) pool of \(g.summary)")
                let x = tiedValues(g.input.count, seed: 1), upstream = tiedValues(g.positions * g.input.channels, seed: 2).map { $0 + 2 }
                var pooled = [Double](repeating: .nan, count: upstream.count), dx = [Double](repeating: .nan, count: x.count)
                call(g) {
                    if p.tiles {
                        PoolingNet.maxPoolTiles(x, &pooled, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                        PoolingNet.maxPoolTilesGradient(x, upstream, &dx, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                    } else if kind == .max {
                        PoolingNet.maxPool(x, &pooled, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                        PoolingNet.maxPoolGradient(x, upstream, &dx, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
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
        var dx = [Double](repeating: .nan, count: 4), tiled = dx
        call(g) {
            PoolingNet.maxPoolGradient([1, 1, 1, 1], [5], &dx, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            PoolingNet.maxPoolTilesGradient([1, 1, 1, 1], [5], &tiled, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        }
        XCTAssertEqual(dx, [5, 0, 0, 0])
        XCTAssertEqual(tiled, [5, 0, 0, 0])
        XCTAssertEqual(Pooling(kind: .max, window: g).evaluateGradient(x: [0, 2, 2, 1], upstream: [5]), [0, 5, 0, 0])
    }

    /// A NaN in a window is its maximum, and takes the gradient.
    func testMaximumOfANaNIsNaN() {
        let g = WindowGeometry(input: ImageLayout(batch: 1, channels: 1, height: 1, width: 3, channelsLast: false),
                               rows: WindowAxis(input: 1, kernel: 1, stride: 1, before: 0, after: 0)!,
                               columns: WindowAxis(input: 3, kernel: 3, stride: 3, before: 0, after: 0)!)
        for values: [Double] in [[1, .nan, 2], [.nan, 1, 2], [1, 2, .nan]] {
            var pooled = [Double](repeating: 0, count: 1), dx = [Double](repeating: .nan, count: 3)
            var tiledPooled = pooled, tiled = dx
            call(g) {
                PoolingNet.maxPool(values, &pooled, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                PoolingNet.maxPoolGradient(values, [3], &dx, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                PoolingNet.maxPoolTiles(values, &tiledPooled, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                PoolingNet.maxPoolTilesGradient(values, [3], &tiled, $0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            }
            XCTAssertTrue(pooled[0].isNaN && tiledPooled[0].isNaN, "\(values)")
            let expected = values.map { $0.isNaN ? 3.0 : 0 }
            XCTAssertEqual(dx, expected)
            XCTAssertEqual(tiled, expected)
        }
    }
}
