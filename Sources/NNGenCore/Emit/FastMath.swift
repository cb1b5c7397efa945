/// Elementwise functions emitted as plain arithmetic instead of calls into the C library, so that
/// the loops around them vectorize. Float models get versions accurate to a few units in the
/// seventh digit; Double models get longer series and split constants, accurate to a few units
/// in the last place (each function's comment gives its bound, which the tests check against
/// libm).
enum FastMath {
    /// `fastTanh(_: Scalar) -> Scalar`: Float's calls `fastExp`, Double's `fastExpm1`.
    static func emitTanh(scalar: ScalarType, _ w: inout CodeWriter) { emit(scalar == .float ? tanhSource : tanhDoubleSource, &w) }

    /// `fastExp(_: Scalar) -> Scalar`.
    static func emitExp(scalar: ScalarType, _ w: inout CodeWriter) { emit(scalar == .float ? expSource : expDoubleSource, &w) }

    /// `fastLog(_: Scalar) -> Scalar`.
    static func emitLog(scalar: ScalarType, _ w: inout CodeWriter) { emit(scalar == .float ? logSource : logDoubleSource, &w) }

    /// `fastExpm1(_: Scalar) -> Scalar`: Float's calls `fastExp`, Double's `expReduction` (emitted with `fastExp`).
    static func emitExpm1(scalar: ScalarType, _ w: inout CodeWriter) { emit(scalar == .float ? expm1Source : expm1DoubleSource, &w) }

    /// `fastLog1p(_: Scalar) -> Scalar`, which calls `fastLog`.
    static func emitLog1p(scalar: ScalarType, _ w: inout CodeWriter) { emit(log1pSource.replacingOccurrences(of: "Scalar", with: scalar.rawValue), &w) }

    /// True when `fastTanh` for `scalar` calls `fastExpm1` (so that it must be emitted too).
    static func tanhCallsExpm1(_ scalar: ScalarType) -> Bool { scalar == .double }

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

    /// `fastLog1p` for either scalar type (`Scalar` in the text below is replaced by its name).
    private static let log1pSource = """
        /// ln(1 + x) for x > −1 without a library call, so that loops over it vectorize:
        /// u = 1 + x rounded, then ln u · x / (u − 1), which cancels the rounding of u (Goldberg's
        /// method), and x itself when u rounds to 1. Its relative error is `fastLog`'s on u: below
        /// 4·10⁻⁷ for Float, 10⁻¹⁵ for Double (both tested against libm on softplus's arguments,
        /// x in [0, 1]). NaN stays NaN.
        @inline(__always)
        static func fastLog1p(_ x: Scalar) -> Scalar {
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

    private static let expDoubleSource = """
        /// The range reduction of eˣ without a library call: eˣ = 2^k·e^r with k = round(x / ln 2)
        /// and r = x − k·ln 2 (ln 2 split in a 32-bit head, so that k times it is exact, and a
        /// tail; |r| ≤ ln 2 / 2). Returns 2^k and e^r − 1, from its Taylor series to r¹³/13! (the
        /// first term left out is below 2·10⁻¹⁷ of the sum). x is clamped to [−708, 709], where 2^k
        /// stays a normal Double. NaN stays NaN.
        @inline(__always)
        static func expReduction(_ x: Double) -> (scale: Double, series: Double) {
            let c: Double = x < -708 ? -708 : (x > 709 ? 709 : x)
            let k = (c * 1.442_695_040_888_963_4).rounded()
            let r = (c - k * 0.693_147_180_369_123_8) - k * 1.908_214_929_270_587_7e-10
            let series: Double = r * (1 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720
                + r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362_880 + r * (1.0 / 3_628_800 + r * (1.0 / 39_916_800
                + r * (1.0 / 479_001_600 + r * (1.0 / 6_227_020_800)))))))))))))
            // 2^k from the bits of 2⁵² + 1023 + k (k is a whole number in −1021...1023): no
            // conversion that could trap, so the loop around this vectorizes.
            return (Double(bitPattern: ((k + 4_503_599_627_371_519).bitPattern & 0xF_FFFF_FFFF_FFFF) << 52), series)
        }

        /// eˣ = 2^k·(1 + (e^r − 1)) from `expReduction`, so that loops over it vectorize. Tested
        /// against libm: relative error below 4·10⁻¹⁶. Past the clamp the result is the end's
        /// value (about 3·10⁻³⁰⁸ or 8·10³⁰⁷) rather than 0 or infinity; NaN stays NaN.
        @inline(__always)
        static func fastExp(_ x: Double) -> Double {
            let (scale, series) = expReduction(x)
            return scale * series + scale
        }
        """

    private static let expm1DoubleSource = """
        /// eˣ − 1 = 2^k·(e^r − 1) + (2^k − 1) from `expReduction`, so that loops over it vectorize.
        /// For |x| < ln 2 / 2, k is 0 and the result is the series itself, so the relative accuracy
        /// holds near 0; elsewhere |eˣ − 1| ≥ 0.29. One path for every x, so a vector of them
        /// computes it once. Tested against libm: relative error below 4·10⁻¹⁶. Past the clamp
        /// the result is −1 or about 8·10³⁰⁷; NaN stays NaN.
        @inline(__always)
        static func fastExpm1(_ x: Double) -> Double {
            let (scale, series) = expReduction(x)
            return scale * series + (scale - 1)
        }
        """

    private static let tanhDoubleSource = """
        /// tanh without a library call, so that loops over it vectorize: tanh|x| = t / (t + 2) with
        /// t = e^{2|x|} − 1 from `fastExpm1`, which keeps its relative accuracy near 0. Tested
        /// against libm: relative error below 10⁻¹⁵. |x| ≥ 20 gives ±1, as tanh rounds there;
        /// NaN stays NaN.
        @inline(__always)
        static func fastTanh(_ x: Double) -> Double {
            let a: Double = x.magnitude < 20 ? x.magnitude : 20
            let t = fastExpm1(2 * a)
            let h = t / (t + 2)
            return x.isNaN ? x : (x < 0 ? -h : h)
        }
        """

    private static let logDoubleSource = """
        /// ln x for a positive normal x, without a library call so that loops over it vectorize:
        /// x = 2^e·m with m in [√½, √2) (found by subtracting the bits of √½ before splitting
        /// exponent and mantissa, in unsigned arithmetic so that every step has a vector form),
        /// and ln m = 2·atanh(u) = 2·(u + u³/3 + ... + u²³/23) with u = (m − 1)/(m + 1),
        /// |u| ≤ 0.172 (the first term left out is below 10⁻¹⁸ of the sum); e·ln 2 is added in two
        /// parts. Tested against libm: relative error below 4·10⁻¹⁶ on [0.5, 4].
        @inline(__always)
        static func fastLog(_ x: Double) -> Double {
            let shifted = x.bitPattern &- 0x3FE6_A09E_667F_3BCD
            let m = Double(bitPattern: (shifted & 0xF_FFFF_FFFF_FFFF) &+ 0x3FE6_A09E_667F_3BCD)
            // e + 1023 in the low bits of 2⁵²'s significand, read back as a Double.
            let biased = Double(bitPattern: ((shifted &+ 0x3FF0_0000_0000_0000) >> 52) | 0x4330_0000_0000_0000) - 4_503_599_627_370_496
            let e = biased - 1023
            let u = (m - 1) / (m + 1)
            let u2 = u * u
            let series: Double = 1 + u2 * (1.0 / 3 + u2 * (1.0 / 5 + u2 * (1.0 / 7 + u2 * (1.0 / 9 + u2 * (1.0 / 11
                + u2 * (1.0 / 13 + u2 * (1.0 / 15 + u2 * (1.0 / 17 + u2 * (1.0 / 19 + u2 * (1.0 / 21 + u2 * (1.0 / 23)))))))))))
            return e * 0.693_147_180_369_123_8 + (e * 1.908_214_929_270_587_7e-10 + 2 * u * series)
        }
        """
}
