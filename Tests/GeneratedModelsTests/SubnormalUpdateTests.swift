@testable import ExampleModels
@testable import GeneratedModels
import XCTest

/// The optimizer's update stores a new value under the smallest normal magnitude as a zero of its
/// sign, and every other value exactly as its formula gives it (`TrainingEmitter.update`).
final class SubnormalUpdateTests: XCTestCase {
    /// `update`'s signature: state, gradient, learning rate, bound.
    typealias Update<Scalar> = (UnsafeMutablePointer<Scalar>, UnsafePointer<Scalar>, Scalar, inout Double) -> Bool

    /// Parameters and gradients (η = 1) cycled over every parameter, with the value SGD must store:
    /// results under the smallest normal L flushed to a zero of their sign, L itself and
    /// everything above it kept.
    static func sgdCases<Scalar: BinaryFloatingPoint>(_: Scalar.Type) -> [(p: Scalar, g: Scalar, stored: Scalar)] {
        let l = Scalar.leastNormalMagnitude
        return [
            (1.5 * l, l, 0),  // 0.5·L: a positive subnormal
            (-1.5 * l, -l, -0.0),  // −0.5·L: a negative zero
            (l / 2, 0, 0),  // already subnormal, gradient 0
            (2 * l, l, l),  // exactly L: kept
            (3 * l, l, 2 * l),
            (1, 0.25, 0.75),
            (-0.5, 0.125, -0.625),
        ]
    }

    func runSGD<Scalar: BinaryFloatingPoint>(_ update: Update<Scalar>, parameters n: Int, stateCount: Int) {
        let cases = Self.sgdCases(Scalar.self)
        var state = [Scalar](repeating: 0, count: stateCount), g = [Scalar](repeating: 0, count: n)
        for i in 0..<n { (state[i], g[i]) = (cases[i % cases.count].p, cases[i % cases.count].g) }
        var bound = Double.infinity
        XCTAssertTrue(state.withUnsafeMutableBufferPointer { s in g.withUnsafeBufferPointer { update(s.baseAddress!, $0.baseAddress!, 1, &bound) } })
        for i in 0..<n {
            let expected = cases[i % cases.count].stored
            XCTAssertEqual(state[i].sign, expected.sign, "parameter \(i)")
            XCTAssertEqual(state[i], expected, "parameter \(i)")
        }
    }

    func testSGDFloat() { runSGD(SpiralNet.update, parameters: SpiralNet.parameterCount, stateCount: SpiralNet.stateCount) }
    func testSGDDouble() { runSGD(SGDNet.update, parameters: SGDNet.parameterCount, stateCount: SGDNet.stateCount) }

    /// Momentum: a velocity μ·v + g under L is stored as zero, and the parameter moves by the
    /// unflushed velocity, η·u, to a normal value.
    func testMomentumVelocity() {
        let n = MomentumNet.parameterCount, l = Double.leastNormalMagnitude
        var state = [Double](repeating: 0, count: MomentumNet.stateCount), g = [Double](repeating: 0, count: n)
        for i in 0..<n {
            state[i] = i.isMultiple(of: 2) ? 2 * l : 0.5
            state[n + i] = i.isMultiple(of: 2) ? l : 2  // the velocity
            g[i] = i.isMultiple(of: 2) ? 0 : 1
        }
        var bound = Double.infinity
        XCTAssertTrue(state.withUnsafeMutableBufferPointer { s in g.withUnsafeBufferPointer { MomentumNet.update(s.baseAddress!, $0.baseAddress!, 1, &bound) } })
        for i in 0..<n where i.isMultiple(of: 2) {
            XCTAssertEqual(state[n + i].bitPattern, 0, "velocity \(i): 0.9·L is subnormal")
            XCTAssertEqual(state[i], 2 * l - 0.9 * l, "parameter \(i): 1.1·L, normal")
        }
        for i in 0..<n where !i.isMultiple(of: 2) {
            XCTAssertEqual(state[n + i], 0.9 * 2 + 1, "velocity \(i)")
            XCTAssertEqual(state[i], 0.5 - (0.9 * 2 + 1), "parameter \(i)")
        }
    }

    /// Adam: a second moment (1 − β2)·g² under L (g = 10⁻¹⁶⁰) is stored as zero; the first moment
    /// and the parameter are normal and kept.
    func testAdamSecondMoment() {
        let n = AdamNet.parameterCount
        var state = [Double](repeating: 0, count: AdamNet.stateCount), g = [Double](repeating: 1e-160, count: n)
        for i in 0..<n { state[i] = 1e-150 }
        state[3 * n] = 1  // β1^t
        state[3 * n + 1] = 1  // β2^t
        var bound = Double.infinity
        XCTAssertTrue(state.withUnsafeMutableBufferPointer { s in g.withUnsafeBufferPointer { AdamNet.update(s.baseAddress!, $0.baseAddress!, 1, &bound) } })
        for i in 0..<n {
            XCTAssertTrue(state[2 * n + i] == 0 && state[2 * n + i].sign == .plus, "second moment \(i): \(state[2 * n + i])")
            XCTAssertTrue(state[n + i].isNormal, "first moment \(i): \(state[n + i])")
            // m̂ = g and √v̂ = 10⁻¹⁶⁰ (from the unflushed v): the step is about g/ε = 10⁻¹⁵³.
            XCTAssertEqual(state[i], 1e-150 - 1e-153, accuracy: 1e-160, "parameter \(i)")
        }
    }
}
