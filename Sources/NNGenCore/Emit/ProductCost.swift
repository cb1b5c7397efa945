/// Estimated cycles of each unpacked form of C[m×n] = op(A)·op(B), from what its kernel does per
/// element (`ProductKernels`), so that the plan picks the fastest form rather than the one that
/// copies least. The rates are one core's, with two vector multiply-adds and two loads per cycle,
/// counted in vectors of 8 lanes (Float's):
///
/// - `productRows`: a multiply-add per row, vector of columns and step of k, half a cycle each in
///   its 6-row tiles. n ≥ 8 takes ⌈n / 8⌉ vectors (the last one overlaps); n < 8 goes to scalar
///   columns, two chains per pair of rows: about 2 cycles per row, column and step, except for a
///   single row (`productRowNarrow`: one vector per step, half a cycle).
/// - `productDots`: 4 loads feed 4 multiply-adds per 2 × 2 tile and vector of k (half a cycle per
///   element of C and vector); then a horizontal sum, about 8 cycles per element of C, and the
///   k mod 8 last steps in scalar, about a cycle each.
/// - a transposed copy (`transposeCopy`, scalar with one side strided): 2 cycles per element and
///   100 per call.
///
/// The two copy rates were fitted on 28 product shapes of the sweep's networks, timed form
/// against form, where the model picks the faster form on all 28; on 29 random shapes it was not
/// fitted on, its pick was within 10% of the fastest form on 26–28 (at worst 1.45×), the old rule's
/// (fewest elements copied) on 23 (at worst 6.7×) (docs/performance/products.md). Double's vectors
/// have 4 lanes; counting in 8 keeps the forms' ratios close enough to rank them.
enum ProductCost {
    /// Cycles per element copied into a transposed layout.
    static let copy = 2.0
    /// Cycles per call of a transposed copy, whatever its size.
    static let copyCall = 100.0

    /// `productRows` on C[m×n] = A[m×k]·B[k×n] with B's rows contiguous.
    static func rows(m: Int, k: Int, n: Int) -> Double {
        let perRowAndStep = n >= 8 ? 0.5 * Double((n + 7) / 8) : m == 1 ? 0.5 : 2 * Double(n)
        return Double(m * k) * perRowAndStep
    }

    /// `productDots` on C[m×n] from A's rows and Bᵀ's rows, both contiguous along k.
    static func dots(m: Int, k: Int, n: Int) -> Double {
        Double(m * n) * (0.5 * Double(k / 8) + 8 + Double(k % 8))
    }

    /// Cycles to copy `count` elements into a transposed layout in `calls` calls.
    static func copies(_ count: Int, calls: Int) -> Double { count == 0 ? 0 : copy * Double(count) + copyCall * Double(calls) }
}
