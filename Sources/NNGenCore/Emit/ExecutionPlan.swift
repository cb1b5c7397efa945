/// Decisions made before emitting: which values live where, which elementwise ops are fused
/// into their consumer's loop, and which ops are unrolled.
struct ExecutionPlan {
    /// Where a value's elements are read from in emitted code.
    enum Location: Equatable {
        /// A pointer parameter of the emitted function (`x`, `y`, `t`) or a `let` pointer into `p`, `g`, `s`.
        case pointer(base: String, offset: Int)
        /// A literal.
        case literal(String)
        /// Fused: computed inside the consumer's loop body (or a rewrite's kernel), never stored.
        case fused
    }

    let graph: Graph
    /// Every op the training (or inference) entry points need, in graph order.
    let liveOps: [Int]
    /// Location of every value (indexed by value id).
    private(set) var locations: [Location]
    /// Scratch elements needed.
    private(set) var scratchCount = 0

    /// Every array in the scratch starts at a multiple of this many elements: 64 bytes of Float
    /// (a cache line), 128 of Double. The API aligns the scratch's start to 64 bytes
    /// (`scratch(_:)` in the emitted code), so a vector of 8 Float or 4 Double at an array's
    /// start never straddles two cache lines, whatever the workspace array's own address: with
    /// the scratch 48 bytes past a line, as a Swift array's elements usually are, a 256 × 1,024 ×
    /// 1,024 product with its bias took 1.7% longer (docs/performance/products.md).
    static let scratchAlignment = 16

    /// `offset` rounded up to `scratchAlignment`.
    static func aligned(_ offset: Int) -> Int { (offset + scratchAlignment - 1) / scratchAlignment * scratchAlignment }

    /// Reserves `count` elements of scratch at the next aligned offset, and returns it.
    private mutating func allocate(_ count: Int) -> Int {
        let offset = Self.aligned(scratchCount)
        scratchCount = offset + count
        return offset
    }
    /// Which ops are unrolled.
    let unroll: UnrollPolicy

    /// How one matrix product runs, and the scratch its operand copies use.
    struct Product {
        var form: ProductKernels.Form
        /// Scratch offsets of the transposed copies of A, of B, and of the transposed result; for
        /// the packed form, of A's and B's packed blocks.
        var copyA: Int? = nil, copyB: Int? = nil, transposedOutput: Int? = nil
        /// Scratch offset of the partial products of `productRowsInDepthBlocks` (`ProductKernels.blocksDepth`).
        var depthBlocks: Int? = nil
    }
    /// The plan of every matrix product that is not unrolled, by the value it computes.
    private(set) var products: [ValueID: Product] = [:]
    /// The scratch of every helper that needs some (`DirectConvolution`), by the value it computes.
    private(set) var helperScratch: [ValueID: Int] = [:]

    /// The elementwise op computed in a product's epilogue, by the value the product computes (see
    /// `planEpilogues`).
    private(set) var epilogues: [ValueID: Int] = [:]

    /// The product results stored where their epilogue's kernel writes, by the value whose storage
    /// they share (see `planEpilogues`).
    private(set) var storageOwners: [ValueID: ValueID] = [:]

    /// Plans `graph` for computing `targets`; `gradientSlots` maps adjoint values to offsets in `g`.
    /// exp, sigmoid, tanh, eˣ − 1 and ln(1 + x) in loops run through `FastMath`'s functions
    /// (networks, Float and Double), which vectorize, instead of libm's.
    let fastMath: Bool

    /// False: no elementwise op is fused into its consumer, and no loss shares a pass with its gradient.
    let fusion: Bool
    /// Bytes of the model's scalar (4 for Float, 8 for Double), for the rules that count cache sizes.
    let scalarBytes: Int

    /// `unstored` values are computed and read only inside a rewrite's kernel (see
    /// `FusedHiddenLayer.internalValues`): they get no storage.
    init(graph: Graph, targets: [ValueID], gradientSlots: [ValueID: Int], unrollLimit: Int, fastMath: Bool = false, fusion: Bool = true,
         unstored: Set<ValueID> = [], scalarBytes: Int) {
        self.graph = graph
        self.scalarBytes = scalarBytes
        self.unroll = UnrollPolicy(limit: unrollLimit)
        self.fastMath = fastMath
        self.fusion = fusion
        liveOps = graph.opsNeeded(for: targets)
        var consumers = [[Int]](repeating: [], count: graph.values.count)
        for i in liveOps { for input in Set(graph.ops[i].inputs) { consumers[input.index].append(i) } }
        let targetSet = Set(targets)
        locations = graph.values.map { v in
            switch v.role {
            case .input: return .pointer(base: "x", offset: 0)
            case .labels: return .pointer(base: "y", offset: 0)
            case .targets: return .pointer(base: "t", offset: 0)
            case .parameter(let offset): return .pointer(base: "p", offset: offset)
            case .dropoutMask(let offset): return .pointer(base: "m", offset: offset)
            case .constant(let c): return .literal(SwiftLiteral.real(c))
            case .computed: return .fused  // placed below
            case .variable: preconditionFailure("graph specs are emitted by GraphEmitter, not planned here")
            }
        }
        // Which values are stored first (the epilogues depend on it), then the scratch, in graph
        // order, for every stored value that does not share its kernel's storage.
        let unallocated = Location.pointer(base: "s", offset: -1)
        for i in liveOps {
            let op = graph.ops[i], out = op.output
            if let slot = gradientSlots[out] {
                locations[out.index] = .pointer(base: "g", offset: slot)
            } else if unstored.contains(out) || (!targetSet.contains(out) && canFuse(op, into: consumers[out.index])) {
                locations[out.index] = .fused
            } else {
                locations[out.index] = unallocated
            }
        }
        if fusion { planEpilogues(consumers: consumers, unstored: unstored, targets: targetSet) }
        for i in liveOps {
            let op = graph.ops[i], out = op.output
            if location(out) == unallocated, storageOwners[out] == nil {
                locations[out.index] = .pointer(base: "s", offset: allocate(graph[out].shape.count))
            }
            if case .matmul(let s) = op.kind, !isUnrolled(op), !unstored.contains(out) {
                products[out] = planProduct(s)
            }
            switch op.kind {
            case .convolution(let c): helperScratch[out] = allocate(c.forwardScratch)
            case .convolutionFilterGradient(let c): helperScratch[out] = allocate(c.gradientScratch)
            default: break
            }
        }
        for (c, owner) in storageOwners { locations[c.index] = location(owner) }
    }

    /// The rewrite "product epilogue": an elementwise kernel that reads a product's result C is
    /// computed inside the product, on each block of C as soon as the block is final (6 rows by
    /// up to 256 columns), while the block is in L1, instead of in a pass of its own over all of
    /// C. Forward, that is the bias and the activation; backward, the activation's derivative on
    /// dX, or an L2 term added to dW. It applies to every product and every kernel that fit:
    /// - the product is packed (`productPacked`), or a direct convolution (`DirectConvolution`,
    ///   whose blocks are an image's positions). The register-tiled forms, whose C is at most a
    ///   few hundred KiB, measured 0.94–1.0× with the kernel in their row-tile loop
    ///   (docs/performance/products.md, "Product epilogues"), so their kernels keep their pass;
    /// - C is read by one op only, whose chain of fused consumers ends in a stored elementwise
    ///   op E of C's shape (the kernel: E with its fused producers), not unrolled;
    /// - every other value the kernel reads has C's shape (read at the same element), is a row of
    ///   C's width (a bias, read at the column) or a scalar, and is computed before the product.
    ///
    /// C is then stored where the kernel writes E (`storageOwners`), unless C is a target or a
    /// gradient: the product writes its blocks there and the epilogue overwrites each element
    /// with E's, which only that element of C gives. C needs no scratch of its own, and the
    /// epilogue writes to lines the product has just written, in L1, instead of to a second array
    /// (training steps of the sweep 1.01–1.03×; docs/performance/products.md, "C in its kernel's
    /// storage").
    private mutating func planEpilogues(consumers: [[Int]], unstored: Set<ValueID>, targets: Set<ValueID>) {
        let producers = graph.producers
        for i in liveOps {
            let op = graph.ops[i], c = op.output
            let columns: Int
            switch op.kind {
            case .matmul(let s) where !isUnrolled(op) && ProductKernels.usesPacking(m: s.m, k: s.k, n: s.n, transposedA: s.transposeA, scalarBytes: scalarBytes): columns = s.n
            case .convolution(let convolution): columns = convolution.filters
            default: continue
            }
            guard !unstored.contains(c), consumers[c.index].count == 1 else { continue }
            // Up the chain of fused consumers to the stored op that ends it.
            var root = consumers[c.index][0]
            while location(graph.ops[root].output) == .fused, consumers[graph.ops[root].output.index].count == 1 {
                root = consumers[graph.ops[root].output.index][0]
            }
            let kernelOp = graph.ops[root], shape = graph[c].shape
            guard kernelOp.kind.isElementwise, location(kernelOp.output) != .fused, !unstored.contains(kernelOp.output),
                  graph[kernelOp.output].shape == shape, !isUnrolled(kernelOp) else { continue }
            // The values the kernel reads: through its fused producers (elementwise, by `canFuse`)
            // down to stored values, literals and C.
            var leaves: [ValueID] = [], stack = kernelOp.inputs
            while let v = stack.popLast() {
                if location(v) == .fused, let p = producers[v.index] {
                    stack += graph.ops[p].inputs
                } else {
                    leaves.append(v)
                }
            }
            guard leaves.contains(c) else { continue }
            let fits = leaves.allSatisfy { v in
                if v == c { return true }
                let leafShape = graph[v].shape
                guard leafShape.isScalar || leafShape == shape || leafShape.dims == [columns] else { return false }
                return producers[v.index].map { $0 < i } ?? true
            }
            guard fits else { continue }
            epilogues[c] = root
            if !targets.contains(c), case .pointer("s", _) = location(c) { storageOwners[c] = kernelOp.output }
        }
    }

    /// The value whose storage `id` is stored in: `id` itself, or the output of its epilogue's
    /// kernel (see `planEpilogues`).
    func storageOwner(of id: ValueID) -> ValueID { storageOwners[id] ?? id }

    /// The index of the elementwise op computed in the epilogue of the product that computes `id`.
    func epilogue(of id: ValueID) -> Int? { epilogues[id] }

    /// The SIMD form for `C = op(A)·op(B)` that `ProductCost` estimates fastest, copies into a
    /// transposed layout included, with scratch for its copies; scalar loops when no dimension
    /// fills a vector.
    private mutating func planProduct(_ s: MatmulShape) -> Product {
        let width = 8  // a product needs a dimension of at least one vector of Float
        var candidates: [(cost: Double, product: Product)] = []
        func scratch(_ count: Int) -> Int { allocate(count) }
        if ProductKernels.usesPacking(m: s.m, k: s.k, n: s.n, transposedA: s.transposeA, scalarBytes: scalarBytes) {
            let sizes = ProductKernels.packedScratch(m: s.m, k: s.k, n: s.n, transposedA: s.transposeA)
            return Product(form: .packed, copyA: scratch(sizes.a), copyB: scratch(sizes.b))
        }
        if s.n >= width || (s.m == 1 && s.k >= width) {  // one row of C: any n (`productRowNarrow`)
            let cost = ProductCost.rows(m: s.m, k: s.k, n: s.n) + ProductCost.copies(s.transposeB ? s.k * s.n : 0, calls: 1)
            candidates.append((cost, Product(form: .rows)))
        }
        if s.k >= width {
            let copyA = s.transposeA ? s.m * s.k : 0, copyB = s.transposeB ? 0 : s.k * s.n
            let copies = ProductCost.copies(copyA, calls: 1) + ProductCost.copies(copyB, calls: 1)
            candidates.append((ProductCost.dots(m: s.m, k: s.k, n: s.n) + copies, Product(form: .dots)))
        }
        if s.m >= width {
            // Cᵀ = op(B)ᵀ·op(A)ᵀ by rows (op(A)ᵀ copied to [k][m] unless stored so), then Cᵀ transposed.
            let copies = ProductCost.copies(s.transposeA ? 0 : s.m * s.k, calls: 1) + ProductCost.copies(s.n * s.m, calls: 1)
            let cost = ProductCost.rows(m: s.n, k: s.k, n: s.m) + copies
            candidates.append((cost, Product(form: .transposedRows)))
        }
        guard let best = candidates.min(by: { $0.cost < $1.cost })?.product else { return Product(form: .scalar) }
        var product = best
        switch best.form {
        case .rows:
            if s.transposeB { product.copyB = scratch(s.k * s.n) }
            if ProductKernels.blocksDepth(m: s.m, k: s.k, n: s.n, ak: s.transposeA ? s.m : 1, scalarBytes: scalarBytes) {
                product.depthBlocks = scratch(s.m * s.n)
            }
        case .dots:
            if s.transposeA { product.copyA = scratch(s.m * s.k) }
            if !s.transposeB { product.copyB = scratch(s.k * s.n) }
        case .transposedRows:
            if !s.transposeA { product.copyA = scratch(s.m * s.k) }
            product.transposedOutput = scratch(s.n * s.m)
            // productRows(op(B)ᵀ, …): its A is B, read down B's columns unless B is stored transposed.
            if ProductKernels.blocksDepth(m: s.n, k: s.k, n: s.m, ak: s.transposeB ? 1 : s.n, scalarBytes: scalarBytes) {
                product.depthBlocks = scratch(s.n * s.m)
            }
        case .scalar, .packed:
            break
        }
        return product
    }

    /// The plan of the product that computes `id`, if it is not unrolled.
    func product(_ id: ValueID) -> Product? { products[id] }

    /// True when the bias-gradient sum of `op` (a `sumToShape`) runs through `ProductKernels.sumRows`.
    /// Narrow sums (fewer than 8 columns) take it from `narrowSumMinimumRows` rows on, where
    /// its blocks of rows replace a pass over the matrix per column.
    func usesSumRows(_ op: Op) -> Bool {
        guard op.kind == .sumToShape, !isUnrolled(op) else { return false }
        let columns = graph[op.output].shape.count
        return columns >= 8 || graph[op.inputs[0]].shape.count / max(columns, 1) >= Self.narrowSumMinimumRows
    }

    /// Rows from which a sum of fewer than 8 columns runs through `sumRows`.
    static let narrowSumMinimumRows = 1024

    /// The `FastMath` functions that planned elementwise ops call (`Self.fastExp`, `Self.fastTanh`).
    var fastFunctions: Set<String> {
        let lowering = self.lowering
        return liveOps.reduce(into: []) { functions, i in
            let op = graph.ops[i]
            guard op.kind.isElementwise else { return }
            let operands = op.inputs.map { _ in SwiftExpression.atom("x") }
            functions.formUnion(KernelLowering.elementwiseExpression(op, operands, lowering.math(for: op)).calledFunctions)
        }
    }

    /// True when some op uses the SIMD kernels of `ProductKernels`.
    var usesProductKernels: Bool {
        // (The direct convolution's helpers use their vector type, loads and multiply-adds.)
        products.values.contains { $0.form != .scalar } || !helperScratch.isEmpty || liveOps.contains { usesSumRows(graph.ops[$0]) }
    }

    /// An elementwise op is fused into its only consumer when that consumer is an elementwise op
    /// of the same shape (so they share one loop) and is not unrolled differently.
    private func canFuse(_ op: Op, into consumers: [Int]) -> Bool {
        guard fusion, op.kind.isElementwise, consumers.count == 1 else { return false }
        let consumer = graph.ops[consumers[0]]
        let shape = graph[op.output].shape
        guard consumer.kind.isElementwise, graph[consumer.output].shape == shape else { return false }
        // Every operand must be full-shape, scalar, or the same trailing suffix as the consumer's.
        let suffixes = Set((op.inputs + consumer.inputs).map { graph[$0].shape }.filter { !$0.isScalar && $0 != shape })
        return suffixes.count <= 1
    }

    /// True when `op` is emitted as straight-line code.
    func isUnrolled(_ op: Op) -> Bool { unroll.unrolls(op, in: graph) }

    /// The lowering of the planned ops to kernels: fused values as locals of their consumer's body,
    /// products through the planned SIMD forms.
    var lowering: KernelLowering {
        KernelLowering(graph: graph, unroll: unroll, isFused: { self.location($0) == .fused }, namesFusedValues: true,
                       fastMath: fastMath, productPlan: { self.product($0) }, usesSumRows: { self.usesSumRows($0) },
                       helperScratch: { self.helperScratch[$0] })
    }

    /// The location of `id`.
    func location(_ id: ValueID) -> Location { locations[id.index] }
}
