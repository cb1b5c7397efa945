import Foundation
@testable import ExampleModels
@testable import GeneratedModels
@testable import GeneratedUnfusedModels
import XCTest

/// The emitted Float functions (`FastMath`: plain arithmetic, so that loops over exp, tanh,
/// eˣ − 1, ln and ln(1 + x) vectorize) against libm's, in Double, on grids across each
/// function's range and at the edges. Each check runs twice: on `Generated/`, built without
/// `NNGEN_FMA` (a multiply and an add per Horner step), and on `GeneratedUnfused/`, whose target
/// defines it (one fused multiply-add per step, what `-DNNGEN_FMA` builds run).
final class FastMathFloatTests: XCTestCase {
    static let builds: [FastMathFunctions<Float>] = [
        FastMathFunctions(build: "plain", tanh: GeneratedModels.FloatActivationsNet.fastTanh, exp: GeneratedModels.FloatActivationsNet.fastExp,
                  expm1: GeneratedModels.FloatActivationsNet.fastExpm1, log: ExampleModels.SpiralNet.fastLog,
                  log1p: GeneratedModels.SmoothActivationsFloatNet.fastLog1p),
        FastMathFunctions(build: "FMA", tanh: GeneratedUnfusedModels.FloatActivationsNet.fastTanh, exp: GeneratedUnfusedModels.FloatActivationsNet.fastExp,
                  expm1: GeneratedUnfusedModels.FloatActivationsNet.fastExpm1, log: GeneratedUnfusedModels.SmoothActivationsFloatNet.fastLog,
                  log1p: GeneratedUnfusedModels.SmoothActivationsFloatNet.fastLog1p),
    ]

    /// Largest |fast(x) − libm(x)| / |libm(x)| over `points` (the libm value in Double).
    private func worstRelativeError(_ points: [Float], _ fast: (Float) -> Float, _ libm: (Double) -> Double) -> Double {
        points.reduce(0) { worst, x in
            let exact = libm(Double(x))
            return max(worst, abs(Double(fast(x)) - exact) / max(abs(exact), 1e-30))
        }
    }

    /// `count` + 1 points from `from` in steps of `step`.
    private func grid(_ from: Float, _ step: Float, _ count: Int) -> [Float] { (0...count).map { from + Float($0) * step } }

    /// Powers of ten times 1.37 from 10⁻³⁷ to 10⁻¹, both signs: where a function is close to x.
    private let tiny: [Float] = (-37 ... -1).flatMap { [1.37 * Float(pow(10, Double($0))), -1.37 * Float(pow(10, Double($0)))] }

    /// Measured: 1.8·10⁻⁷ (both builds). Near 1 that is within 2 units of Float's last place.
    func testTanh() {
        for f in Self.builds {
            XCTAssertLessThan(worstRelativeError(grid(-12, 1e-4, 240_000) + tiny, f.tanh, Foundation.tanh), 3e-7, "\(f.build) fastTanh")
            XCTAssertEqual(f.tanh(0), 0)
            XCTAssertEqual(f.tanh(1e-30), 1e-30)
            XCTAssertEqual(f.tanh(1000), 1)
            XCTAssertEqual(f.tanh(-.infinity), -1)
            XCTAssertTrue(f.tanh(.nan).isNaN)
        }
    }

    /// Over [−87, 88], where the result is a normal Float. Measured: 9.8·10⁻⁸.
    func testExp() {
        for f in Self.builds {
            XCTAssertLessThan(worstRelativeError(grid(-87, 1e-4, 1_750_000), f.exp, Foundation.exp), 2e-7, "\(f.build) fastExp")
            XCTAssertEqual(f.exp(0), 1)
            XCTAssertTrue(f.exp(.nan).isNaN)
            XCTAssertGreaterThan(f.exp(-1000), 0)  // clamped, never negative
        }
    }

    /// Densely on [−20, 20] (k changes at ±ln 2 / 2) and near 0. Measured: 1.4·10⁻⁷.
    func testExpm1() {
        for f in Self.builds {
            XCTAssertLessThan(worstRelativeError(grid(-20, 1e-4, 400_000) + tiny, f.expm1, Foundation.expm1), 2e-7, "\(f.build) fastExpm1")
            XCTAssertEqual(f.expm1(0), 0)
            XCTAssertEqual(f.expm1(1e-30), 1e-30)
            XCTAssertEqual(f.expm1(-1000), -1)
            XCTAssertTrue(f.expm1(.nan).isNaN)
        }
    }

    /// Softplus takes ln(1 + x) of x = e^−|z| in (0, 1]: densely there, and on tiny arguments,
    /// where 1 + x rounds to 1. Measured: 2.7·10⁻⁷.
    func testLog1p() {
        for f in Self.builds {
            let points = grid(0, 5e-6, 200_000) + (-126 ... -1).map { Float(sign: .plus, exponent: $0, significand: 1.3) }
            XCTAssertLessThan(worstRelativeError(points, f.log1p, Foundation.log1p), 4e-7, "\(f.build) fastLog1p")
            XCTAssertEqual(f.log1p(0), 0)
            XCTAssertTrue(f.log1p(.nan).isNaN)
        }
    }

    /// Densely on [1, 4] (the fused step's softmax takes ln of Σ exp(s − max s), in [1, classes]),
    /// and at every power of two and in between across the normal Floats. Measured: 2.2·10⁻⁷.
    func testLog() {
        for f in Self.builds {
            XCTAssertLessThan(worstRelativeError(grid(1, 1e-5, 300_000), f.log, Foundation.log), 4e-7, "\(f.build) fastLog on [1, 4]")
            var absolute = 0.0
            for e in -126...127 {
                for m: Float in [1, 1.1, 1.414, 1.415, 1.9] {
                    let x = Float(sign: .plus, exponent: e, significand: m)
                    absolute = max(absolute, abs(Double(f.log(x)) - Foundation.log(Double(x))))
                }
            }
            XCTAssertLessThan(absolute, 2e-5, "\(f.build) fastLog's absolute error over the normal Floats")
            XCTAssertEqual(f.log(1), 0)
        }
    }
}
