/// Elementwise functions emitted as plain arithmetic instead of calls into the C library, so that
/// the loops around them vectorize. Only for Float models: Double models keep libm's precision.
enum FastMath {
    /// `fastTanh(_: Float) -> Float`, which calls `fastExp`.
    static func emitTanh(_ w: inout CodeWriter) { emit(tanhSource, &w) }

    /// `fastExp(_: Float) -> Float`.
    static func emitExp(_ w: inout CodeWriter) { emit(expSource, &w) }

    /// `fastLog(_: Float) -> Float`.
    static func emitLog(_ w: inout CodeWriter) { emit(logSource, &w) }

    /// `fastExpm1(_: Float) -> Float`, which calls `fastExp`.
    static func emitExpm1(_ w: inout CodeWriter) { emit(expm1Source, &w) }

    /// `fastLog1p(_: Float) -> Float`, which calls `fastLog`.
    static func emitLog1p(_ w: inout CodeWriter) { emit(log1pSource, &w) }

    /// Writes `source` line by line at the writer's indentation.
    private static func emit(_ source: String, _ w: inout CodeWriter) {
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) { w.line(String(line)) }
    }

    private static let logSource = """
        /// ln x for a positive normal x, without a library call so that loops over it vectorize:
        /// x = 2^e·m with m in [√½, √2) (found by subtracting the bits of √½ before splitting exponent
        /// and mantissa), and ln m = 2·atanh(u) = 2·(u + u³/3 + u⁵/5 + u⁷/7 + u⁹/9) with
        /// u = (m − 1)/(m + 1), |u| ≤ 0.172. Tested against libm: relative error below 4·10⁻⁷ on
        /// [1, 4], absolute error below 2·10⁻⁵ over the normal Floats.
        @inline(__always)
        static func fastLog(_ x: Float) -> Float {
            let shifted = Int32(bitPattern: x.bitPattern) &- 0x3F35_04F3
            let m = Float(bitPattern: UInt32(bitPattern: (shifted & 0x7F_FFFF) &+ 0x3F35_04F3))
            let u = (m - 1) / (m + 1)
            let u2 = u * u
            let series: Float = 1 + u2 * (1.0 / 3 + u2 * (1.0 / 5 + u2 * (1.0 / 7 + u2 * (1.0 / 9))))
            return Float(shifted &>> 23) * 0.693_147_18 + 2 * u * series
        }
        """

    private static let expSource = """
        /// eˣ without a library call, so that loops over it vectorize: eˣ = 2^k·e^r with
        /// k = round(x / ln 2), r = x − k·ln 2 (ln 2 split in two for accuracy, |r| ≤ ln 2 / 2) and e^r
        /// from its Taylor series to r⁶ (relative error below 3·10⁻⁷). x is clamped to
        /// [−87.3, 88.3], where 2^k stays a normal Float: past the ends the result is the end's
        /// value (about 10⁻³⁸ or 2·10³⁸) rather than 0 or infinity. NaN stays NaN.
        @inline(__always)
        static func fastExp(_ x: Float) -> Float {
            let c: Float = x < -87.3 ? -87.3 : (x > 88.3 ? 88.3 : x)
            let k = (c * 1.442_695_04).rounded()
            let r = (c - k * 0.693_359_375) - k * -2.121_944_4e-4
            let er: Float = 1 + r * (1 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720))))))
            // 2^k from the bits of 2²³ + 127 + k (k is a whole number in −126...127): no conversion
            // that could trap, so the loop around this vectorizes.
            return er * Float(bitPattern: ((k + 8_388_735).bitPattern & 0x7F_FFFF) << 23)
        }
        """

    private static let expm1Source = """
        /// eˣ − 1 without a library call, so that loops over it vectorize. For |x| < 0.5 its Taylor
        /// series to x⁸/8! (the first term left out is below 1.1·10⁻⁸ of the sum); elsewhere
        /// `fastExp(x) − 1`, whose relative error stays below 10⁻⁶ there because |eˣ − 1| ≥ 0.39.
        /// Past `fastExp`'s clamp the result is −1 or about 2·10³⁸; NaN stays NaN.
        @inline(__always)
        static func fastExpm1(_ x: Float) -> Float {
            let series: Float = x * (1 + x * (0.5 + x * (1.0 / 6 + x * (1.0 / 24 + x * (1.0 / 120
                + x * (1.0 / 720 + x * (1.0 / 5040 + x * (1.0 / 40320))))))))
            return x.magnitude < 0.5 ? series : fastExp(x) - 1
        }
        """

    private static let log1pSource = """
        /// ln(1 + x) for x > −1 without a library call, so that loops over it vectorize:
        /// u = 1 + x rounded, then ln u · x / (u − 1), which cancels the rounding of u (Goldberg's
        /// method), and x itself when u rounds to 1. `fastLog`'s relative error on u in [1, 4] is
        /// below 4·10⁻⁷. NaN stays NaN.
        @inline(__always)
        static func fastLog1p(_ x: Float) -> Float {
            let u = 1 + x
            let d = u - 1
            return d == 0 ? x : fastLog(u) * (x / d)
        }
        """

    private static let tanhSource = """
        /// tanh without a library call, so that loops over it vectorize. Near 0 (|x| < 0.25) the odd
        /// Taylor series to x⁹; elsewhere tanh|x| = 1 − 2/(e^{2|x|} + 1) with `fastExp`. |x| ≥ 10
        /// gives ±1, as tanh rounds there; NaN stays NaN.
        @inline(__always)
        static func fastTanh(_ x: Float) -> Float {
            let a: Float = x.magnitude < 10 ? x.magnitude : 10
            let far = 1 - 2 / (fastExp(2 * a) + 1)
            let s = a * a
            let near = a + a * s * (-1.0 / 3 + s * (2.0 / 15 + s * (-17.0 / 315 + s * (62.0 / 2835))))
            let t = a < 0.25 ? near : far
            return x.isNaN ? x : (x < 0 ? -t : t)
        }
        """
}
