import Foundation

/// How explanations and drawings print numbers and arrays.
enum NumberFormat {
    /// `value` with at most `digits` significant digits, in C's `%g` form (`-12`, `0.116`, `1e-05`),
    /// which is the same on every platform.
    static func number(_ value: Double, digits: Int = 15) -> String {
        if value == 0 { return "0" }  // also for −0
        return String(format: "%.\(digits)g", value)
    }

    /// A scalar as a number, a vector as `[a, b]`, a matrix as `[[a, b], [c, d]]` (row-major data).
    /// With `limit`, rows and columns past it are elided as `…`.
    static func array(_ data: [Double], _ shape: Shape, digits: Int = 15, limit: Int? = nil) -> String {
        func list(_ items: [String]) -> String {
            guard let limit, items.count > limit else { return "[" + items.joined(separator: ", ") + "]" }
            return "[" + items.prefix(limit - 1).joined(separator: ", ") + ", …, " + items.last! + "]"
        }
        switch shape.dims.count {
        case 0: return number(data[0], digits: digits)
        case 1: return list(data.map { number($0, digits: digits) })
        default:
            let columns = shape.dims[1]
            return list((0..<shape.dims[0]).map { r in list(data[r * columns..<(r + 1) * columns].map { number($0, digits: digits) }) })
        }
    }
}
