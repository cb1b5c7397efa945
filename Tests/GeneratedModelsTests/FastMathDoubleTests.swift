import Foundation
@testable import GeneratedModels
@testable import GeneratedUnfusedModels
import XCTest

/// The emitted Double functions (`FastMath`'s longer series, so that Double models' loops over
/// exp, tanh, eˣ − 1 and ln(1 + x) vectorize) against libm's: relative error below 10⁻¹⁵ (about
/// 4.5 units in the last place; measured at most 6·10⁻¹⁶) on grids across each function's range,
/// near 0 where the relative accuracy is hardest to keep, and at the edges. Like
/// `FastMathFloatTests`, each check runs on the plain build (`Generated/`) and on the one that
/// defines `NNGEN_FMA` (`GeneratedUnfused/`).
final class FastMathDoubleTests: XCTestCase {
    static let builds: [FastMathFunctions<Double>] = [
        FastMathFunctions(build: "plain", tanh: GeneratedModels.TanhNet.fastTanh, exp: GeneratedModels.SoftplusNet.fastExp,
                  expm1: GeneratedModels.TanhNet.fastExpm1, log: GeneratedModels.SoftplusNet.fastLog, log1p: GeneratedModels.SoftplusNet.fastLog1p),
        FastMathFunctions(build: "FMA", tanh: GeneratedUnfusedModels.TanhNet.fastTanh, exp: GeneratedUnfusedModels.SoftplusNet.fastExp,
                  expm1: GeneratedUnfusedModels.TanhNet.fastExpm1, log: GeneratedUnfusedModels.SoftplusNet.fastLog,
                  log1p: GeneratedUnfusedModels.SoftplusNet.fastLog1p),
    ]

    /// Largest |fast(x) − libm(x)| / |libm(x)| over `points`.
    private func worstRelativeError(_ points: [Double], _ fast: (Double) -> Double, _ libm: (Double) -> Double) -> Double {
        points.reduce(0) { worst, x in
            let exact = libm(x)
            return max(worst, exact == 0 ? abs(fast(x)) : abs(fast(x) - exact) / abs(exact))
        }
    }

    /// Steps of `step` from `from` through `to`, offset by an irrational-looking fraction so that
    /// the grid does not sit on the reductions' break points only.
    private func grid(_ from: Double, _ to: Double, _ step: Double) -> [Double] {
        Array(stride(from: from + step * 0.318_309_886, through: to, by: step))
    }

    /// Powers of ten times 1.37 from 10⁻³⁰⁰ to 10⁻¹, both signs: where a function is close to x.
    private let tiny: [Double] = (-300 ... -1).flatMap { [1.37 * pow(10, Double($0)), -1.37 * pow(10, Double($0))] }

    func testExp() {
        for f in Self.builds {
            XCTAssertLessThan(worstRelativeError(grid(-708, 709, 0.0071), f.exp, Foundation.exp), 1e-15, "\(f.build) Double fastExp")
            XCTAssertEqual(f.exp(0), 1)
            XCTAssertTrue(f.exp(.nan).isNaN)
            XCTAssertGreaterThan(f.exp(-1e6), 0)  // clamped: about 3·10⁻³⁰⁸, never 0 or negative
            XCTAssertTrue(f.exp(1e6).isFinite)    // clamped: about 8·10³⁰⁷
        }
    }

    func testExpm1() {
        for f in Self.builds {
            XCTAssertLessThan(worstRelativeError(grid(-40, 40, 0.00037) + tiny, f.expm1, Foundation.expm1), 1e-15, "\(f.build) Double fastExpm1")
            XCTAssertEqual(f.expm1(0), 0)
            XCTAssertEqual(f.expm1(1e-300), 1e-300)
            XCTAssertEqual(f.expm1(-1e6), -1)
            XCTAssertTrue(f.expm1(.nan).isNaN)
        }
    }

    func testTanh() {
        for f in Self.builds {
            XCTAssertLessThan(worstRelativeError(grid(-25, 25, 0.00023) + tiny, f.tanh, Foundation.tanh), 1e-15, "\(f.build) Double fastTanh")
            XCTAssertEqual(f.tanh(0), 0)
            XCTAssertEqual(f.tanh(1e-300), 1e-300)
            XCTAssertEqual(f.tanh(1000), 1)
            XCTAssertEqual(f.tanh(-.infinity), -1)
            XCTAssertTrue(f.tanh(.nan).isNaN)
        }
    }

    /// On [0.5, 4] densely (softplus takes ln(1 + x) of x in (0, 1]), then across the normal
    /// Doubles at and around each power of two and √2, where the reduction changes exponent.
    func testLog() {
        var points = grid(0.5, 4, 0.000_017).filter { abs($0 - 1) > 1e-3 }
        for e in -1022...1023 {
            for f in [1, 1.1, 1.414, 1.415, 1.9] { points.append(Double(sign: .plus, exponent: e, significand: f)) }
        }
        for f in Self.builds {
            XCTAssertLessThan(worstRelativeError(points, f.log, Foundation.log), 1e-15, "\(f.build) Double fastLog")
            XCTAssertEqual(f.log(1), 0)
        }
    }

    func testLog1p() {
        let points = grid(0, 1, 0.000_007) + tiny.filter { $0 > 0 }
            + (-1074 ... -1).map { Double(sign: .plus, exponent: $0, significand: 1.3) }
        for f in Self.builds {
            XCTAssertLessThan(worstRelativeError(points, f.log1p, Foundation.log1p), 1e-15, "\(f.build) Double fastLog1p")
            XCTAssertEqual(f.log1p(0), 0)
            XCTAssertTrue(f.log1p(.nan).isNaN)
        }
    }
}
