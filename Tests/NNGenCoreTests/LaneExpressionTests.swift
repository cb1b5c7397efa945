@testable import NNGenCore
import XCTest

/// Elementwise expressions on SIMD vectors (`LaneExpression`): values become vectors, literals
/// stay scalars, and what Swift's SIMD types have no operator for goes through the helpers.
final class LaneExpressionTests: XCTestCase {
    private let x = SwiftExpression.element(ValueID(index: 0), nil)
    private let y = SwiftExpression.element(ValueID(index: 1), nil)

    private func vector(_ e: SwiftExpression, _ helpers: LaneHelpers = LaneHelpers(vector: "Lanes", count: 16)) -> String? {
        LaneExpression.vectorize(e, helpers)?.render { id, _ in id.index == 0 ? "x" : "y" }
    }

    func testArithmeticKeepsScalarLiterals() {
        XCTAssertEqual(vector(.literal(0.5) * x * (.literal(1) + y)), "0.5 * x * (1 + y)")
        XCTAssertEqual(vector(.negate(x) - .literal(-2)), "-x - (-2)")
        XCTAssertEqual(vector(x.squareRootForTest), "x.squareRoot()")
    }

    func testMaxMinAndSelects() {
        XCTAssertEqual(vector(.call("max", [.literal(0), x])), "Self.maximumLanes(Self.splatLanes(0), x)")
        XCTAssertEqual(vector(.call("min", [x, y])), "Self.minimumLanes(x, y)")
        XCTAssertEqual(vector(.conditional(.infix(x, .greater, .literal(0)), y, .literal(0))), "Self.selectLanes(x .> 0, y, Self.splatLanes(0))")
        XCTAssertEqual(vector(.conditional(.infix(.infix(x, .greaterOrEqual, .literal(0)), .and, .infix(y, .lessOrEqual, x)), x, y)),
                       "Self.selectLanes(x .>= 0 .& y .<= x, x, y)")
    }

    /// A scalar result is broadcast to every lane.
    func testScalarResultIsBroadcast() {
        XCTAssertEqual(vector(.literal(1) + .literal(2)), "Self.splatLanes(1 + 2)")
    }

    /// Each vector type's helpers carry its name, so that two widths' helpers live in one model.
    func testHelpersAreNamedByTheirVectorType() {
        let narrow = LaneHelpers(vector: "BackwardLanes", count: 8)
        XCTAssertEqual(vector(.call("max", [.literal(0), x]), narrow), "Self.maximumBackwardLanes(Self.splatBackwardLanes(0), x)")
        var w = CodeWriter()
        narrow.emit(&w)
        XCTAssertTrue(w.text.contains("typealias BackwardLanes = SIMD8<Scalar>"), w.text)
        XCTAssertTrue(w.text.contains("static func loadBackwardLanes(_ p: UnsafePointer<Scalar>) -> BackwardLanes"), w.text)
        // The lane sum adds halves pairwise: 8 → 4 → 2 → 1.
        XCTAssertTrue(w.text.contains("let x4 = x.lowHalf + x.highHalf\n"), w.text)
        XCTAssertTrue(w.text.contains("let x2 = x4.lowHalf + x4.highHalf\n"), w.text)
        XCTAssertTrue(w.text.contains("return x2[0] + x2[1]\n"), w.text)
    }

    /// Function calls (exp, tanh, libm's or FastMath's) have no vector form, and neither has a
    /// conditional on something that is not a comparison of vectors.
    func testNoVectorForm() {
        XCTAssertNil(vector(.call("exp", [x])))
        XCTAssertNil(vector(.literal(1) / (.literal(1) + .call("Self.fastExp", [.negate(x)]))))
        XCTAssertNil(vector(.conditional(.infix(.literal(1), .greater, .literal(0)), x, y)))
        XCTAssertNil(vector(.conditional(x, x, y)))
    }
}

private extension SwiftExpression {
    var squareRootForTest: SwiftExpression { .method(self, "squareRoot") }
}
