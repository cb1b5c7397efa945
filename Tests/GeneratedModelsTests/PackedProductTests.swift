@testable import ExampleModels
@testable import GeneratedModels
@testable import NNGenCore
import XCTest

/// The cache-blocked product kernel (`productPacked`, as every model with product kernels emits
/// it) against a plain triple loop in Double, on the edges of its blocking: rows around the
/// 6-row micro-tile, columns around a micro-panel (2 vectors) and a column block (32 vectors),
/// depths around a depth block (256, or 512 from a depth of 1,024), and every layout of A and B.
/// Also the streamed single row of `productRows`.
final class PackedProductTests: XCTestCase {
    /// (m, k, n): 1 to 40 rows (up to 7 micro-panels of A); 1 to 300 columns (Float's column
    /// block is 256, Double's 128, half that 512 deep); depths 1 to 513 (two depth blocks and a
    /// tail), and 1,024 and 1,100 (blocks 512 deep, the second with a tail of 76).
    static let shapes = [(1, 1, 1), (6, 16, 16), (7, 17, 15), (13, 300, 17), (12, 256, 257), (5, 513, 33), (11, 40, 300), (6, 257, 129),
                         (40, 300, 40), (13, 1100, 150), (8, 1024, 70)]

    func testFloatKernelMatchesTheTripleLoop() {
        for (m, k, n) in Self.shapes {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    check(DigitsNet.self, m, k, n, transposeA, transposeB, tolerance: 1e-5) { DigitsNet.productPacked($0, $1, $2, $3, $4, $5, $6, m, k, n, $7, $8) }
                }
            }
        }
    }

    func testDoubleKernelMatchesTheTripleLoop() {
        for (m, k, n) in Self.shapes {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    check(TenClassDoubleNet.self, m, k, n, transposeA, transposeB, tolerance: 1e-13) {
                        TenClassDoubleNet.productPacked($0, $1, $2, $3, $4, $5, $6, m, k, n, $7, $8)
                    }
                }
            }
        }
    }

    /// `productRows` with a single row (or a last row past the 6-row tiles) and a B of at least
    /// `streamedRowMinimum` elements streams B's rows (`productRowStreamed`): depths that are not
    /// a multiple of its 8 rows, and column tails past the vectors.
    func testStreamedRowMatchesTheTripleLoop() {
        for (m, k, n) in [(1, 257, 300), (1, 4100, 33), (7, 300, 260), (1, 4, 8192)] {
            XCTAssertGreaterThanOrEqual(k * n, ProductKernels.streamedRowMinimum)
            XCTAssertFalse(Self.blocked(k, n, lanes: 8, size: 4))
            XCTAssertFalse(Self.blocked(k, n, lanes: 4, size: 8))
            check(DigitsNet.self, m, k, n, false, false, tolerance: 1e-5) { a, ai, ak, b, _, _, c, _, _ in
                DigitsNet.productRows(a, ai, ak, b, c, m, k, n)
            }
            check(TenClassDoubleNet.self, m, k, n, true, false, tolerance: 1e-13) { a, ai, ak, b, _, _, c, _, _ in
                TenClassDoubleNet.productRows(a, ai, ak, b, c, m, k, n)
            }
        }
    }

    /// `productRows` with a single row (or a last row past the 6-row tiles) and a B past L1 that
    /// fits in L2 with short rows goes by blocks of 32 rows (`productRowBlocked`): depths around a
    /// multiple of the block (319, 320, 321) and a last block of one row (289), widths that take
    /// the 8-vector panels, the 4-vector panel, single vectors and a last vector that overlaps
    /// columns already stored, with A in either layout.
    func testBlockedRowMatchesTheTripleLoop() {
        for k in [289, 319, 320, 321, 700] {
            for (m, n) in [(1, 32), (1, 45), (1, 64), (7, 100), (1, 128), (1, 150)] {
                XCTAssert(Self.blocked(k, n, lanes: 8, size: 4))
                for transposeA in [false, true] {
                    check(DigitsNet.self, m, k, n, transposeA, false, tolerance: 1e-5) { a, ai, ak, b, _, _, c, _, _ in
                        DigitsNet.productRows(a, ai, ak, b, c, m, k, n)
                    }
                }
            }
            for (m, n) in [(1, 16), (1, 23), (1, 32), (7, 50), (1, 90)] {
                XCTAssert(Self.blocked(k, n, lanes: 4, size: 8))
                for transposeA in [false, true] {
                    check(TenClassDoubleNet.self, m, k, n, transposeA, false, tolerance: 1e-13) { a, ai, ak, b, _, _, c, _, _ in
                        TenClassDoubleNet.productRows(a, ai, ak, b, c, m, k, n)
                    }
                }
            }
        }
    }

    /// One row with fewer columns than a vector (`productRowNarrow`, whose vector at row l reads
    /// into the next rows and must stop before B's end) and the last vectors of wider rows
    /// (`columnSums`, 8 accumulators): every n below a vector and two above, depths around 4, 8
    /// and 16 steps and around the rows whose vector would pass B's end, with A in either layout.
    /// B is sized exactly, so a read past it fails under AddressSanitizer
    /// (`swift test --sanitize=address --filter PackedProductTests`).
    func testSingleRowMatchesTheTripleLoop() {
        for k in [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 33, 100] {
            for n in [1, 2, 3, 4, 5, 6, 7, 9, 12] {
                for transposeA in [false, true] {
                    check(DigitsNet.self, 1, k, n, transposeA, false, tolerance: 1e-5) { a, ai, ak, b, _, _, c, _, _ in
                        DigitsNet.productRows(a, ai, ak, b, c, 1, k, n)
                    }
                    check(TenClassDoubleNet.self, 1, k, n, transposeA, false, tolerance: 1e-13) { a, ai, ak, b, _, _, c, _, _ in
                        TenClassDoubleNet.productRows(a, ai, ak, b, c, 1, k, n)
                    }
                }
            }
        }
    }

    /// `productRows` (the register-tiled kernel of products below the packing rule's size) on
    /// every row tile (6, 4, 2 and 1 rows) and column tails: fewer columns than a vector, and
    /// the last vector that overlaps columns already stored (n not a multiple of the lanes).
    func testRowsMatchTheTripleLoop() {
        for m in [1, 2, 3, 5, 6, 7, 13] {
            for n in [1, 3, 7, 8, 9, 10, 15, 17, 25, 100] {
                for transposeA in [false, true] {
                    check(DigitsNet.self, m, 37, n, transposeA, false, tolerance: 1e-5) { a, ai, ak, b, _, _, c, _, _ in
                        DigitsNet.productRows(a, ai, ak, b, c, m, 37, n)
                    }
                    check(TenClassDoubleNet.self, m, 37, n, transposeA, false, tolerance: 1e-13) { a, ai, ak, b, _, _, c, _, _ in
                        TenClassDoubleNet.productRows(a, ai, ak, b, c, m, 37, n)
                    }
                }
            }
        }
    }

    /// `productRowsInDepthBlocks` (deep reductions read down A's columns, k in blocks of 128):
    /// depths of one block and less, a block and one row, several blocks with a tail, every row
    /// tile, column tails; its partial products start as NaN (read before written would show).
    func testRowsInDepthBlocksMatchTheTripleLoop() {
        for (m, k, n) in [(1, 1, 3), (7, 127, 16), (13, 128, 25), (6, 129, 8), (9, 300, 16), (16, 1030, 150), (3, 1100, 5)] {
            for transposeA in [false, true] {
                var partial = [Float](repeating: .nan, count: m * n)
                check(DigitsNet.self, m, k, n, transposeA, false, tolerance: 1e-5) { a, ai, ak, b, _, _, c, _, _ in
                    partial.withUnsafeMutableBufferPointer { DigitsNet.productRowsInDepthBlocks(a, ai, ak, b, c, m, k, n, $0.baseAddress!) }
                }
                var partialDouble = [Double](repeating: .nan, count: m * n)
                check(TenClassDoubleNet.self, m, k, n, transposeA, false, tolerance: 1e-13) { a, ai, ak, b, _, _, c, _, _ in
                    partialDouble.withUnsafeMutableBufferPointer { TenClassDoubleNet.productRowsInDepthBlocks(a, ai, ak, b, c, m, k, n, $0.baseAddress!) }
                }
            }
        }
    }

    /// Whether `productRowTile1` takes `productRowBlocked` for a k × n B of `size`-byte scalars,
    /// `lanes` to a vector (the rule it emits).
    private static func blocked(_ k: Int, _ n: Int, lanes: Int, size: Int) -> Bool {
        n >= 4 * lanes && n * size <= ProductKernels.blockedRowMaximumRowBytes
            && k * n * size > ProductKernels.blockedRowMinimumBytes && k * n * size <= ProductKernels.blockedRowMaximumBytes
    }

    /// Runs `kernel(a, ai, ak, b, bk, bj, c, packA, packB)` on seeded values in [-1, 1], with C
    /// filled with NaN first (every element must be written), and compares each element with the
    /// exact sum within `tolerance` · k.
    private func check<Model, Scalar: BinaryFloatingPoint>(
        _ model: Model.Type, _ m: Int, _ k: Int, _ n: Int, _ transposeA: Bool, _ transposeB: Bool, tolerance: Double,
        _ kernel: (UnsafePointer<Scalar>, Int, Int, UnsafePointer<Scalar>, Int, Int, UnsafeMutablePointer<Scalar>,
                   UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>) -> Void
    ) {
        var state: UInt64 = UInt64(m * 1_000_003 + k * 1009 + n)
        func next() -> Scalar {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Scalar(Double(state >> 11) * 0x1.0p-53 * 2 - 1)
        }
        let a = (0..<m * k).map { _ in next() }, b = (0..<k * n).map { _ in next() }
        // Element (i, l) of A and (l, j) of B, in the layout under test.
        let (ai, ak) = transposeA ? (1, m) : (k, 1)
        let (bk, bj) = transposeB ? (1, k) : (n, 1)
        var c = [Scalar](repeating: .nan, count: m * n)
        let scratch = ProductKernels.packedScratch(m: m, k: k, n: n, transposedA: transposeA)
        var packA = [Scalar](repeating: .nan, count: scratch.a)
        var packB = [Scalar](repeating: .nan, count: scratch.b)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    packA.withUnsafeMutableBufferPointer { packA in
                        packB.withUnsafeMutableBufferPointer { packB in
                            kernel(a.baseAddress!, ai, ak, b.baseAddress!, bk, bj, c.baseAddress!, packA.baseAddress!, packB.baseAddress!)
                        }
                    }
                }
            }
        }
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var exact = 0.0
                for l in 0..<k { exact += Double(a[i * ai + l * ak]) * Double(b[l * bk + j * bj]) }
                worst = max(worst, abs(Double(c[i * n + j]) - exact))  // NaN never compares greater: checked below
                XCTAssertFalse(c[i * n + j].isNaN, "C[\(i), \(j)] unwritten for \(m)×\(k)×\(n)")
            }
        }
        XCTAssertLessThanOrEqual(worst, tolerance * Double(k), "\(m)×\(k)×\(n), A\(transposeA ? "ᵀ" : "") B\(transposeB ? "ᵀ" : "")")
    }
}

/// Which products the plan packs (the rule of `ProductKernels.usesPacking`).
final class PackedProductSelectionTests: XCTestCase {
    func testLargeOperandsArePackedAndSmallOnesAreNot() {
        func packs(_ m: Int, _ k: Int, _ n: Int, transposedA: Bool = false) -> Bool {
            ProductKernels.usesPacking(m: m, k: k, n: n, transposedA: transposedA, scalarBytes: 4)
        }
        XCTAssertTrue(packs(64, 784, 128))   // mnist's forward product
        XCTAssertTrue(packs(256, 1024, 1024))
        XCTAssertFalse(packs(784, 64, 128, transposedA: true))  // its dW: B is 64 × 128
        XCTAssertFalse(packs(300, 2, 100))   // spiral: depth 2
        XCTAssertFalse(packs(1, 784, 128))   // one example
    }

    /// A weight gradient summed over many positions into a small C is not packed; a shallower
    /// one, a larger C, or the same C in Double (twice the bytes) is.
    func testDeepReductionsToASmallResultAreNotPacked() {
        XCTAssertFalse(ProductKernels.usesPacking(m: 16, k: 4096, n: 150, transposedA: true, scalarBytes: 4))  // LeNet's conv2 dW
        XCTAssertTrue(ProductKernels.usesPacking(m: 16, k: 4096, n: 150, transposedA: false, scalarBytes: 4))
        XCTAssertTrue(ProductKernels.usesPacking(m: 16, k: 512, n: 150, transposedA: true, scalarBytes: 4))
        XCTAssertTrue(ProductKernels.usesPacking(m: 32, k: 14400, n: 144, transposedA: true, scalarBytes: 4))  // 18 KiB of C
        XCTAssertFalse(ProductKernels.usesPacking(m: 16, k: 1024, n: 64, transposedA: true, scalarBytes: 8))
        XCTAssertTrue(ProductKernels.usesPacking(m: 32, k: 1024, n: 100, transposedA: true, scalarBytes: 8))  // 25 KiB of C
    }

    /// `productRows` goes by blocks of depth when it reads A down its columns over 1,024 steps or
    /// more into a C of 16 KiB or less (LeNet's conv2 dW as Cᵀ: A = windows2 read transposed, 150
    /// apart), not along its rows, over fewer steps, or into a larger C.
    func testDeepReductionsReadDownColumnsGoByBlocksOfDepth() {
        XCTAssertTrue(ProductKernels.blocksDepth(m: 150, k: 4096, n: 16, ak: 150, scalarBytes: 4))
        XCTAssertTrue(ProductKernels.blocksDepth(m: 16, k: 1024, n: 64, ak: 2, scalarBytes: 8))
        XCTAssertFalse(ProductKernels.blocksDepth(m: 150, k: 4096, n: 16, ak: 1, scalarBytes: 4))
        XCTAssertFalse(ProductKernels.blocksDepth(m: 150, k: 1023, n: 16, ak: 150, scalarBytes: 4))
        XCTAssertFalse(ProductKernels.blocksDepth(m: 150, k: 4096, n: 32, ak: 150, scalarBytes: 4))  // 18.75 KiB of C
    }
}
