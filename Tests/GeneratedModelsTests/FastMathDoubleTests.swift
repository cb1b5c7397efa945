@testable import GeneratedModels
import Foundation
import XCTest

/// The emitted Double functions (`FastMath`'s longer series, so that Double models' loops over
/// exp, tanh, eˣ − 1 and ln(1 + x) vectorize) against libm's: relative error below 10⁻¹⁵ (about
/// 4.5 units in the last place; measured at most 6·10⁻¹⁶) on grids across each function's range,
/// near 0 where the relative accuracy is hardest to keep, and at the edges.
final class FastMathDoubleTests: XCTestCase {
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
        let worst = worstRelativeError(grid(-708, 709, 0.0071), SoftplusNet.fastExp, Foundation.exp)
        XCTAssertLessThan(worst, 1e-15, "worst relative error of the Double fastExp")
        XCTAssertEqual(SoftplusNet.fastExp(0), 1)
        XCTAssertTrue(SoftplusNet.fastExp(.nan).isNaN)
        XCTAssertGreaterThan(SoftplusNet.fastExp(-1e6), 0)  // clamped: about 3·10⁻³⁰⁸, never 0 or negative
        XCTAssertTrue(SoftplusNet.fastExp(1e6).isFinite)    // clamped: about 8·10³⁰⁷
    }

    func testExpm1() {
        let points = grid(-40, 40, 0.00037) + tiny
        XCTAssertLessThan(worstRelativeError(points, TanhNet.fastExpm1, Foundation.expm1), 1e-15, "worst relative error of the Double fastExpm1")
        XCTAssertEqual(TanhNet.fastExpm1(0), 0)
        XCTAssertEqual(TanhNet.fastExpm1(1e-300), 1e-300)
        XCTAssertEqual(TanhNet.fastExpm1(-1e6), -1)
        XCTAssertTrue(TanhNet.fastExpm1(.nan).isNaN)
    }

    func testTanh() {
        let points = grid(-25, 25, 0.00023) + tiny
        XCTAssertLessThan(worstRelativeError(points, TanhNet.fastTanh, Foundation.tanh), 1e-15, "worst relative error of the Double fastTanh")
        XCTAssertEqual(TanhNet.fastTanh(0), 0)
        XCTAssertEqual(TanhNet.fastTanh(1e-300), 1e-300)
        XCTAssertEqual(TanhNet.fastTanh(1000), 1)
        XCTAssertEqual(TanhNet.fastTanh(-.infinity), -1)
        XCTAssertTrue(TanhNet.fastTanh(.nan).isNaN)
    }

    /// On [0.5, 4] densely (softplus takes ln(1 + x) of x in (0, 1]), then across the normal
    /// Doubles at and around each power of two and √2, where the reduction changes exponent.
    func testLog() {
        var points = grid(0.5, 4, 0.000_017).filter { abs($0 - 1) > 1e-3 }
        for e in -1022...1023 {
            for f in [1, 1.1, 1.414, 1.415, 1.9] { points.append(Double(sign: .plus, exponent: e, significand: f)) }
        }
        XCTAssertLessThan(worstRelativeError(points, SoftplusNet.fastLog, Foundation.log), 1e-15, "worst relative error of the Double fastLog")
        XCTAssertEqual(SoftplusNet.fastLog(1), 0)
    }

    func testLog1p() {
        let points = grid(0, 1, 0.000_007) + tiny.filter { $0 > 0 }
            + (-1074 ... -1).map { Double(sign: .plus, exponent: $0, significand: 1.3) }
        XCTAssertLessThan(worstRelativeError(points, SoftplusNet.fastLog1p, Foundation.log1p), 1e-15, "worst relative error of the Double fastLog1p")
        XCTAssertEqual(SoftplusNet.fastLog1p(0), 0)
        XCTAssertTrue(SoftplusNet.fastLog1p(.nan).isNaN)
    }
}
