/// The matrix-product kernels a network model carries when its products are large enough for
/// SIMD: register tiles of `SIMD8<Float>` (or `SIMD4<Double>`) accumulators. They take the sizes
/// as arguments, which every call site passes as constants; the generated models test every edge
/// (row counts 1 to 8 past the 6-row tiles, column tails of a vector and of scalars).
///
/// Swift never contracts `a * b + c` into a fused multiply-add, so each tile keeps enough
/// independent accumulators (8 to 12 vectors) to fill both the multiply and the add pipes; a
/// build that defines `NNGEN_FMA` gets fused multiply-adds instead (see `multiplyAdd`).
enum ProductKernels {
    /// How a planned product is computed.
    enum Form: Equatable {
        /// Scalar loops (tiny products, or no dimension wide enough for a vector).
        case scalar
        /// SIMD across C's columns: `productRows` (B's rows contiguous).
        case rows
        /// SIMD across C's rows: Cᵀ = op(B)ᵀ·op(A)ᵀ by `productRows` into scratch, then transposed.
        case transposedRows
        /// SIMD along k: dot products of A's rows and Bᵀ's rows (`productDots`).
        case dots
        /// Cache-blocked over packed operands (`productPacked`): either layout of A and B, read
        /// through strides while packing, so no transposed copy is made.
        case packed
    }

    /// Depth of a packed block: 256 steps of k, or 512 when k is at least `packedDeepFrom`. A block
    /// of B is 256 KiB whatever its depth (half of this machine's L2): 256 × 32 vectors' width or
    /// 512 × 16. Deeper blocks halve how often each tile of C is loaded and stored and B is packed:
    /// 0.99–1.03× on products of depth 1,024 and 2,048 (1.01–1.03× on their forward and dX products),
    /// 0.96–1.00× on depth 784 (docs/performance/products.md, "The packed tile in C, seventh round").
    static let packedDepth = 256
    /// The depth from which blocks are `2 · packedDepth` deep.
    static let packedDeepFrom = 1024
    /// Columns of a packed block of B 256 deep, per lane of a vector: 256 of Float or 128 of Double
    /// (half that in a block 512 deep), so that the block stays in L2 while every 6 rows of A use it.
    static let packedColumnsPerLane = 32

    /// Depth of the packed blocks of a product of depth k.
    static func packedDepth(k: Int) -> Int { k >= packedDeepFrom ? 2 * packedDepth : packedDepth }

    /// True when C[m×n] = A[m×k]·B[k×n] runs through `productPacked`: when B (k × n, in either
    /// layout) outgrows L1 several times over (128 KiB of Float), with at least two micro-tiles
    /// of rows and one micro-panel's width. Measured on the product shapes of the sweep's
    /// training steps (docs/performance/products.md): below that size the unpacked kernels,
    /// whose operands already sit in L1 or L2, are as fast or faster on the forward product and
    /// dW (0.5–1.0×); above it, on products of 128 and more in every dimension, the packed kernel
    /// is 1.2–2.6× faster, most on widths of 1,024 (4K aliasing of B's rows in the unpacked kernels).
    ///
    /// Except a deep reduction to a small result: A stored transposed (a weight gradient summed
    /// over a batch or an image's positions), k ≥ `deepReductionMinimumDepth` and C within
    /// `deepReductionMaximumResultBytes`. Packing there copies k·n elements of B and m·k of A for
    /// a C that a few register tiles hold, and the unpacked forms stream the operands once
    /// (docs/performance/convolutions.md, "Fifth round": 1.03–1.25× on the steps it was drawn
    /// from, 1.06–1.26× on four of five it was checked on, 0.95× on the fifth, which is now
    /// outside it).
    static func usesPacking(m: Int, k: Int, n: Int, transposedA: Bool, scalarBytes: Int) -> Bool {
        guard m >= 12 && n >= 16 && k >= 16 && k * n >= streamedRowMinimum else { return false }
        return !(transposedA && k >= deepReductionMinimumDepth && m * n * scalarBytes <= deepReductionMaximumResultBytes)
    }

    /// True when `productRows` of an m × n C over depth k, reading A's element (i, l) at
    /// a[i·ai + l·ak], runs in blocks of k (`productRowsInDepthBlocks`): a deep reduction
    /// (k ≥ `deepReductionMinimumDepth`, C within `deepReductionMaximumResultBytes`, so that C and
    /// the partial products stay in L1) whose A is read down its columns (ak > 1), each step of k
    /// on another cache line. Unblocked, each tile of 6 rows of C walks all k lines of A, which
    /// past L2 come from memory again for every tile (LeNet's conv2 weight gradient, 150 × 4,096 ×
    /// 16: 311 µs unblocked, 229 µs in blocks of 128, the product alone with the caches flushed;
    /// docs/performance/convolutions.md, "Eighth round").
    static func blocksDepth(m: Int, k: Int, n: Int, ak: Int, scalarBytes: Int) -> Bool {
        k >= deepReductionMinimumDepth && ak > 1 && m * n * scalarBytes <= deepReductionMaximumResultBytes
    }

    /// The depth from which a product with A stored transposed and a small C is a deep reduction
    /// (`usesPacking`).
    static let deepReductionMinimumDepth = 1024
    /// The largest C of a deep reduction, in bytes: half of L1 (4,096 Float, 2,048 Double).
    static let deepReductionMaximumResultBytes = 16 * 1024

    /// Sizes of B, in bytes, whose single rows of C go by blocks of B's rows (`productRowBlocked`):
    /// past L1 (32 KiB), up to this machine's L2 (512 KiB per core). Below, B sits in L1 and the
    /// inlined 4-vector walk was as fast or faster on whole models (2 → 100 → 3 and
    /// 32 → 256 → 10 at batch 1, 0.8–0.9× with the blocked kernel); above, the streamed walk wins.
    static let blockedRowMinimumBytes = 32 * 1024
    static let blockedRowMaximumBytes = 512 * 1024
    /// Longest row of B, in bytes, for `productRowBlocked`; wider rows are streamed.
    static let blockedRowMaximumRowBytes = 1024

    /// Size of B (k × n elements) from which one row of C streams B's rows (`productRowStreamed`)
    /// instead of walking its column panels: the packing rule's size, where B outgrows L1.
    static let streamedRowMinimum = 32768

    /// Scratch elements `productPacked` needs for C[m×n] = A[m×k]·B[k×n]: A's packed micro-panels
    /// of one depth block (depth × 6 each: every row of A when it is stored transposed, the
    /// last rows only otherwise), then one block of B's micro-panels (each a row of 2 vectors longer
    /// than its depth; counted for Float's lanes, which bound Double's).
    static func packedScratch(m: Int, k: Int, n: Int, transposedA: Bool) -> (a: Int, b: Int) {
        let blockDepth = packedDepth(k: k), depth = min(k, blockDepth), width = 16
        let panelsOfA = transposedA ? (m + 5) / 6 : 1
        let panelsOfB = min((n + width - 1) / width, packedColumnsPerLane * 8 * packedDepth / blockDepth / width)
        return (6 * depth * panelsOfA, (depth + 1) * width * panelsOfB)
    }

    /// The emitted helpers for `scalar` ("Float" or "Double"): the vector type, 256 bits of it,
    /// then the kernels, the same source for every model.
    static func emit(scalar: String, _ w: inout CodeWriter) {
        w.line("// MARK: Matrix-product kernels")
        w.line("")
        let lanes = scalar == "Double" ? 4 : 8
        w.doc("The SIMD vector of the products: 256 bits of `Scalar`.")
        w.line("typealias Vector = SIMD\(lanes)<Scalar>")
        w.line("")
        w.doc("Scalars per `Vector`, a literal so that every bound computed from it is a constant.")
        w.line("@inline(__always) static var lanes: Int { \(lanes) }")
        for line in kernels.split(separator: "\n", omittingEmptySubsequences: false) { w.line(String(line)) }
        w.line("")
        emitTransposeSquare(lanes: lanes, &w)
        w.line("")
        emitCKernels(scalar: scalar, &w)
    }

    /// The calls into NNGenKernels (the C kernels of the runtime), for a model whose target links
    /// NNGenRuntime; each returns false when it did not compute (no such module, a build that
    /// defines `NNGEN_SWIFT_KERNELS`, a CPU without AVX2 and FMA, a shape outside `narrowRowRule`),
    /// and the Swift kernel runs instead.
    static func emitCKernels(scalar: String, _ w: inout CodeWriter) {
        let (suffix, rule) = scalar == "Double" ? ("f64", narrowRowRule.double) : ("f32", narrowRowRule.float)
        w.doc("c[q] = Σ_l a[l]·b[l·n + q], q < n, by NNGenKernels' `nngen_row_narrow` when it takes the call.")
        w.line("@inline(__always)")
        w.block("static func cRowNarrow(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ c: UnsafeMutablePointer<Scalar>, _ k: Int, _ n: Int) -> Bool {") { w in
            w.line("#if canImport(NNGenKernels) && !NNGEN_SWIFT_KERNELS")
            w.line("guard n <= \(rule.columns) && k >= \(rule.depth) else { return false }")
            w.line("return nngen_row_narrow_\(suffix)(a, b, c, k, n) != 0")
            w.line("#else")
            w.line("return false")
            w.line("#endif")
        }
        w.line("")
        w.doc("`productMicroTile` on a tile of 2 whole vectors' width, A's element (i, l) at `a[i·ai + l·ak]`,",
              "by NNGenKernels' `nngen_packed_tile` when it takes the call.")
        w.line("@inline(__always)")
        w.block("static func cPackedTile(_ a: UnsafePointer<Scalar>, _ ai: Int, _ ak: Int, _ b: UnsafePointer<Scalar>, _ depth: Int, _ c: UnsafeMutablePointer<Scalar>, _ n: Int, _ rows: Int, _ accumulate: Bool) -> Bool {") { w in
            w.line("#if canImport(NNGenKernels) && !NNGEN_SWIFT_KERNELS")
            w.line("return nngen_packed_tile_\(suffix)(a, ai, ak, b, depth, c, n, rows, accumulate ? 1 : 0) != 0")
            w.line("#else")
            w.line("return false")
            w.line("#endif")
        }
    }

    /// When one row of C with n < lanes columns and depth k goes to the C kernel: n at most
    /// `columns` and k at least `depth` (4 vectors of A's row), for Float and for Double.
    /// Measured on whole 4 → k → n relu models at batch 1, k from 16 to 200
    /// (docs/performance/products.md, "The narrow row in C"):
    /// against the inlined Swift kernel, the C kernel is 1.04–1.86× faster (Float, n ≤ 5) and
    /// 1.01–2.66× (Double, n ≤ 3) from 4 vectors of depth; below, its call and reduction cost more
    /// than they save (0.83–0.93× at k = 16 of Float for n from 2 to 5), and for n = 6 or 7 its
    /// n lane permutes per 8 rows save nothing (0.96–1.08×).
    static let narrowRowRule: (float: (columns: Int, depth: Int), double: (columns: Int, depth: Int)) = (
        float: (5, 32), double: (3, 16)
    )

    /// `transposeSquare`: a lanes × lanes square of a matrix transposed in registers, for packing
    /// B stored transposed (the dX products' Wᵀ) a vector at a time instead of an element at a time
    /// (1.1–1.5× on the dX products measured, docs/performance/products.md).
    ///
    /// The method: number the square's elements by the bits of (row, column). Concatenating the
    /// vectors in slots s and s + lanes/2 and splitting the result into its even and odd elements
    /// (two shuffles) moves the lowest column bit into the slot number and the slot's highest bit
    /// into the element number. After log₂(lanes) such rounds over all slots, slot s holds
    /// column bitreverse(s), its elements in the order bitreverse(row). Loading row
    /// bitreverse(s) into slot s at the start undoes the second reversal; storing slot s as row
    /// bitreverse(s) of the result undoes the first.
    static func emitTransposeSquare(lanes: Int, _ w: inout CodeWriter) {
        let bits = lanes.trailingZeroBitCount
        func reversed(_ s: Int) -> Int { (0..<bits).reduce(0) { r, b in r | ((s >> b) & 1) << (bits - 1 - b) } }
        let slots = (0..<lanes).map { "v\($0)" }
        func offset(_ row: Int, _ stride: String) -> String { row == 0 ? "" : row == 1 ? " + \(stride)" : " + \(row) * \(stride)" }
        w.doc("to[t·ts + r] = from[r·fs + t] for r, t in 0..<lanes (see `emitTransposeSquare` in nngen).")
        w.line("@inline(__always)")
        w.block("static func transposeSquare(_ from: UnsafePointer<Scalar>, _ fs: Int, _ to: UnsafeMutablePointer<Scalar>, _ ts: Int) {") { w in
            w.line("// Slot s holds row bitreverse(s) of the square.")
            w.line("var " + (0..<lanes).map { "v\($0) = load(from\(offset(reversed($0), "fs")))" }.joined(separator: ", "))
            w.block("for _ in 0..<\(bits) {") { w in
                let pairs = (0..<lanes / 2).map { "p\($0) = SIMD\(2 * lanes)(lowHalf: v\($0), highHalf: v\($0 + lanes / 2))" }
                w.line("let " + pairs.joined(separator: ", "))
                let halves = (0..<lanes / 2).flatMap { ["p\($0).evenHalf", "p\($0).oddHalf"] }
                w.line("(\(slots.joined(separator: ", "))) = (\(halves.joined(separator: ", ")))")
            }
            w.line((0..<lanes).map { "store(v\($0), to\(offset(reversed($0), "ts")))" }.joined(separator: "; "))
        }
    }

    /// The kernels, written once for every model; they read their vector width from `lanes`.
    private static let kernels = """

        @inline(__always)
        static func load(_ p: UnsafePointer<Scalar>) -> Vector { UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }

        @inline(__always)
        static func store(_ v: Vector, _ p: UnsafeMutablePointer<Scalar>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self) }

        /// c += a·b. A fused multiply-add when the target has one and the build defines
        /// `NNGEN_FMA` (with `-target-cpu native` on an FMA-capable CPU); otherwise a multiply and an
        /// add, because without FMA hardware `addProduct` becomes a library call per lane.
        @inline(__always)
        static func multiplyAdd(_ c: inout Vector, _ a: Vector, _ b: Vector) {
            #if NNGEN_FMA
            c.addProduct(a, b)
            #else
            c += a * b
            #endif
        }

        /// What `productPacked` runs on each block of C as soon as the block's values are final:
        /// `(row, rows, column, columns)`, the block being rows row..<row + rows and columns
        /// column..<column + columns. The planned code passes the elementwise kernel that reads C
        /// (a bias and an activation, a derivative's mask, an L2 term), so that it works on values
        /// still in L1 instead of passing over C again (`ExecutionPlan.epilogues`).
        typealias Epilogue = (_ row: Int, _ rows: Int, _ column: Int, _ columns: Int) -> Void

        /// C[m×n] = A·B where B is stored row-major [k][n] and A's element (i, l) is at
        /// `a[i·ai + l·ak]` (so A may be stored transposed). Tiles of 4 rows × 2 vectors keep 8
        /// accumulators in registers; the k loop runs over rows of B, which are contiguous.
        @inline(__always)
        static func productRows(_ a: UnsafePointer<Scalar>, _ ai: Int, _ ak: Int, _ b: UnsafePointer<Scalar>,
                                _ c: UnsafeMutablePointer<Scalar>, _ m: Int, _ k: Int, _ n: Int) {
            var i = 0
            while i + 6 <= m {
                productRowTile6(a + i * ai, ai, ak, b, c + i * n, k, n)
                i += 6
            }
            if i + 4 <= m {
                productRowTile4(a + i * ai, ai, ak, b, c + i * n, k, n)
                i += 4
            }
            if i + 2 <= m {
                productRowTile2(a + i * ai, ai, ak, b, c + i * n, k, n)
                i += 2
            }
            if i < m { productRowTile1(a + i * ai, ak, b, c + i * n, k, n) }
        }

        /// C = A·B as `productRows`, with k in blocks of 128: for a deep reduction whose A is read
        /// down its columns (`ProductKernels.blocksDepth`), every row tile of one block reads the
        /// block's lines of A from L2 instead of from memory. The blocks after the first go to
        /// `partial` (m·n scalars), then are added to C.
        @inline(__always)
        static func productRowsInDepthBlocks(_ a: UnsafePointer<Scalar>, _ ai: Int, _ ak: Int, _ b: UnsafePointer<Scalar>,
                                             _ c: UnsafeMutablePointer<Scalar>, _ m: Int, _ k: Int, _ n: Int,
                                             _ partial: UnsafeMutablePointer<Scalar>) {
            productRows(a, ai, ak, b, c, m, min(k, 128), n)
            var l0 = 128
            while l0 < k {
                productRows(a + l0 * ak, ai, ak, b + l0 * n, partial, m, min(k - l0, 128), n)
                var i = 0
                while i + lanes <= m * n {
                    store(load(c + i) + load(partial + i), c + i)
                    i += lanes
                }
                while i < m * n {
                    c[i] += partial[i]
                    i += 1
                }
                l0 += 128
            }
        }

        /// Two rows of C = A·B (see `productRows`).
        @inline(__always)
        static func productRowTile2(_ a: UnsafePointer<Scalar>, _ ai: Int, _ ak: Int, _ b: UnsafePointer<Scalar>,
                                    _ c: UnsafeMutablePointer<Scalar>, _ k: Int, _ n: Int) {
            var j = 0
            while j + 4 * lanes <= n {
                var c00 = Vector(), c01 = Vector(), c02 = Vector(), c03 = Vector()
                var c10 = Vector(), c11 = Vector(), c12 = Vector(), c13 = Vector()
                var pa = a, pb = b + j
                for _ in 0..<k {
                    let b0 = load(pb), b1 = load(pb + lanes), b2 = load(pb + 2 * lanes), b3 = load(pb + 3 * lanes)
                    let a0 = Vector(repeating: pa[0]), a1 = Vector(repeating: pa[ai])
                    multiplyAdd(&c00, a0, b0); multiplyAdd(&c01, a0, b1); multiplyAdd(&c02, a0, b2); multiplyAdd(&c03, a0, b3)
                    multiplyAdd(&c10, a1, b0); multiplyAdd(&c11, a1, b1); multiplyAdd(&c12, a1, b2); multiplyAdd(&c13, a1, b3)
                    pa += ak
                    pb += n
                }
                store(c00, c + j); store(c01, c + j + lanes); store(c02, c + j + 2 * lanes); store(c03, c + j + 3 * lanes)
                store(c10, c + n + j); store(c11, c + n + j + lanes); store(c12, c + n + j + 2 * lanes); store(c13, c + n + j + 3 * lanes)
                j += 4 * lanes
            }
            while j < n && n >= lanes {
                // One vector of columns at a time; the last one ends at n, recomputing columns already stored
                // (the same sums in the same order, so the same values) rather than leaving a scalar tail.
                j = min(j, n - lanes)
                var c0 = Vector(), c1 = Vector()
                for l in 0..<k {
                    let b0 = load(b + l * n + j)
                    multiplyAdd(&c0, Vector(repeating: a[l * ak]), b0)
                    multiplyAdd(&c1, Vector(repeating: a[ai + l * ak]), b0)
                }
                store(c0, c + j); store(c1, c + n + j)
                j += lanes
            }
            while j < n {
                var s0: Scalar = 0, s1: Scalar = 0
                for l in 0..<k {
                    let bl = b[l * n + j]
                    s0 += a[l * ak] * bl; s1 += a[ai + l * ak] * bl
                }
                c[j] = s0; c[n + j] = s1
                j += 1
            }
        }

        /// Six rows of C = A·B (see `productRows`): 12 accumulators, two rows of B and six
        /// broadcasts of A per step of k; the columns left over take one vector, then scalars.
        @inline(__always)
        static func productRowTile6(_ a: UnsafePointer<Scalar>, _ ai: Int, _ ak: Int, _ b: UnsafePointer<Scalar>,
                                    _ c: UnsafeMutablePointer<Scalar>, _ k: Int, _ n: Int) {
            var j = 0
            while j + 2 * lanes <= n {
                var c00 = Vector(), c01 = Vector(), c10 = Vector(), c11 = Vector(), c20 = Vector(), c21 = Vector()
                var c30 = Vector(), c31 = Vector(), c40 = Vector(), c41 = Vector(), c50 = Vector(), c51 = Vector()
                var pa = a, pb = b + j
                for _ in 0..<k {
                    let b0 = load(pb), b1 = load(pb + lanes)
                    let a0 = Vector(repeating: pa[0]), a1 = Vector(repeating: pa[ai]), a2 = Vector(repeating: pa[2 * ai])
                    multiplyAdd(&c00, a0, b0); multiplyAdd(&c01, a0, b1)
                    multiplyAdd(&c10, a1, b0); multiplyAdd(&c11, a1, b1)
                    multiplyAdd(&c20, a2, b0); multiplyAdd(&c21, a2, b1)
                    let a3 = Vector(repeating: pa[3 * ai]), a4 = Vector(repeating: pa[4 * ai]), a5 = Vector(repeating: pa[5 * ai])
                    multiplyAdd(&c30, a3, b0); multiplyAdd(&c31, a3, b1)
                    multiplyAdd(&c40, a4, b0); multiplyAdd(&c41, a4, b1)
                    multiplyAdd(&c50, a5, b0); multiplyAdd(&c51, a5, b1)
                    pa += ak
                    pb += n
                }
                store(c00, c + j); store(c01, c + j + lanes)
                store(c10, c + n + j); store(c11, c + n + j + lanes)
                store(c20, c + 2 * n + j); store(c21, c + 2 * n + j + lanes)
                store(c30, c + 3 * n + j); store(c31, c + 3 * n + j + lanes)
                store(c40, c + 4 * n + j); store(c41, c + 4 * n + j + lanes)
                store(c50, c + 5 * n + j); store(c51, c + 5 * n + j + lanes)
                j += 2 * lanes
            }
            while j < n && n >= lanes {
                // One vector of columns at a time; the last one ends at n, recomputing columns already stored
                // (the same sums in the same order, so the same values) rather than leaving a scalar tail.
                j = min(j, n - lanes)
                var c0 = Vector(), c1 = Vector(), c2 = Vector(), c3 = Vector(), c4 = Vector(), c5 = Vector()
                var pa = a, pb = b + j
                for _ in 0..<k {
                    let b0 = load(pb)
                    multiplyAdd(&c0, Vector(repeating: pa[0]), b0); multiplyAdd(&c1, Vector(repeating: pa[ai]), b0)
                    multiplyAdd(&c2, Vector(repeating: pa[2 * ai]), b0); multiplyAdd(&c3, Vector(repeating: pa[3 * ai]), b0)
                    multiplyAdd(&c4, Vector(repeating: pa[4 * ai]), b0); multiplyAdd(&c5, Vector(repeating: pa[5 * ai]), b0)
                    pa += ak
                    pb += n
                }
                store(c0, c + j); store(c1, c + n + j); store(c2, c + 2 * n + j)
                store(c3, c + 3 * n + j); store(c4, c + 4 * n + j); store(c5, c + 5 * n + j)
                j += lanes
            }
            if j < n {
                // Fewer columns than a vector: two rows at a time.
                productRowColumns(a, ai, ak, b, c, k, n, from: j, rows: 6)
            }
        }

        /// Columns `from..<n` of `rows` (an even number) rows of C = A·B.
        @inline(__always)
        static func productRowColumns(_ a: UnsafePointer<Scalar>, _ ai: Int, _ ak: Int, _ b: UnsafePointer<Scalar>,
                                      _ c: UnsafeMutablePointer<Scalar>, _ k: Int, _ n: Int, from start: Int, rows: Int) {
            for r in stride(from: 0, to: rows, by: 2) {
                var j = start
                while j < n {
                    var s0: Scalar = 0, s1: Scalar = 0
                    var pa = a + r * ai, pb = b + j
                    for _ in 0..<k {
                        s0 += pa[0] * pb[0]; s1 += pa[ai] * pb[0]
                        pa += ak
                        pb += n
                    }
                    c[r * n + j] = s0; c[(r + 1) * n + j] = s1
                    j += 1
                }
            }
        }

        /// Four rows of C = A·B (see `productRows`).
        @inline(__always)
        static func productRowTile4(_ a: UnsafePointer<Scalar>, _ ai: Int, _ ak: Int, _ b: UnsafePointer<Scalar>,
                                    _ c: UnsafeMutablePointer<Scalar>, _ k: Int, _ n: Int) {
            var j = 0
            while j + 2 * lanes <= n {
                var c00 = Vector(), c01 = Vector(), c10 = Vector(), c11 = Vector()
                var c20 = Vector(), c21 = Vector(), c30 = Vector(), c31 = Vector()
                // Pointers advance by one row of B and one column of A: no index arithmetic inside.
                var pa = a, pb = b + j
                for _ in 0..<k {
                    let b0 = load(pb), b1 = load(pb + lanes)
                    let a0 = Vector(repeating: pa[0]), a1 = Vector(repeating: pa[ai])
                    let a2 = Vector(repeating: pa[2 * ai]), a3 = Vector(repeating: pa[3 * ai])
                    multiplyAdd(&c00, a0, b0); multiplyAdd(&c01, a0, b1)
                    multiplyAdd(&c10, a1, b0); multiplyAdd(&c11, a1, b1)
                    multiplyAdd(&c20, a2, b0); multiplyAdd(&c21, a2, b1)
                    multiplyAdd(&c30, a3, b0); multiplyAdd(&c31, a3, b1)
                    pa += ak
                    pb += n
                }
                store(c00, c + j); store(c01, c + j + lanes)
                store(c10, c + n + j); store(c11, c + n + j + lanes)
                store(c20, c + 2 * n + j); store(c21, c + 2 * n + j + lanes)
                store(c30, c + 3 * n + j); store(c31, c + 3 * n + j + lanes)
                j += 2 * lanes
            }
            while j < n && n >= lanes {
                // One vector of columns at a time; the last one ends at n, recomputing columns already stored
                // (the same sums in the same order, so the same values) rather than leaving a scalar tail.
                j = min(j, n - lanes)
                var c0 = Vector(), c1 = Vector(), c2 = Vector(), c3 = Vector()
                for l in 0..<k {
                    let b0 = load(b + l * n + j)
                    multiplyAdd(&c0, Vector(repeating: a[l * ak]), b0)
                    multiplyAdd(&c1, Vector(repeating: a[ai + l * ak]), b0)
                    multiplyAdd(&c2, Vector(repeating: a[2 * ai + l * ak]), b0)
                    multiplyAdd(&c3, Vector(repeating: a[3 * ai + l * ak]), b0)
                }
                store(c0, c + j); store(c1, c + n + j); store(c2, c + 2 * n + j); store(c3, c + 3 * n + j)
                j += lanes
            }
            while j < n {
                var s0: Scalar = 0, s1: Scalar = 0, s2: Scalar = 0, s3: Scalar = 0
                for l in 0..<k {
                    let bl = b[l * n + j]
                    s0 += a[l * ak] * bl; s1 += a[ai + l * ak] * bl
                    s2 += a[2 * ai + l * ak] * bl; s3 += a[3 * ai + l * ak] * bl
                }
                c[j] = s0; c[n + j] = s1; c[2 * n + j] = s2; c[3 * n + j] = s3
                j += 1
            }
        }

        /// One row of C = A·B (see `productRows`): by blocks of B's rows when B is past L1 and fits
        /// in L2 with short rows (`productRowBlocked`); B's rows streamed in order when B is past the
        /// streaming size; otherwise C's columns in register accumulators over all of k (4 vectors
        /// at a time, then one). Fewer columns than a vector: see `productRowNarrow`.
        @inline(__always)
        static func productRowTile1(_ a: UnsafePointer<Scalar>, _ ak: Int, _ b: UnsafePointer<Scalar>,
                                    _ c: UnsafeMutablePointer<Scalar>, _ k: Int, _ n: Int) {
            let size = MemoryLayout<Scalar>.size
            if n >= 4 * lanes && n * size <= \(blockedRowMaximumRowBytes)
                && k * n * size > \(blockedRowMinimumBytes) && k * n * size <= \(blockedRowMaximumBytes) {
                productRowBlocked(a, ak, b, c, k, n)
                return
            }
            if k * n >= \(streamedRowMinimum) {
                productRowStreamed(a, ak, b, c, k, n)
                return
            }
            if n < lanes {
                productRowNarrow(a, ak, b, c, k, n)
                return
            }
            var j = 0
            while j + 4 * lanes <= n {
                var c0 = Vector(), c1 = Vector(), c2 = Vector(), c3 = Vector()
                var pa = a, pb = b + j
                for _ in 0..<k {
                    let x = Vector(repeating: pa[0])
                    multiplyAdd(&c0, x, load(pb)); multiplyAdd(&c1, x, load(pb + lanes))
                    multiplyAdd(&c2, x, load(pb + 2 * lanes)); multiplyAdd(&c3, x, load(pb + 3 * lanes))
                    pa += ak
                    pb += n
                }
                store(c0, c + j); store(c1, c + j + lanes); store(c2, c + j + 2 * lanes); store(c3, c + j + 3 * lanes)
                j += 4 * lanes
            }
            while j < n {
                // One vector of columns at a time; the last one ends at n, recomputing columns already stored
                // (the same products summed in another order; the later sum is kept) rather than leaving a scalar tail.
                j = min(j, n - lanes)
                store(columnSums(a, ak, b + j, n, k), c + j)
                j += lanes
            }
        }

        /// One row of C = A·B for a B past L1 that fits in L2, with rows of at most a KiB and at
        /// least 4 vectors wide: B's rows in blocks of 32; in each block, C's columns 8 vectors at a time in
        /// registers over the block's rows (loaded from C after the first block), then 4 vectors
        /// (two chains, even and odd rows), then single vectors (`columnSums`). The columns past
        /// the last whole vector are recomputed at the end as one vector over all of k that ends at
        /// n (as in `productRowTile1`). Against `productRowStreamed`, which loads and stores C's
        /// vector every 8 rows and reads 8 rows of B at once, this reads B with one load per
        /// multiply-add: 1 × 784 × 128 7.0 → 5.1–5.6 µs, 1 × 256 × 256 3.6–3.8 → 3.3 µs; and
        /// against the 4-vector walk over all of k (one chain per vector) 1 × 128 × 64 0.39 →
        /// 0.32 µs. Rows of 2 KiB and more lose to the streamed walk (4K aliasing of the panel's
        /// rows: 1 × 128 × 512 3.4 → 4.2 µs), and so does a B past L2 (1 × 2,048 × 100 15.4 →
        /// 18.1 µs); both keep it (docs/performance/products.md, "One row of C, third round").
        @inline(never)
        static func productRowBlocked(_ a: UnsafePointer<Scalar>, _ ak: Int, _ b: UnsafePointer<Scalar>,
                                      _ c: UnsafeMutablePointer<Scalar>, _ k: Int, _ n: Int) {
            let whole = n - n % lanes
            var l0 = 0
            while l0 < k {
                let rows = min(32, k - l0), first = l0 == 0
                let pa = a + l0 * ak, pb = b + l0 * n
                // C's vector at column j so far: zero in the first block.
                func start(_ j: Int) -> Vector { first ? Vector() : load(c + j) }
                var j = 0
                while j + 8 * lanes <= whole {
                    var c0 = start(j), c1 = start(j + lanes), c2 = start(j + 2 * lanes), c3 = start(j + 3 * lanes)
                    var c4 = start(j + 4 * lanes), c5 = start(j + 5 * lanes), c6 = start(j + 6 * lanes), c7 = start(j + 7 * lanes)
                    var r = pb + j
                    for l in 0..<rows {
                        let x = Vector(repeating: pa[l * ak])
                        multiplyAdd(&c0, x, load(r)); multiplyAdd(&c1, x, load(r + lanes))
                        multiplyAdd(&c2, x, load(r + 2 * lanes)); multiplyAdd(&c3, x, load(r + 3 * lanes))
                        multiplyAdd(&c4, x, load(r + 4 * lanes)); multiplyAdd(&c5, x, load(r + 5 * lanes))
                        multiplyAdd(&c6, x, load(r + 6 * lanes)); multiplyAdd(&c7, x, load(r + 7 * lanes))
                        r += n
                    }
                    store(c0, c + j); store(c1, c + j + lanes); store(c2, c + j + 2 * lanes); store(c3, c + j + 3 * lanes)
                    store(c4, c + j + 4 * lanes); store(c5, c + j + 5 * lanes); store(c6, c + j + 6 * lanes); store(c7, c + j + 7 * lanes)
                    j += 8 * lanes
                }
                if j + 4 * lanes <= whole {
                    var c0 = start(j), c1 = start(j + lanes), c2 = start(j + 2 * lanes), c3 = start(j + 3 * lanes)
                    var d0 = Vector(), d1 = Vector(), d2 = Vector(), d3 = Vector()
                    var r = pb + j, l = 0
                    while l + 2 <= rows {
                        let x = Vector(repeating: pa[l * ak]), y = Vector(repeating: pa[(l + 1) * ak])
                        multiplyAdd(&c0, x, load(r)); multiplyAdd(&c1, x, load(r + lanes))
                        multiplyAdd(&c2, x, load(r + 2 * lanes)); multiplyAdd(&c3, x, load(r + 3 * lanes))
                        multiplyAdd(&d0, y, load(r + n)); multiplyAdd(&d1, y, load(r + n + lanes))
                        multiplyAdd(&d2, y, load(r + n + 2 * lanes)); multiplyAdd(&d3, y, load(r + n + 3 * lanes))
                        r += 2 * n
                        l += 2
                    }
                    if l < rows {
                        let x = Vector(repeating: pa[l * ak])
                        multiplyAdd(&c0, x, load(r)); multiplyAdd(&c1, x, load(r + lanes))
                        multiplyAdd(&c2, x, load(r + 2 * lanes)); multiplyAdd(&c3, x, load(r + 3 * lanes))
                    }
                    store(c0 + d0, c + j); store(c1 + d1, c + j + lanes); store(c2 + d2, c + j + 2 * lanes); store(c3 + d3, c + j + 3 * lanes)
                    j += 4 * lanes
                }
                while j < whole {
                    store(start(j) + columnSums(pa, ak, pb + j, n, rows), c + j)
                    j += lanes
                }
                l0 += rows
            }
            if whole < n { store(columnSums(a, ak, b + n - lanes, n, k), c + n - lanes) }
        }

        /// Σ_l a[l·ak]·row_l for the vectors row_l = b[l·n ..< l·n + lanes], l < `steps`: eight
        /// accumulators (steps l mod 8), so that eight multiply-adds are in flight rather than one
        /// chain of k (a 1 × 256 × 10 product took 0.62 µs as one chain).
        @inline(__always)
        static func columnSums(_ a: UnsafePointer<Scalar>, _ ak: Int, _ b: UnsafePointer<Scalar>, _ n: Int, _ steps: Int) -> Vector {
            var s0 = Vector(), s1 = Vector(), s2 = Vector(), s3 = Vector(), s4 = Vector(), s5 = Vector(), s6 = Vector(), s7 = Vector()
            var l = 0
            while l + 8 <= steps {
                let x = a + l * ak, r = b + l * n
                multiplyAdd(&s0, Vector(repeating: x[0]), load(r)); multiplyAdd(&s1, Vector(repeating: x[ak]), load(r + n))
                multiplyAdd(&s2, Vector(repeating: x[2 * ak]), load(r + 2 * n)); multiplyAdd(&s3, Vector(repeating: x[3 * ak]), load(r + 3 * n))
                multiplyAdd(&s4, Vector(repeating: x[4 * ak]), load(r + 4 * n)); multiplyAdd(&s5, Vector(repeating: x[5 * ak]), load(r + 5 * n))
                multiplyAdd(&s6, Vector(repeating: x[6 * ak]), load(r + 6 * n)); multiplyAdd(&s7, Vector(repeating: x[7 * ak]), load(r + 7 * n))
                l += 8
            }
            while l < steps {
                multiplyAdd(&s0, Vector(repeating: a[l * ak]), load(b + l * n))
                l += 1
            }
            return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
        }

        /// One row of C = A·B with n < lanes columns (a few classes' scores at batch 1). With A's
        /// row contiguous, NNGenKernels' C kernel computes it when linked and `narrowRowRule` holds
        /// (n loads, lane permutes and multiply-adds per 8 rows of B; the 2 → 100 → 3 model at
        /// batch 1 took 53–58 ns with it, 70–76 without). Otherwise, the vector loaded at B's row
        /// l holds that row's n elements in its first lanes, and the next rows' elements after
        /// them, which are multiplied too and ignored. So each step of k is one load and one
        /// multiply-add, with no transposed copy of B. The last rows, whose vector would pass B's
        /// end, are summed one element at a time.
        @inline(__always)
        static func productRowNarrow(_ a: UnsafePointer<Scalar>, _ ak: Int, _ b: UnsafePointer<Scalar>,
                                     _ c: UnsafeMutablePointer<Scalar>, _ k: Int, _ n: Int) {
            if ak == 1 && cRowNarrow(a, b, c, k, n) { return }
            // Rows l < whole have l·n + lanes ≤ k·n.
            let whole = k * n >= lanes ? (k * n - lanes) / n + 1 : 0
            let sums = columnSums(a, ak, b, n, whole)
            for q in 0..<n {
                var s = sums[q]
                for l in whole..<k { s += a[l * ak] * b[l * n + q] }
                c[q] = s
            }
        }

        /// One row of C = A·B for a B past the streaming size: B's rows are read once, in order,
        /// eight at a time, each added (times its element of A) into C's row, which stays in L1;
        /// two partial sums per vector of C halve the chain of multiply-adds. The column-panel walk
        /// of `productRowTile1` steps n elements at a time through B, which for a B past L2 misses
        /// the cache and the TLB at every step (a layer of 1,024 × 2,048 at batch 1 took 1.2 ms that
        /// way, against numpy's 0.2). Eight rows rather than four load and store C half as often:
        /// 1 × 784 × 128 7.3–7.7 → 6.1–6.6 µs, 1 × 2,048 × 100 20 → 17 µs, 1 × 1,024 × 2,048 the same.
        @inline(never)
        static func productRowStreamed(_ a: UnsafePointer<Scalar>, _ ak: Int, _ b: UnsafePointer<Scalar>,
                                       _ c: UnsafeMutablePointer<Scalar>, _ k: Int, _ n: Int) {
            for j in 0..<n { c[j] = 0 }
            var l = 0
            while l < k {
                let rows = min(8, k - l)
                // Rows past k repeat the last one with a zero factor.
                func row(_ q: Int) -> (Scalar, UnsafePointer<Scalar>) {
                    q < rows ? (a[(l + q) * ak], b + (l + q) * n) : (0, b + (l + rows - 1) * n)
                }
                let (x0, b0) = row(0), (x1, b1) = row(1), (x2, b2) = row(2), (x3, b3) = row(3)
                let (x4, b4) = row(4), (x5, b5) = row(5), (x6, b6) = row(6), (x7, b7) = row(7)
                let v0 = Vector(repeating: x0), v1 = Vector(repeating: x1), v2 = Vector(repeating: x2), v3 = Vector(repeating: x3)
                let v4 = Vector(repeating: x4), v5 = Vector(repeating: x5), v6 = Vector(repeating: x6), v7 = Vector(repeating: x7)
                var j = 0
                while j + lanes <= n {
                    var even = load(c + j), odd = Vector()
                    multiplyAdd(&even, v0, load(b0 + j)); multiplyAdd(&odd, v1, load(b1 + j))
                    multiplyAdd(&even, v2, load(b2 + j)); multiplyAdd(&odd, v3, load(b3 + j))
                    multiplyAdd(&even, v4, load(b4 + j)); multiplyAdd(&odd, v5, load(b5 + j))
                    multiplyAdd(&even, v6, load(b6 + j)); multiplyAdd(&odd, v7, load(b7 + j))
                    store(even + odd, c + j)
                    j += lanes
                }
                while j < n {
                    let even = x0 * b0[j] + x2 * b2[j] + x4 * b4[j] + x6 * b6[j]
                    let odd = x1 * b1[j] + x3 * b3[j] + x5 * b5[j] + x7 * b7[j]
                    c[j] += even + odd
                    j += 1
                }
                l += rows
            }
        }

        /// C[m×n] with C[i, j] = Σ_l A[i, l]·B[j, l]: A stored [m][k], B stored [n][k], both rows
        /// contiguous; vectors run along k, then each sum is reduced across lanes. Tiles of 2 rows ×
        /// 2 columns give 4 independent accumulator chains.
        @inline(__always)
        static func productDots(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ c: UnsafeMutablePointer<Scalar>,
                                _ m: Int, _ k: Int, _ n: Int) {
            var i = 0
            while i + 2 <= m {
                var j = 0
                while j + 2 <= n {
                    productDotTile(a + i * k, a + (i + 1) * k, b + j * k, b + (j + 1) * k, c + i * n + j, c + (i + 1) * n + j, 1, k)
                    j += 2
                }
                if j < n { productDotTile(a + i * k, a + (i + 1) * k, b + j * k, b + j * k, c + i * n + j, c + (i + 1) * n + j, 0, k) }
                i += 2
            }
            if i < m {
                var j = 0
                while j + 2 <= n {
                    productDotTile(a + i * k, a + i * k, b + j * k, b + (j + 1) * k, c + i * n + j, c + i * n + j, 1, k)
                    j += 2
                }
                if j < n { productDotTile(a + i * k, a + i * k, b + j * k, b + j * k, c + i * n + j, c + i * n + j, 0, k) }
            }
        }

        /// The four dot products of rows a0, a1 with rows b0, b1 (length k), written to
        /// c0[0], c0[next], c1[0], c1[next]. Duplicated rows serve the edges of C: their results
        /// land on the same element, with the same value.
        @inline(__always)
        static func productDotTile(_ a0: UnsafePointer<Scalar>, _ a1: UnsafePointer<Scalar>, _ b0: UnsafePointer<Scalar>,
                                   _ b1: UnsafePointer<Scalar>, _ c0: UnsafeMutablePointer<Scalar>, _ c1: UnsafeMutablePointer<Scalar>,
                                   _ next: Int, _ k: Int) {
            var s00 = Vector(), s01 = Vector(), s10 = Vector(), s11 = Vector()
            var l = 0
            while l + lanes <= k {
                let x0 = load(a0 + l), x1 = load(a1 + l), y0 = load(b0 + l), y1 = load(b1 + l)
                multiplyAdd(&s00, x0, y0); multiplyAdd(&s01, x0, y1)
                multiplyAdd(&s10, x1, y0); multiplyAdd(&s11, x1, y1)
                l += lanes
            }
            var t00 = s00.sum(), t01 = s01.sum(), t10 = s10.sum(), t11 = s11.sum()
            while l < k {
                t00 += a0[l] * b0[l]; t01 += a0[l] * b1[l]
                t10 += a1[l] * b0[l]; t11 += a1[l] * b1[l]
                l += 1
            }
            c1[0] = t10; c1[next] = t11
            c0[0] = t00; c0[next] = t01
        }

        /// C[m×n] = A·B, blocked for the caches over packed copies of the operands (the BLIS
        /// structure): for each block of 256 steps of k and 32 vectors' width of columns (512 and
        /// 16 when k ≥ 1,024), B's block is packed into micro-panels of 2 vectors' width
        /// ([depth][2·lanes], the columns past n zero), which stay in L2; then for each 6 rows of A,
        /// the micro-kernel runs along each micro-panel: 6 broadcasts and 2 loads per step of k feed
        /// 12 accumulators, in NNGenKernels' C for whole tiles when it takes them. A's rows
        /// are read in place when contiguous along k; stored transposed, they are packed once per
        /// depth block into micro-panels of 6 rows ([depth][6] each), and so are the last rows
        /// when fewer than 6 (the rows past m zero). A's element (i, l) is `a[i·ai + l·ak]` and
        /// B's element (l, j) is `b[l·bk + j·bj]`, so either may be stored transposed. `packA`
        /// and `packB` are scratch (see `packedScratch`). `epilogue(row, rows, column, columns)` runs
        /// on each block of C as soon as it is final (see `Epilogue`): 6 rows × one block of columns,
        /// in the last depth block, while that block is still in L1.
        @inline(never)
        static func productPacked(_ a: UnsafePointer<Scalar>, _ ai: Int, _ ak: Int, _ b: UnsafePointer<Scalar>, _ bk: Int, _ bj: Int,
                                  _ c: UnsafeMutablePointer<Scalar>, _ m: Int, _ k: Int, _ n: Int,
                                  _ packA: UnsafeMutablePointer<Scalar>, _ packB: UnsafeMutablePointer<Scalar>,
                                  _ epilogue: Epilogue = { _, _, _, _ in }) {
            let width = 2 * lanes, depthLimit = k >= \(packedDeepFrom) ? \(2 * packedDepth) : \(packedDepth)
            let columnLimit = \(packedColumnsPerLane) * lanes * \(packedDepth) / depthLimit
            let inPlace = ak == 1
            var p = 0
            while p < k {
                let depth = min(depthLimit, k - p)
                // A's micro-panels, once per depth block: every 6 rows when A is stored transposed
                // (panel r / 6 at packA + r·depth), only the last rows when fewer than 6 otherwise
                // (at packA). Packing contiguous rows too, the BLIS way, cost about 10% of mnist's
                // first product (64 × 784 × 128), where only 8 micro-panels of B reuse each panel.
                var r = inPlace ? m - m % 6 : 0
                while r < m {
                    packPanelOfA(a + r * ai + p * ak, ai, ak, inPlace ? packA : packA + r * depth, min(6, m - r), depth)
                    r += 6
                }
                var j0 = 0
                while j0 < n {
                    let block = min(columnLimit, n - j0)
                    packBlockOfB(b + p * bk + j0 * bj, bk, bj, packB, block, depth)
                    r = 0
                    while r < m {
                        let count = min(6, m - r)
                        var j = 0
                        if inPlace && count == 6 {  // 6 rows of A in place, each through its own pointer
                            let r0 = a + r * ai + p, r1 = r0 + ai, r2 = r1 + ai, r3 = r2 + ai, r4 = r3 + ai, r5 = r4 + ai
                            while j < block {
                                let panelOfB = packB + (j / width) * (depth + 1) * width, tile = c + r * n + j0 + j
                                let columns = min(width, block - j)
                                if columns < width || !cPackedTile(r0, ai, 1, panelOfB, depth, tile, n, count, p > 0) {
                                    productMicroTile(panelOfB, depth, tile, n, count, columns, p > 0) { l in
                                        (r0[l], r1[l], r2[l], r3[l], r4[l], r5[l])
                                    }
                                }
                                j += width
                            }
                        } else {  // a packed micro-panel: A's 6 elements of step l are contiguous
                            let panel = UnsafePointer(inPlace ? packA : packA + r * depth)
                            while j < block {
                                let panelOfB = packB + (j / width) * (depth + 1) * width, tile = c + r * n + j0 + j
                                let columns = min(width, block - j)
                                if columns < width || !cPackedTile(panel, 1, 6, panelOfB, depth, tile, n, count, p > 0) {
                                    productMicroTile(panelOfB, depth, tile, n, count, columns, p > 0) { l in
                                        let step = panel + 6 * l
                                        return (step[0], step[1], step[2], step[3], step[4], step[5])
                                    }
                                }
                                j += width
                            }
                        }
                        if p + depth == k { epilogue(r, count, j0, block) }
                        r += 6
                    }
                    j0 += block
                }
                p += depth
            }
        }

        /// Packs `block` columns of B (element (l, j) at `b[l·bk + j·bj]`, `depth` rows) into
        /// micro-panels of 2 vectors' width: panel q, [depth][2·lanes] at packB + q·(depth + 1)·2·lanes,
        /// holds columns q·2·lanes ..< (q + 1)·2·lanes, the columns past `block` zero.
        /// - B row-major: each row's whole block is read at once, contiguously, into every panel.
        ///   Read panel by panel, each row's 2 vectors were a new page of B for every step, and the
        ///   copy waited on L3 (about 17% of 256 × 1,024 × 1,024's forward product). The panels are
        ///   a row of 2 vectors apart more than their size, so that the 16 rows being written are
        ///   not all 16 KiB apart, in the same few sets of L1.
        /// - B stored transposed: lanes × lanes squares transposed in registers.
        @inline(__always)
        static func packBlockOfB(_ b: UnsafePointer<Scalar>, _ bk: Int, _ bj: Int, _ packB: UnsafeMutablePointer<Scalar>,
                                 _ block: Int, _ depth: Int) {
            let width = 2 * lanes, panelStride = (depth + 1) * width
            let whole = block / width
            var j = 0  // the columns packed so far
            if bj == 1 {
                for l in 0..<depth {
                    let row = b + l * bk
                    var to = packB + l * width
                    for q in 0..<whole {
                        store(load(row + q * width), to); store(load(row + q * width + lanes), to + lanes)
                        to += panelStride
                    }
                }
                j = whole * width
            } else if bk == 1 && depth % lanes == 0 {
                for q in 0..<whole {
                    let panel = packB + q * panelStride
                    var l = 0
                    while l < depth {
                        transposeSquare(b + q * width * bj + l, bj, panel + l * width, width)
                        transposeSquare(b + (q * width + lanes) * bj + l, bj, panel + l * width + lanes, width)
                        l += lanes
                    }
                }
                j = whole * width
            }
            // The last columns (and all of a transposed B whose depth is not a whole number of
            // vectors): one column at a time.
            while j < block {
                let panel = packB + (j / width) * panelStride, columns = min(width, block - j)
                for q in 0..<width {
                    if q < columns {
                        let column = b + (j + q) * bj
                        for l in 0..<depth { panel[l * width + q] = column[l * bk] }
                    } else {
                        for l in 0..<depth { panel[l * width + q] = 0 }
                    }
                }
                j += width
            }
        }

        /// Packs `count` ≤ 6 rows of A (element (q, l) at `a[q·ai + l·ak]`) into a micro-panel of
        /// 6 rows of `depth` ([depth][6]: the 6 elements of each step l together), the rows past
        /// `count` zero.
        @inline(__always)
        static func packPanelOfA(_ a: UnsafePointer<Scalar>, _ ai: Int, _ ak: Int, _ panel: UnsafeMutablePointer<Scalar>,
                                 _ count: Int, _ depth: Int) {
            if count == 6 && ai == 1 {  // A stored transposed: a straight copy of 6 elements per step
                for l in 0..<depth {
                    let from = a + l * ak, to = panel + 6 * l
                    to[0] = from[0]; to[1] = from[1]; to[2] = from[2]; to[3] = from[3]; to[4] = from[4]; to[5] = from[5]
                }
                return
            }
            for l in 0..<depth {
                for q in 0..<6 { panel[6 * l + q] = q < count ? a[q * ai + l * ak] : 0 }
            }
        }

        /// The micro-kernel of `productPacked`: a 6 × (2 vectors) tile of C from 6 rows of A
        /// (`elementsOfA(l)`: their elements at step l, from a packed micro-panel or the rows in
        /// place) and a packed micro-panel of B ([depth][2·lanes]); stores `rows` × `columns` of
        /// it, added to C's values when `accumulate` (the depth blocks after the first).
        /// `elementsOfA` is inlined, so each caller's addressing is its own: the rows in place
        /// through 6 pointers indexed by l, a packed panel through one pointer. One pointer
        /// advanced along k with the rows at multiples of a runtime stride cost 15–40% on large
        /// products: its address arithmetic (about 10 integer instructions per 12 FMAs) crowded
        /// the decoder.
        @inline(__always)
        static func productMicroTile(_ pb: UnsafePointer<Scalar>, _ depth: Int, _ c: UnsafeMutablePointer<Scalar>, _ n: Int,
                                     _ rows: Int, _ columns: Int, _ accumulate: Bool,
                                     _ elementsOfA: (Int) -> (Scalar, Scalar, Scalar, Scalar, Scalar, Scalar)) {
            var c00 = Vector(), c01 = Vector(), c10 = Vector(), c11 = Vector(), c20 = Vector(), c21 = Vector()
            var c30 = Vector(), c31 = Vector(), c40 = Vector(), c41 = Vector(), c50 = Vector(), c51 = Vector()
            var b = pb
            for l in 0..<depth {
                let b0 = load(b), b1 = load(b + lanes)
                let (e0, e1, e2, e3, e4, e5) = elementsOfA(l)
                let a0 = Vector(repeating: e0), a1 = Vector(repeating: e1), a2 = Vector(repeating: e2)
                multiplyAdd(&c00, a0, b0); multiplyAdd(&c01, a0, b1)
                multiplyAdd(&c10, a1, b0); multiplyAdd(&c11, a1, b1)
                multiplyAdd(&c20, a2, b0); multiplyAdd(&c21, a2, b1)
                let a3 = Vector(repeating: e3), a4 = Vector(repeating: e4), a5 = Vector(repeating: e5)
                multiplyAdd(&c30, a3, b0); multiplyAdd(&c31, a3, b1)
                multiplyAdd(&c40, a4, b0); multiplyAdd(&c41, a4, b1)
                multiplyAdd(&c50, a5, b0); multiplyAdd(&c51, a5, b1)
                b += 2 * lanes
            }
            storeTileRow(c00, c01, c, columns, accumulate)
            if rows > 1 { storeTileRow(c10, c11, c + n, columns, accumulate) }
            if rows > 2 { storeTileRow(c20, c21, c + 2 * n, columns, accumulate) }
            if rows > 3 { storeTileRow(c30, c31, c + 3 * n, columns, accumulate) }
            if rows > 4 { storeTileRow(c40, c41, c + 4 * n, columns, accumulate) }
            if rows > 5 { storeTileRow(c50, c51, c + 5 * n, columns, accumulate) }
        }

        /// The first `columns` of a tile row (two vectors) into C, or added to C's values.
        @inline(__always)
        static func storeTileRow(_ v0: Vector, _ v1: Vector, _ c: UnsafeMutablePointer<Scalar>, _ columns: Int, _ accumulate: Bool) {
            if columns == 2 * lanes {
                if accumulate {
                    store(load(c) + v0, c); store(load(c + lanes) + v1, c + lanes)
                } else {
                    store(v0, c); store(v1, c + lanes)
                }
                return
            }
            for q in 0..<columns {
                let value = q < lanes ? v0[q] : v1[q - lanes]
                c[q] = accumulate ? c[q] + value : value
            }
        }

        /// y[c] = Σ_r x[r, c] for x stored [rows][cols]: the bias gradient, vectors across columns.
        /// Rows narrower than a vector (up to 7 columns) go by blocks of `lanes` rows, which are
        /// `cols` whole vectors whose element e is column e mod cols: a convolution's bias over
        /// every position, where a loop per column would read the whole matrix once per column.
        @inline(__always)
        static func sumRows(_ x: UnsafePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>, _ rows: Int, _ cols: Int) {
            if cols < lanes && cols <= 7 && rows >= lanes {
                var a = (Vector(), Vector(), Vector(), Vector(), Vector(), Vector(), Vector())
                let block = cols * lanes, blocks = rows / lanes
                for b in 0..<blocks {
                    let p = x + b * block
                    a.0 += load(p)
                    if cols > 1 { a.1 += load(p + lanes) }
                    if cols > 2 { a.2 += load(p + 2 * lanes) }
                    if cols > 3 { a.3 += load(p + 3 * lanes) }
                    if cols > 4 { a.4 += load(p + 4 * lanes) }
                    if cols > 5 { a.5 += load(p + 5 * lanes) }
                    if cols > 6 { a.6 += load(p + 6 * lanes) }
                }
                for c in 0..<cols { y[c] = 0 }
                withUnsafeBytes(of: &a) { raw in
                    let sums = raw.baseAddress!.assumingMemoryBound(to: Scalar.self)
                    for e in 0..<block { y[e % cols] += sums[e] }
                }
                for r in blocks * lanes..<rows {
                    for c in 0..<cols { y[c] += x[r * cols + c] }
                }
                return
            }
            var c = 0
            while c + 2 * lanes <= cols {
                var s0 = Vector(), s1 = Vector()
                for r in 0..<rows {
                    s0 += load(x + r * cols + c)
                    s1 += load(x + r * cols + c + lanes)
                }
                store(s0, y + c); store(s1, y + c + lanes)
                c += 2 * lanes
            }
            while c + lanes <= cols {
                var s0 = Vector()
                for r in 0..<rows { s0 += load(x + r * cols + c) }
                store(s0, y + c)
                c += lanes
            }
            while c < cols {
                var s: Scalar = 0
                for r in 0..<rows { s += x[r * cols + c] }
                y[c] = s
                c += 1
            }
        }

        /// y[cols×rows] = x[rows×cols]ᵀ.
        @inline(__always)
        static func transposeCopy(_ x: UnsafePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>, _ rows: Int, _ cols: Int) {
            for r in 0..<rows {
                for c in 0..<cols { y[c * rows + r] = x[r * cols + c] }
            }
        }
        """
}
