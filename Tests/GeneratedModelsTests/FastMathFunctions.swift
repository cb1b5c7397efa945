/// One build's emitted `FastMath` functions for the scalar type `T`: `FastMathFloatTests` and
/// `FastMathDoubleTests` check each of them on the plain build (`Generated/`, no `NNGEN_FMA`)
/// and on the one with fused multiply-adds (`GeneratedUnfused/`, whose target defines it).
struct FastMathFunctions<T>: Sendable {
    /// "plain" or "FMA", for the failure messages.
    let build: String
    let tanh: @Sendable (T) -> T, exp: @Sendable (T) -> T, expm1: @Sendable (T) -> T
    let log: @Sendable (T) -> T, log1p: @Sendable (T) -> T
}
