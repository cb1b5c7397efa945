/// Elementwise functions emitted as plain arithmetic instead of calls into the C library, so that
/// the loops around them vectorize. Float models get versions accurate to a few units in the
/// seventh digit; Double models get longer series and split constants, accurate to a few units
/// in the last place (each function's comment gives its bound, which the tests check against
/// libm). Both types share one structure: eˣ and eˣ − 1 from one range reduction, tanh from
/// eˣ − 1, ln(1 + x) from ln. Their polynomials are evaluated by Horner's scheme through
/// `multiplyAdd`, one fused multiply-add per coefficient where the build has them.
enum FastMath {
    /// `multiplyAdd(_:_:plus:)`, which every other function here calls: emit it first.
    static func emitMultiplyAdd(_ w: inout CodeWriter) { emit(multiplyAddSource, &w) }

    /// `fastTanh(_: Scalar) -> Scalar`, which calls `fastExpm1`.
    static func emitTanh(scalar: ScalarType, _ w: inout CodeWriter) { emit(tanhSource(scalar), &w) }

    /// `expReduction(_: Scalar)` and `fastExp(_: Scalar) -> Scalar`.
    static func emitExp(scalar: ScalarType, _ w: inout CodeWriter) { emit(expSource(scalar), &w) }

    /// `fastLog(_: Scalar) -> Scalar`.
    static func emitLog(scalar: ScalarType, _ w: inout CodeWriter) { emit(scalar == .float ? logSource : logDoubleSource, &w) }

    /// `fastExpm1(_: Scalar) -> Scalar`, which calls `expReduction` (emitted with `fastExp`).
    static func emitExpm1(scalar: ScalarType, _ w: inout CodeWriter) { emit(expm1Source(scalar), &w) }

    /// `fastLog1p(_: Scalar) -> Scalar`, which calls `fastLog`.
    static func emitLog1p(scalar: ScalarType, _ w: inout CodeWriter) { emit(log1pSource.replacingOccurrences(of: "Scalar", with: scalar.rawValue), &w) }

    /// Writes `source` line by line at the writer's indentation.
    private static func emit(_ source: String, _ w: inout CodeWriter) {
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) { w.line(String(line)) }
    }

    /// Horner's scheme for `coefficients[0] + coefficients[1]·x + …` into a new variable `name`
    /// of type `type`, one `multiplyAdd` per coefficient, as lines of a function body.
    static func horner(_ name: String, _ type: String, of x: String, _ coefficients: [String]) -> String {
        let steps = coefficients.dropLast().reversed().map { "\(name) = multiplyAdd(\(x), \(name), plus: \($0))" }
        return (["var \(name): \(type) = \(coefficients.last!)"] + steps).joined(separator: "\n    ")
    }

    /// 1/1!, 1/2!, …, 1/n!: the Taylor coefficients of (eʳ − 1)/r.
    private static func inverseFactorials(_ n: Int) -> [String] {
        var factorial = 1
        return (1...n).map { i in
            factorial *= i
            return i == 1 ? "1" : "1.0 / \(factorial)"
        }
    }

    private static let multiplyAddSource = """
        /// a·b + c for the polynomials below: one fused multiply-add (rounded once) when the build
        /// defines `NNGEN_FMA`, a multiply and an add otherwise, because without FMA hardware
        /// `addingProduct` becomes a library call. Swift never fuses `a * b + c` on its own.
        @inline(__always)
        static func multiplyAdd(_ a: Scalar, _ b: Scalar, plus c: Scalar) -> Scalar {
            #if NNGEN_FMA
            return c.addingProduct(a, b)
            #else
            return a * b + c
            #endif
        }
        """

    /// The range reduction and eˣ. Float: ln 2 in two parts (a 9-bit head, so that k times it
    /// is exact), e^r − 1 to r⁷/7!; Double: a 32-bit head, to r¹³/13!.
    private static func expSource(_ scalar: ScalarType) -> String {
        let float = scalar == .float
        let (name, clamp) = (scalar.rawValue, float ? ("-87.3", "88.3") : ("-708", "709"))
        // ln 2 = head + tail; r = x − k·head − k·tail, written with −head and −tail.
        let (log2e, minusHead, minusTail) = float
            ? ("1.442_695_04", "-0.693_359_375", "2.121_944_4e-4")
            : ("1.442_695_040_888_963_4", "-0.693_147_180_369_123_8", "-1.908_214_929_270_587_7e-10")
        let terms = float ? 7 : 13
        let (bits, mask, shift, kRange) = float
            ? ("8_388_735", "0x7F_FFFF", "23", "−126...127")
            : ("4_503_599_627_371_519", "0xF_FFFF_FFFF_FFFF", "52", "−1021...1023")
        let (leftOut, edges, error) = float
            ? ("1.6·10⁻⁸", "about 10⁻³⁸ or 2·10³⁸", "2·10⁻⁷")
            : ("2·10⁻¹⁷", "about 3·10⁻³⁰⁸ or 8·10³⁰⁷", "4·10⁻¹⁶")
        return """
            /// The range reduction of eˣ without a library call: eˣ = 2^k·e^r with k = round(x / ln 2)
            /// and r = x − k·ln 2 (ln 2 split in a short head, so that k times it is exact, and a
            /// tail; |r| ≤ ln 2 / 2). Returns 2^k and e^r − 1, from its Taylor series to r^\(terms)/\(terms)! (the
            /// first term left out is below \(leftOut) of the sum). x is clamped to [\(clamp.0), \(clamp.1)], where
            /// 2^k stays a normal \(name). NaN stays NaN.
            @inline(__always)
            static func expReduction(_ x: \(name)) -> (scale: \(name), series: \(name)) {
                let c: \(name) = x < \(clamp.0) ? \(clamp.0) : (x > \(clamp.1) ? \(clamp.1) : x)
                let k = (c * \(log2e)).rounded()
                let r = multiplyAdd(k, \(minusTail), plus: multiplyAdd(k, \(minusHead), plus: c))
                \(horner("p", name, of: "r", inverseFactorials(terms)))
                // 2^k from the bits of 2^\(shift) + bias + k (k is a whole number in \(kRange)): no
                // conversion that could trap, so the loop around this vectorizes.
                return (\(name)(bitPattern: ((k + \(bits)).bitPattern & \(mask)) << \(shift)), r * p)
            }

            /// eˣ = 2^k·(e^r − 1) + 2^k from `expReduction`, so that loops over it vectorize. Tested
            /// against libm: relative error below \(error). Past the clamp the result is the end's
            /// value (\(edges)) rather than 0 or infinity; NaN stays NaN.
            @inline(__always)
            static func fastExp(_ x: \(name)) -> \(name) {
                let (scale, series) = expReduction(x)
                return multiplyAdd(scale, series, plus: scale)
            }
            """
    }

    private static func expm1Source(_ scalar: ScalarType) -> String {
        let (name, error, edge) = scalar == .float ? ("Float", "2·10⁻⁷", "2·10³⁸") : ("Double", "4·10⁻¹⁶", "8·10³⁰⁷")
        return """
            /// eˣ − 1 = 2^k·(e^r − 1) + (2^k − 1) from `expReduction`, so that loops over it vectorize.
            /// For |x| < ln 2 / 2, k is 0 and the result is the series itself, so the relative accuracy
            /// holds near 0; elsewhere |eˣ − 1| ≥ 0.29. One path for every x, so a vector of them
            /// computes it once. Tested against libm: relative error below \(error). Past the clamp
            /// the result is −1 or about \(edge); NaN stays NaN.
            @inline(__always)
            static func fastExpm1(_ x: \(name)) -> \(name) {
                let (scale, series) = expReduction(x)
                return multiplyAdd(scale, series, plus: scale - 1)
            }
            """
    }

    /// tanh|x| = t/(t + 2), t = e^{2|x|} − 1. The limit past which tanh rounds to ±1: 10 for Float
    /// (1 − tanh 9 is still above half a unit below 1), 20 for Double.
    private static func tanhSource(_ scalar: ScalarType) -> String {
        let (name, limit, error) = scalar == .float ? ("Float", "10", "3·10⁻⁷") : ("Double", "20", "10⁻¹⁵")
        return """
            /// tanh without a library call, so that loops over it vectorize: tanh|x| = t / (t + 2) with
            /// t = e^{2|x|} − 1 from `fastExpm1`, which keeps its relative accuracy near 0. Tested
            /// against libm: relative error below \(error). |x| ≥ \(limit) gives ±1, as tanh rounds there;
            /// NaN stays NaN.
            @inline(__always)
            static func fastTanh(_ x: \(name)) -> \(name) {
                let a: \(name) = x.magnitude < \(limit) ? x.magnitude : \(limit)
                let t = fastExpm1(2 * a)
                let h = t / (t + 2)
                return x.isNaN ? x : (x < 0 ? -h : h)
            }
            """
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
            \(horner("series", "Float", of: "u2", ["1", "1.0 / 3", "1.0 / 5", "1.0 / 7", "1.0 / 9"]))
            return multiplyAdd(Float(shifted &>> 23), 0.693_147_18, plus: 2 * u * series)
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
            \(horner("series", "Double", of: "u2", (0...11).map { $0 == 0 ? "1" : "1.0 / \(2 * $0 + 1)" }))
            return multiplyAdd(e, 0.693_147_180_369_123_8, plus: multiplyAdd(e, 1.908_214_929_270_587_7e-10, plus: 2 * u * series))
        }
        """
}
