/// A convolution of single-channel images with stride 1, computed directly from the image instead
/// of through im2col and a product (`Convolution`): the first layer of a network on grayscale
/// images, spectrograms or one sensor's windows. Its im2col matrix has one row of kh·kw elements
/// per position (LeNet's conv1: 36,864 × 25, 3.7 MB written and read again, for a product of
/// n = 6 columns that the product kernels cannot tile), while the image is read once here.
///
/// The rewrite: `NetworkLowering` lowers a convolution to this op when `applies(to:filters:)` holds and
/// rewrites are on (they are off for `--no-fusion`, whose emitted code is the im2col reference
/// that `FusionDifferentialTests` compares with). docs/performance/convolutions.md has the
/// measurements behind the rule.
///
/// **The wide grid.** Each image is copied into a zero-padded buffer P of paddedWidth =
/// outputWidth + kw − 1 columns (the padding written as zeros once). Output position (oy, ox) is
/// then q = oy·paddedWidth + ox of a "wide" grid, and tap (ky, kx) reads P[q + ky·paddedWidth + kx]:
/// one offset per tap for every q, so the kernels run along q in whole vectors, row ends
/// included. The q whose ox ≥ outputWidth are wasted lanes ((kw − 1)/paddedWidth of them: 14% for
/// LeNet), never stored.
///
/// Forward, y[p][f] = b[f] + Σ_t P[q(p) + offset(t)]·W[f][t], tiles of 6 filters × 2 vectors of q
/// (12 accumulators) when there are at most half a vector of filters; with more, tiles of 8
/// positions × one vector of filters, stored straight into the NHWC output
/// (`DirectConvolution+FilterVectors.swift`). The bias b is the accumulators' starting value when
/// the layer's bias add is in the helper's epilogue (`KernelLowering.foldedBias`), else 0.
/// Backward, dW[f][t] = Σ_p dy[p][f]·P[q(p) + offset(t)] (the same windows,
/// summed over the positions), tiles of 6 filters × 2 taps along q, with dy copied per image to
/// D[f][q] (zeros on the wasted columns). dx = col2im(dy·W), through the ops every convolution
/// uses; for the first layer nothing needs it and it is never computed.
public struct DirectConvolution: Hashable, Sendable {
    public var window: WindowGeometry
    public var filters: Int

    /// The rewrite's rule. It needs one input channel (NCHW and NHWC are then the same) and stride 1
    /// along both axes (each tap is then one offset on the wide grid); any kernel and padding. It
    /// pays when either
    /// - there are fewer filters than a vector of Float (8): im2col's product then has fewer columns
    ///   than a vector, and runs as dot products with a horizontal sum per element (`ProductCost`);
    /// - or the kernel has at least twice as many taps as there are filters: im2col copies kh·kw
    ///   elements per position, which its F outputs share, while the direct kernels move each output
    ///   element twice more than a product does (its scatter into NHWC forward, the copy of dy onto
    ///   the wide grid backward), so im2col costs more once kh·kw/F passes about 2.
    /// Measured on 12 workloads and checked on 8 others it was not drawn from
    /// (docs/performance/convolutions.md, "Third round: direct convolution of single-channel images"),
    /// with the wide grid's forward; the vectors of filters (sixth round) removed its scatter for
    /// F ≥ 5 and made every direct shape of the sweep faster, but the bound was not fitted again.
    static func applies(to g: WindowGeometry, filters: Int) -> Bool {
        guard g.input.channels == 1, g.rows.stride == 1, g.columns.stride == 1 else { return false }
        return filters < 8 || g.rows.kernel * g.columns.kernel >= 2 * filters
    }

    /// Filters per register tile (the helpers pad the filters to a multiple with zeros).
    static let tileFilters = 6
    /// The widest vector the emitted code uses (8 Float); scratch is sized for it.
    static let widestLanes = 8

    var taps: Int { window.rows.kernel * window.columns.kernel }
    var paddedWidth: Int { window.columns.output + window.columns.kernel - 1 }
    /// Positions of the wide grid of one image, rounded up to whole tiles of 2 vectors.
    var wideCount: Int {
        let q = window.rows.output * paddedWidth, chunk = 2 * Self.widestLanes
        return (q + chunk - 1) / chunk * chunk
    }
    /// The padded image and what the last tile's taps read past it.
    var paddedCount: Int { wideCount + (window.rows.kernel - 1) * paddedWidth + window.columns.kernel - 1 }
    var paddedFilters: Int { (filters + Self.tileFilters - 1) / Self.tileFilters * Self.tileFilters }
    var tapPairs: Int { (taps + 1) / 2 }

    /// Scratch of the forward helper: P, then the wide-grid form's filters tap-major in tiles of 6
    /// and their biases, or the filter-vector form's (`filterVectorScratch`).
    var forwardScratch: Int { ExecutionPlan.aligned(paddedCount) + max(paddedFilters * taps + paddedFilters, filterVectorScratch) }
    /// Scratch of the filter gradient: P, D, and the accumulators (one vector each).
    var gradientScratch: Int {
        ExecutionPlan.aligned(paddedCount) + ExecutionPlan.aligned(paddedFilters * wideCount)
            + paddedFilters * tapPairs * 2 * Self.widestLanes
    }

    /// `[positions × filters]`, NHWC.
    var outputShape: Shape { Shape([window.positions, filters]) }
    /// PyTorch's `[F][1][kh][kw]`, the filters' and their gradient's.
    var filterShape: Shape { Shape([filters, 1, window.rows.kernel, window.columns.kernel]) }

    // MARK: Values in Double (the interpreter's)

    /// y[p·F + f] = Σ over the window's taps in the image of x·W[f][ky][kx] (padding is 0).
    func evaluate(_ x: [Double], _ w: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: outputShape.count)
        forEachTap { position, tap, source in
            for f in 0..<filters { y[position * filters + f] += x[source] * w[f * taps + tap] }
        }
        return y
    }

    /// dW[f][t] = Σ over positions p of dy[p·F + f]·x under tap t of p's window.
    func evaluateFilterGradient(_ x: [Double], _ dy: [Double]) -> [Double] {
        var dw = [Double](repeating: 0, count: filterShape.count)
        forEachTap { position, tap, source in
            for f in 0..<filters { dw[f * taps + tap] += dy[position * filters + f] * x[source] }
        }
        return dw
    }

    /// Calls `body(position, tap, source)` for every tap of every window that is in the image.
    private func forEachTap(_ body: (Int, Int, Int) -> Void) {
        let g = window
        for n in 0..<g.input.batch {
            for oy in 0..<g.rows.output {
                for ox in 0..<g.columns.output {
                    let position = (n * g.rows.output + oy) * g.columns.output + ox
                    for ky in 0..<g.rows.kernel {
                        for kx in 0..<g.columns.kernel {
                            if let s = g.source(n, 0, oy, ox, ky, kx) { body(position, ky * g.columns.kernel + kx, s) }
                        }
                    }
                }
            }
        }
    }

    // MARK: Pullback

    /// y = x ⋆ W (each window of x times each filter):
    ///   dW[f][t] = Σ_p dy[p][f]·window_p[t]   (the filter gradient op, direct)
    ///   dx = col2im(dy·W)                     (each window's share dy[p]·W, added back where it was read)
    func pullback(_ x: ValueID, _ w: ValueID, _ dy: ValueID, _ b: inout GraphBuilder, dyText: String, dxText: String, dwText: String,
                  dxName: String, dwName: String, wText: String) -> [ValueID?] {
        let dw = b.op(.convolutionFilterGradient(self), [x, dy], name: dwName, shape: filterShape,
                      comment: "\(dwText) = Σ over positions of \(dyText) times each window of \(b.name(x)) (direct)")
        let shape = MatmulShape(m: window.positions, k: filters, n: taps, transposeA: false, transposeB: false)
        let rows = b.op(.matmul(shape), [dy, w], name: "\(dxName)_windows",
                        comment: OpComment("\(dxName)_windows = \(dyText) · \(wText), each window's share", .shapes("[\(window.positions)×\(filters)]·[\(filters)×\(taps)]")))
        let dx = Convolution.rowsPullback(window, x, rows, &b, dyText: "\(dxName)_windows", dxText: dxText, dxName: dxName)
        return [dx, dw]
    }

    // MARK: Emitted helpers

    /// `directConvolution` or its filter gradient.
    static func helperName(gradient: Bool) -> String { gradient ? "directConvolutionFilterGradient" : "directConvolution" }

    /// The arguments after the pointers and the scratch.
    var helperArguments: [KernelArgument] {
        let g = window
        return [g.input.batch, g.input.height, g.input.width, g.rows.kernel, g.columns.kernel, g.rows.padBefore, g.columns.padBefore,
                g.rows.output, g.columns.output, filters, paddedCount, wideCount].map(KernelArgument.int)
    }

    /// The helpers' parameters after the pointers and the scratch (`helperArguments`).
    static let parameters = "_ batch: Int, _ height: Int, _ width: Int, _ kernelHeight: Int, _ kernelWidth: Int, _ padTop: Int, "
        + "_ padLeft: Int, _ outputHeight: Int, _ outputWidth: Int, _ filterCount: Int, _ paddedCount: Int, _ wideCount: Int"

    /// Emits the helper that copies image n into P (the padding stays as first zeroed).
    static func emitPaddingHelper(_ w: inout CodeWriter) {
        w.doc("Copies image `n` (one channel, `height × width`) into `padded`, rows `paddedWidth` apart, at row padTop",
              "and column padLeft: the padding around it keeps the zeros it was given (`DirectConvolution`).")
        w.line("@inline(__always)")
        w.block("static func padImage(_ images: UnsafePointer<Scalar>, _ n: Int, _ padded: UnsafeMutablePointer<Scalar>, _ height: Int, _ width: Int, _ padTop: Int, _ padLeft: Int, _ paddedWidth: Int) {") { w in
            w.line("let image = images + n * height * width")
            w.block("for y in 0..<height {") { w in
                w.line("let row = padded + (y + padTop) * paddedWidth + padLeft, from = image + y * width")
                w.line("for x in 0..<width { row[x] = from[x] }")
            }
        }
    }

    /// Emits `directConvolution` or `directConvolutionFilterGradient`.
    static func emitHelper(gradient: Bool, _ w: inout CodeWriter) {
        let t = tileFilters
        let accumulators = (0..<t).flatMap { j in (0..<2).map { h in "a\(j)\(h)" } }
        w.line("@inline(__always)")
        if gradient {
            w.doc("dW[f][t] = Σ over positions of dy[p][f]·P[q(p) + offset(t)] for single-channel images, stride 1",
                  "(`DirectConvolution`): per image, dy is copied filter-major onto the wide grid (D, zeros where a column",
                  "is wasted or a filter is padding), then tiles of \(t) filters × 2 taps run along the grid, each",
                  "accumulator a vector summed across lanes at the end.")
            w.block("static func \(helperName(gradient: true))(_ images: UnsafePointer<Scalar>, _ upstream: UnsafePointer<Scalar>, _ gradient: UnsafeMutablePointer<Scalar>, _ scratch: UnsafeMutablePointer<Scalar>, \(parameters)) {") { w in
                w.line("let paddedWidth = outputWidth + kernelWidth - 1, taps = kernelHeight * kernelWidth, groups = (filterCount + \(t - 1)) / \(t)")
                w.line("let pairs = (taps + 1) / 2, positions = outputHeight * outputWidth, used = outputHeight * paddedWidth")
                w.line("let padded = scratch, grid = scratch + (paddedCount + \(ExecutionPlan.scratchAlignment - 1)) / \(ExecutionPlan.scratchAlignment) * \(ExecutionPlan.scratchAlignment)")
                w.line("let sums = grid + (groups * \(t) * wideCount + \(ExecutionPlan.scratchAlignment - 1)) / \(ExecutionPlan.scratchAlignment) * \(ExecutionPlan.scratchAlignment)")
                w.line("for i in 0..<paddedCount { padded[i] = 0 }")
                w.line("for i in 0..<groups * \(t) * wideCount { grid[i] = 0 }")
                w.line("for i in 0..<groups * pairs * \(2 * t) * lanes { sums[i] = 0 }")
                w.line("/// The offset of tap t in the padded image.")
                w.line("func offset(_ t: Int) -> Int { (t / kernelWidth) * paddedWidth + t % kernelWidth }")
                w.block("for n in 0..<batch {") { w in
                    w.line("padImage(images, n, padded, height, width, padTop, padLeft, paddedWidth)")
                    w.line("let dy = upstream + n * positions * filterCount")
                    w.line("// D[f][oy·paddedWidth + ox] = dy[oy·outputWidth + ox][f], a vector of positions at a time.")
                    w.block("for f in 0..<filterCount {") { w in
                        w.block("for oy in 0..<outputHeight {") { w in
                            w.line("let row = grid + f * wideCount + oy * paddedWidth, line = dy + oy * outputWidth * filterCount + f")
                            w.line("var ox = 0")
                            w.block("while ox + lanes <= outputWidth {") { w in
                                w.line("var v = Vector()")
                                w.line("for l in 0..<lanes { v[l] = line[(ox + l) * filterCount] }")
                                w.line("store(v, row + ox)")
                                w.line("ox += lanes")
                            }
                            w.block("while ox < outputWidth {") { w in
                                w.line("row[ox] = line[ox * filterCount]")
                                w.line("ox += 1")
                            }
                        }
                    }
                    w.block("for g in 0..<groups {") { w in
                        w.line("let d = UnsafePointer(grid + g * \(t) * wideCount)")
                        w.block("for pair in 0..<pairs {") { w in
                            w.line("let p0 = UnsafePointer(padded + offset(2 * pair)), p1 = UnsafePointer(padded + offset(min(2 * pair + 1, taps - 1)))")
                            w.line("let tile = sums + (g * pairs + pair) * \(2 * t) * lanes")
                            for (i, a) in accumulators.enumerated() { w.line("var \(a) = load(tile + \(i) * lanes)") }
                            w.block("for q in stride(from: 0, to: used, by: lanes) {") { w in
                                w.line("let x0 = load(p0 + q), x1 = load(p1 + q)")
                                for j in 0..<t {
                                    w.line("let d\(j) = load(d + \(j) * wideCount + q); multiplyAdd(&a\(j)0, d\(j), x0); multiplyAdd(&a\(j)1, d\(j), x1)")
                                }
                            }
                            for (i, a) in accumulators.enumerated() { w.line("store(\(a), tile + \(i) * lanes)") }
                        }
                    }
                }
                w.line("// Accumulator (g, pair, j, h) holds filter \(t)g + j at tap 2·pair + h (a repeated last tap when taps is odd).")
                w.block("for g in 0..<groups {") { w in
                    w.block("for pair in 0..<pairs {") { w in
                        w.block("for j in 0..<min(\(t), filterCount - g * \(t)) {") { w in
                            w.block("for h in 0..<min(2, taps - 2 * pair) {") { w in
                                w.line("gradient[(g * \(t) + j) * taps + 2 * pair + h] = load(sums + ((g * pairs + pair) * \(2 * t) + 2 * j + h) * lanes).sum()")
                            }
                        }
                    }
                }
            }
        } else {
            w.doc("y[p][f] = b[f] + Σ over the taps of P[q(p) + offset(t)]·W[f][t] for single-channel images, stride 1",
                  "(`DirectConvolution`), b being 0 when `bias` is nil. With more filters than half a vector it runs",
                  "`\(filterVectorHelperName)`; otherwise each image is copied into P with its padding, and tiles of \(t)",
                  "filters × 2 vectors run along the wide grid q = oy·paddedWidth + ox; lanes past a row's end are not",
                  "stored. `epilogue` runs on each image's rows of y as soon as they are final (see `Epilogue`).")
            w.block("static func \(helperName(gradient: false))(_ images: UnsafePointer<Scalar>, _ filters: UnsafePointer<Scalar>, _ bias: UnsafePointer<Scalar>?, _ output: UnsafeMutablePointer<Scalar>, _ scratch: UnsafeMutablePointer<Scalar>, \(parameters), _ epilogue: Epilogue = { _, _, _, _ in }) {") { w in
                w.block("if \(usesFilterVectors) {") { w in
                    w.line("\(filterVectorHelperName)(images, filters, bias, output, scratch, batch, height, width, kernelHeight, kernelWidth, padTop, padLeft, outputHeight, outputWidth, filterCount, paddedCount, wideCount, epilogue)")
                    w.line("return")
                }
                w.line("let paddedWidth = outputWidth + kernelWidth - 1, taps = kernelHeight * kernelWidth, groups = (filterCount + \(t - 1)) / \(t)")
                w.line("let chunks = (outputHeight * paddedWidth + 2 * lanes - 1) / (2 * lanes)")
                w.line("let padded = scratch, byTap = scratch + (paddedCount + \(ExecutionPlan.scratchAlignment - 1)) / \(ExecutionPlan.scratchAlignment) * \(ExecutionPlan.scratchAlignment)")
                w.line("let biases = byTap + groups * taps * \(t)")
                w.line("// byTap[(g·taps + t)·\(t) + j] = W[\(t)g + j][t] and biases[\(t)g + j] = b[\(t)g + j], 0 for the filters past the last.")
                w.block("for g in 0..<groups {") { w in
                    w.block("for j in 0..<\(t) {") { w in
                        w.line("let f = g * \(t) + j")
                        w.line("biases[g * \(t) + j] = f < filterCount ? bias.map { $0[f] } ?? 0 : 0")
                        w.line("for t in 0..<taps { byTap[(g * taps + t) * \(t) + j] = f < filterCount ? filters[f * taps + t] : 0 }")
                    }
                }
                w.line("for i in 0..<paddedCount { padded[i] = 0 }")
                w.line("var tile = (\(Array(repeating: "Vector()", count: 2 * t).joined(separator: ", ")))")
                w.block("for n in 0..<batch {") { w in
                    w.line("padImage(images, n, padded, height, width, padTop, padLeft, paddedWidth)")
                    w.line("let image = output + n * outputHeight * outputWidth * filterCount")
                    w.block("for g in 0..<groups {") { w in
                        w.line("let weights = UnsafePointer(byTap + g * taps * \(t)), count = min(\(t), filterCount - g * \(t))")
                        w.line("let \((0..<t).map { "b\($0) = Vector(repeating: biases[g * \(t) + \($0)])" }.joined(separator: ", "))")
                        w.block("for chunk in 0..<chunks {") { w in
                            w.line("let q0 = chunk * 2 * lanes")
                            w.line("var \((0..<t).flatMap { j in (0..<2).map { h in "a\(j)\(h) = b\(j)" } }.joined(separator: ", "))")
                            w.block("for ky in 0..<kernelHeight {") { w in
                                w.line("let row = UnsafePointer(padded + q0 + ky * paddedWidth), tapRow = weights + ky * kernelWidth * \(t)")
                                w.block("for kx in 0..<kernelWidth {") { w in
                                    w.line("let x0 = load(row + kx), x1 = load(row + kx + lanes), tap = tapRow + kx * \(t)")
                                    for j in 0..<t {
                                        w.line("let w\(j) = Vector(repeating: tap[\(j)]); multiplyAdd(&a\(j)0, x0, w\(j)); multiplyAdd(&a\(j)1, x1, w\(j))")
                                    }
                                }
                            }
                            w.line("tile = (\(accumulators.joined(separator: ", ")))")
                            w.block("withUnsafeBytes(of: &tile) { raw in") { w in
                                w.line("// values[(2j + h)·lanes + l]: filter \(t)g + j at q0 + h·lanes + l.")
                                w.line("let values = raw.baseAddress!.assumingMemoryBound(to: Scalar.self)")
                                w.line("var oy = q0 / paddedWidth, ox = q0 - oy * paddedWidth")
                                w.block("for i in 0..<2 * lanes {") { w in
                                    w.block("if ox < outputWidth && oy < outputHeight {") { w in
                                        w.line("let to = image + (oy * outputWidth + ox) * filterCount + g * \(t), from = values + i")
                                        w.line("for j in 0..<count { to[j] = from[2 * j * lanes] }")
                                    }
                                    w.line("ox += 1")
                                    w.line("if ox == paddedWidth { ox = 0; oy += 1 }")
                                }
                            }
                        }
                    }
                    w.line("epilogue(n * outputHeight * outputWidth, outputHeight * outputWidth, 0, filterCount)")
                }
            }
        }
    }
}
