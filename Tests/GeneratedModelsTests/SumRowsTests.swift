@testable import GeneratedModels
import XCTest

/// `sumRows`, the bias gradient's column sums (as every model with product kernels emits it),
/// against a sum in Double: 1 to 20 columns (narrower than a vector, which take blocks of rows,
/// and wider), row counts around a block of `lanes` rows, in Float and Double.
final class SumRowsTests: XCTestCase {
    static let rowCounts = [1, 3, 4, 7, 8, 9, 16, 17, 31, 1025]

    func check<T: BinaryFloatingPoint>(_: T.Type, tolerance: Double, _ sumRows: (UnsafePointer<T>, UnsafeMutablePointer<T>, Int, Int) -> Void) {
        for cols in 1...20 {
            for rows in Self.rowCounts {
                let x = (0..<rows * cols).map { T(Double(($0 * 31) % 17) / 4 - 2) }
                var y = [T](repeating: .nan, count: cols + 4)
                y[cols...] = [7, 7, 7, 7]
                x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { sumRows(xp.baseAddress!, $0.baseAddress!, rows, cols) } }
                for c in 0..<cols {
                    let expected = (0..<rows).reduce(0.0) { $0 + Double(x[$1 * cols + c]) }
                    XCTAssertEqual(Double(y[c]), expected, accuracy: tolerance * (1 + abs(expected)), "column \(c) of \(rows)×\(cols)")
                }
                XCTAssertEqual(Array(y[cols...]), [7, 7, 7, 7], "written past the sums of \(rows)×\(cols)")
            }
        }
    }

    func testFloat() { check(Float.self, tolerance: 1e-5) { ConvFloatNet.sumRows($0, $1, $2, $3) } }

    func testDouble() { check(Double.self, tolerance: 1e-13) { TenClassDoubleNet.sumRows($0, $1, $2, $3) } }
}
