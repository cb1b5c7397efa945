@testable import GeneratedModels
@testable import NNGenCore
import XCTest

/// The max-pooling helpers' vector path (`Pooling+ChannelVectors.swift`) on every channel count
/// from 1 to 17: one vector of 2, 4 or 8 lanes, several, and a last vector overlapping the one
/// before it, on NHWC images of values in {−1, 0, 1} (ties in most windows) with NaNs sprinkled in,
/// against the op's Double definition. `PoolingNet` (Double) carries both max-pool helpers and
/// their gradients; `ConvFloatNet` (Float) the tiling ones.
///
/// The general gradient adds each window's value (windows may overlap): a last vector that added
/// again on the lanes of the one before it, or a routing that let every tied element take the
/// value, fails here.
final class MaxPoolChannelVectorTests: XCTestCase {
    /// A 2-image batch of `channels` × 7 × 6 NHWC under windows of `kernel` at `stride`, padded by
    /// `pad` on every side.
    func geometry(channels: Int, kernel: Int, stride: Int, pad: Int) -> WindowGeometry {
        WindowGeometry(input: ImageLayout(batch: 2, channels: channels, height: 7, width: 6, channelsLast: true),
                       rows: WindowAxis(input: 7, kernel: kernel, stride: stride, before: pad, after: pad)!,
                       columns: WindowAxis(input: 6, kernel: kernel, stride: stride, before: pad, after: pad)!)
    }

    /// Values in {−1, 0, 1}, and a NaN at every `nanEvery`-th element when it is not 0.
    func values(_ count: Int, seed: Int, nanEvery: Int) -> [Double] {
        (0..<count).map { i in nanEvery > 0 && (i * 5 + seed) % nanEvery == 0 ? .nan : Double((i * 7 + seed) % 3 - 1) }
    }

    /// The helper's integer arguments after its pointers.
    func arguments(_ g: WindowGeometry) -> [Int] {
        g.helperArguments.map { argument -> Int in
            guard case .int(let n) = argument else { preconditionFailure() }
            return n
        }
    }

    /// Equal element by element, a NaN equal to a NaN.
    func assertSame(_ a: [Double], _ b: [Double], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        let differing = zip(a, b).enumerated().filter { !($1.0 == $1.1 || ($1.0.isNaN && $1.1.isNaN)) }.map(\.offset)
        XCTAssertTrue(differing.isEmpty, "\(message): elements \(differing.prefix(8)) differ", file: file, line: line)
    }

    func testDoubleHelpersOnEveryChannelCount() {
        for channels in 1...17 {
            // Tiling windows (one row and one column left over), and overlapping padded ones.
            for (kernel, stride, pad) in [(2, 2, 0), (3, 3, 0), (3, 2, 1), (2, 1, 0)] {
                let g = geometry(channels: channels, kernel: kernel, stride: stride, pad: pad)
                let p = Pooling(kind: .max, window: g), a = arguments(g)
                for nanEvery in [0, 11] {
                    let x = values(g.input.count, seed: channels, nanEvery: nanEvery)
                    let upstream = (0..<g.positions * channels).map { Double($0 % 13) + 1 }
                    var pooled = [Double](repeating: 7, count: upstream.count), dx = [Double](repeating: 7, count: x.count)
                    if p.tiles {
                        PoolingNet.maxPoolTiles(x, &pooled, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14])
                        PoolingNet.maxPoolTilesGradient(x, upstream, &dx, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14])
                    } else {
                        PoolingNet.maxPool(x, &pooled, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14])
                        PoolingNet.maxPoolGradient(x, upstream, &dx, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14])
                    }
                    let name = "\(p.helperName(gradient: false)) of \(g.summary), NaN every \(nanEvery)"
                    assertSame(pooled, p.evaluate(x), name)
                    assertSame(dx, p.evaluateGradient(x: x, upstream: upstream), "the gradient of " + name)
                }
            }
        }
    }

    func testFloatTilingHelpersOnEveryChannelCount() {
        for channels in 1...17 {
            let g = geometry(channels: channels, kernel: 2, stride: 2, pad: 0)
            let p = Pooling(kind: .max, window: g), a = arguments(g)
            XCTAssertTrue(p.tiles)
            for nanEvery in [0, 11] {
                let x = values(g.input.count, seed: channels + 1, nanEvery: nanEvery)
                let upstream = (0..<g.positions * channels).map { Double($0 % 13) + 1 }
                var pooled = [Float](repeating: 7, count: upstream.count), dx = [Float](repeating: 7, count: x.count)
                ConvFloatNet.maxPoolTiles(x.map(Float.init), &pooled, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14])
                ConvFloatNet.maxPoolTilesGradient(x.map(Float.init), upstream.map(Float.init), &dx, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14])
                let name = "Float maxPoolTiles of \(g.summary), NaN every \(nanEvery)"
                assertSame(pooled.map(Double.init), p.evaluate(x), name)
                assertSame(dx.map(Double.init), p.evaluateGradient(x: x, upstream: upstream), "the gradient of " + name)
            }
        }
    }
}
