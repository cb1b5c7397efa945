import Foundation
import NNGenKernels
import NNGenRuntime
import XCTest

/// NNGenKernels' `nngen_packed_tile` (the micro-kernel of the emitted `productPacked`) against
/// sums in Double (Float) or Kahan-compensated Doubles (Double), for every row count it takes, both
/// layouts of A, with and without adding to C, at depths around its unrolled loop's bounds. A and
/// B's panel end right before a page the process may not read; C's rows sit in a buffer of NaN
/// whose every scalar outside the rows × columns written must stay NaN.
final class PackedTileKernelTests: XCTestCase {
    /// Depths: none, below and around the loop unrolled 4 times, a whole block of 256, and 513.
    static let depths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 256, 513]

    func testFloatTilesMatchTheExactSums() throws {
        var random = SplitMix64(seed: 41)
        try Self.check(Float.self, columns: 16, &random) { a, ai, ak, b, depth, c, ldc, rows, accumulate in
            nngen_packed_tile_f32(a, ai, ak, b, depth, c, ldc, rows, accumulate)
        }
    }

    func testDoubleTilesMatchTheExactSums() throws {
        var random = SplitMix64(seed: 43)
        try Self.check(Double.self, columns: 8, &random) { a, ai, ak, b, depth, c, ldc, rows, accumulate in
            nngen_packed_tile_f64(a, ai, ak, b, depth, c, ldc, rows, accumulate)
        }
    }

    /// Row counts outside 1...6 and layouts of A other than the two are left to the caller: 0
    /// returned and C untouched.
    func testOtherShapesAreDeclined() throws {
        let a = try GuardedBuffer([Float](repeating: 1, count: 64)), b = try GuardedBuffer([Float](repeating: 1, count: 64))
        defer { a.release(); b.release() }
        var c = [Float](repeating: .nan, count: 16 * 8)
        for (ai, ak, rows) in [(4, 1, 0), (4, 1, 7), (1, 5, 6), (2, 6, 6), (2, 3, 1)] {
            let status = c.withUnsafeMutableBufferPointer { nngen_packed_tile_f32(a.start, ai, ak, b.start, 4, $0.baseAddress!, 16, rows, 0) }
            XCTAssertEqual(status, 0, "ai \(ai) ak \(ak) rows \(rows)")
        }
        XCTAssertTrue(c.allSatisfy(\.isNaN), "a declined call wrote C")
    }

    typealias Kernel<S> = (UnsafePointer<S>, Int, Int, UnsafePointer<S>, Int, UnsafeMutablePointer<S>, Int, Int, Int32) -> Int32

    /// Every rows × layout × accumulate × depth: runs the kernel on guarded operands and checks C.
    static func check<S: BinaryFloatingPoint>(_: S.Type, columns: Int, _ random: inout SplitMix64, _ kernel: Kernel<S>) throws {
        let runs = NarrowRowKernelTests.cpuRunsKernels
        for rows in 1...6 {
            for inPlace in [true, false] {
                for accumulate in [false, true] {
                    for depth in depths {
                        // A in place: `rows` rows of a longer stride, the last ending at the guard
                        // page; packed: [depth][6], the rows past `rows` zero, as productPacked packs.
                        let ai = inPlace ? depth + 3 : 1, ak = inPlace ? 1 : 6
                        var a = [S](repeating: 0, count: inPlace ? max((rows - 1) * ai + depth, 0) : 6 * depth)
                        func element(_ i: Int, _ l: Int) -> Int { i * ai + l * ak }
                        for i in 0..<rows { for l in 0..<depth { a[element(i, l)] = S(random.uniform()) } }
                        let b = (0..<depth * columns).map { _ in S(random.uniform()) }
                        let ldc = columns + 5, start = 8
                        var c = [S](repeating: .nan, count: start + 6 * ldc + 8)
                        let initial = (0..<rows * columns).map { _ in S(random.uniform()) }
                        if accumulate { for i in 0..<rows { for j in 0..<columns { c[start + i * ldc + j] = initial[i * columns + j] } } }
                        let guardedA = try GuardedBuffer(a), guardedB = try GuardedBuffer(b)
                        defer { guardedA.release(); guardedB.release() }
                        let status = c.withUnsafeMutableBufferPointer {
                            kernel(guardedA.start, ai, ak, guardedB.start, depth, $0.baseAddress! + start, ldc, rows, accumulate ? 1 : 0)
                        }
                        let label = "rows \(rows) \(inPlace ? "in place" : "packed") accumulate \(accumulate) depth \(depth)"
                        XCTAssertEqual(status != 0, runs, label)
                        let written = Set((0..<rows).flatMap { i in (0..<columns).map { start + i * ldc + $0 } })
                        for index in c.indices where !written.contains(index) {
                            XCTAssertTrue(c[index].isNaN, "\(label): wrote outside the tile at \(index)")
                        }
                        guard status != 0 else { continue }
                        for i in 0..<rows {
                            for j in 0..<columns {
                                var (sum, scale) = kahanSum((0..<depth).map { l in Double(a[element(i, l)]) * Double(b[l * columns + j]) })
                                if accumulate {
                                    sum += Double(initial[i * columns + j])
                                    scale += abs(Double(initial[i * columns + j]))
                                }
                                let bound = 4 * Double(S.ulpOfOne) * (scale + 1e-300) * Double(max(depth, 1)).squareRoot()
                                XCTAssertEqual(Double(c[start + i * ldc + j]), sum, accuracy: bound, "\(label) C[\(i), \(j)]")
                            }
                        }
                    }
                }
            }
        }
    }
}
