import Foundation
import NNGenKernels
import NNGenRuntime
import XCTest

/// NNGenKernels' `nngen_row_narrow` against a sum in Double (Float) or in pairs of Doubles
/// (Double), for every n it takes and depths around each of its loop bounds. A and B end right
/// before a page the process may not read, so a kernel that read one element past either would
/// crash the test; C sits between NaN sentinels that must survive. This target imports
/// NNGenKernels only through NNGenRuntime, as a generated model's target does.
final class NarrowRowKernelTests: XCTestCase {
    /// Depths of A's row: below one vector, at and around each bound of the loops of 4, 8 and 16
    /// rows, and the 100 of the 2 → 100 → 3 network.
    static let depths = Array(0...41) + [63, 64, 65, 100, 127, 128, 129, 300]

    /// True when this machine runs the C kernels (x86-64 with AVX2 and FMA); elsewhere they must
    /// return 0 and write nothing.
    static let cpuRunsKernels: Bool = {
        #if arch(x86_64) && os(Linux)
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        let set = Set(flags.split(separator: " ").map(String.init))
        return set.contains("avx2") && set.contains("fma")
        #else
        return false
        #endif
    }()

    func testFloatRowsMatchTheExactSums() throws {
        var random = SplitMix64(seed: 17)
        for n in 1...7 {
            for k in Self.depths {
                let a = (0..<k).map { _ in Float(random.uniform()) }, b = (0..<k * n).map { _ in Float(random.uniform()) }
                let (written, c) = try Self.run(a, b, n) { nngen_row_narrow_f32($0, $1, $2, k, n) }
                XCTAssertEqual(written, Self.cpuRunsKernels, "n \(n) k \(k)")
                guard written else { continue }
                for q in 0..<n {
                    let exact = (0..<k).reduce(0.0) { $0 + Double(a[$1]) * Double(b[$1 * n + q]) }
                    let scale = (0..<k).reduce(0.0) { $0 + abs(Double(a[$1]) * Double(b[$1 * n + q])) }
                    XCTAssertEqual(Double(c[q]), exact, accuracy: 4 * Double(Float.ulpOfOne) * (scale + 1e-30) * Double(max(k, 1)).squareRoot(), "n \(n) k \(k) q \(q)")
                }
            }
        }
    }

    func testDoubleRowsMatchTheExactSums() throws {
        var random = SplitMix64(seed: 29)
        for n in 1...3 {
            for k in Self.depths {
                let a = (0..<k).map { _ in random.uniform() }, b = (0..<k * n).map { _ in random.uniform() }
                let (written, c) = try Self.run(a, b, n) { nngen_row_narrow_f64($0, $1, $2, k, n) }
                XCTAssertEqual(written, Self.cpuRunsKernels, "n \(n) k \(k)")
                guard written else { continue }
                for q in 0..<n {
                    let (sum, scale) = kahanSum((0..<k).map { a[$0] * b[$0 * n + q] })
                    XCTAssertEqual(c[q], sum, accuracy: 4 * Double.ulpOfOne * (scale + 1e-300) * Double(max(k, 1)).squareRoot(), "n \(n) k \(k) q \(q)")
                }
            }
        }
    }

    /// Shapes the kernels do not take are left to the caller: nothing written, 0 returned.
    func testOtherWidthsAreDeclined() throws {
        let a = [Float](repeating: 1, count: 16), b = [Float](repeating: 1, count: 16 * 8)
        for n in [0, 8, 9, -1] {
            let (written, _) = try Self.run(a, b, max(n, 0)) { nngen_row_narrow_f32($0, $1, $2, 16, n) }
            XCTAssertFalse(written, "n \(n)")
        }
        let (written, _) = try Self.run([Double](repeating: 1, count: 8), [Double](repeating: 1, count: 32), 4) {
            nngen_row_narrow_f64($0, $1, $2, 8, 4)
        }
        XCTAssertFalse(written, "Double n 4")
    }

    /// Runs `kernel(a, b, c)` with A and B each ending at a page that may not be read and C
    /// (n scalars) between NaN sentinels; returns whether it computed, and C. When it did not,
    /// C must be untouched (NaN); either way the sentinels must be.
    static func run<S: BinaryFloatingPoint>(_ a: [S], _ b: [S], _ n: Int,
                                           _ kernel: (UnsafePointer<S>, UnsafePointer<S>, UnsafeMutablePointer<S>) -> Int32) throws -> (Bool, [S]) {
        let guardedA = try GuardedBuffer(a), guardedB = try GuardedBuffer(b)
        defer { guardedA.release(); guardedB.release() }
        var c = [S](repeating: .nan, count: n + 16)
        let status = c.withUnsafeMutableBufferPointer { kernel(guardedA.start, guardedB.start, $0.baseAddress! + 8) }
        let sentinels = c[..<8] + c[(8 + n)...]
        XCTAssertTrue(sentinels.allSatisfy(\.isNaN), "a kernel wrote outside C")
        if status == 0 { XCTAssertTrue(c[8..<8 + n].allSatisfy(\.isNaN), "a declined call wrote C") }
        return (status != 0, Array(c[8..<8 + n]))
    }
}

/// Scalars copied to the end of a readable mapping that a page without access follows, so that
/// reading one scalar past them faults.
struct GuardedBuffer<S> {
    let mapping: UnsafeMutableRawPointer, length: Int, start: UnsafeMutablePointer<S>

    init(_ values: [S]) throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE))), bytes = values.count * MemoryLayout<S>.stride
        let readable = (bytes + page - 1) / page * page + page
        length = readable + page
        guard let p = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            throw XCTSkip("mmap failed")
        }
        mapping = p
        guard mprotect(p + readable, page, PROT_NONE) == 0 else { throw XCTSkip("mprotect failed") }
        start = (p + readable - bytes).bindMemory(to: S.self, capacity: max(values.count, 1))
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { start.initialize(from: base, count: values.count) }
        }
    }

    func release() { munmap(mapping, length) }
}

/// The Kahan-compensated sum of `terms`, exact to well below Double's rounding of the kernels
/// checked here, and the sum of their magnitudes (for the tolerance).
func kahanSum(_ terms: [Double]) -> (sum: Double, magnitudes: Double) {
    var sum = 0.0, compensation = 0.0, magnitudes = 0.0
    for term in terms {
        let y = term - compensation, t = sum + y
        compensation = (t - sum) - y
        sum = t
        magnitudes += abs(term)
    }
    return (sum, magnitudes)
}

extension SplitMix64 {
    /// A uniform Double in [-1, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-52 - 1 }
}
