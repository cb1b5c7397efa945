/// The second form of the direct convolution's forward helper: vectors of filters instead of
/// vectors of positions.
///
/// The wide-grid form (`DirectConvolution.emitHelper`) keeps each filter's outputs for 2 vectors of
/// positions in registers and must then scatter them one element at a time into the NHWC output
/// (`(position, filter)`), 2·lanes·F scalar stores a tile. Here one accumulator holds one position's
/// filters: tiles of 8 positions of an output row, each position's P element broadcast and
/// multiplied by the tap's vector of filter weights,
///   y[p][f₀ + l] = b[f₀ + l] + Σ_t P[q(p) + offset(t)]·W[f₀ + l][t],
/// so a tile is stored as 8 vector stores straight into y, with the bias as the accumulators'
/// starting value. Its lanes are all filters when F is a multiple of the vector; otherwise:
/// - with fewer filters than lanes, each position's store runs into the next position's filters,
///   which are stored after it (the batch's last tile goes through scratch so as not to pass y's end);
/// - with more, the last vector of filters ends at the last filter and overlaps the one before it,
///   storing the same values again.
/// `usesFilterVectors` chooses between the forms (docs/performance/convolutions.md, "Sixth round").
extension DirectConvolution {
    /// Positions per register tile of the filter-vector form (half as many in rows narrower than
    /// that, one at a time in rows narrower than half).
    static let tilePositions = 8

    /// The condition, in the emitted helper, under which it takes the filter-vector form: more
    /// filters than half a vector, so that at least half of each vector's lanes are filters (the
    /// wide grid's lanes are all used but for the padded columns, and its scatter costs 2·F scalar
    /// stores per position).
    static let usesFilterVectors = "2 * filterCount > lanes"

    /// The scratch of the filter-vector form past P: the weights tap-major in vectors of filters,
    /// the bias in the same vectors, and the batch's last tile (bounds for 8 lanes, which Double's 4 stay within).
    var filterVectorScratch: Int {
        let vectors = (filters + Self.widestLanes - 1) / Self.widestLanes * Self.widestLanes
        return vectors * taps + vectors + Self.tilePositions * Self.widestLanes
    }

    static let filterVectorHelperName = "directConvolutionByFilterVectors"

    /// Emits `directConvolutionByFilterVectors`, which `directConvolution` calls when `usesFilterVectors` holds.
    static func emitFilterVectorHelper(_ w: inout CodeWriter) {
        let align = ExecutionPlan.scratchAlignment
        w.doc("y[p][f] = b[f] + Σ over the taps of P[q(p) + offset(t)]·W[f][t] for single-channel images, stride 1,",
              "with vectors of filters (`DirectConvolution`, filter-vector form): tiles of \(tilePositions) positions of a row (the last",
              "overlapping), each accumulator one position's filters, stored straight into y. `epilogue` runs on each image's rows.")
        w.line("@inline(__always)")
        w.block("static func \(filterVectorHelperName)(_ images: UnsafePointer<Scalar>, _ filters: UnsafePointer<Scalar>, _ bias: UnsafePointer<Scalar>?, _ output: UnsafeMutablePointer<Scalar>, _ scratch: UnsafeMutablePointer<Scalar>, \(parameters), _ epilogue: Epilogue) {") { w in
            w.line("let paddedWidth = outputWidth + kernelWidth - 1, taps = kernelHeight * kernelWidth")
            w.line("let vectors = (filterCount + lanes - 1) / lanes, tapStride = vectors * lanes")
            w.line("let padded = scratch, byTap = scratch + (paddedCount + \(align - 1)) / \(align) * \(align)")
            w.line("let biases = byTap + taps * tapStride, tail = biases + tapStride")
            w.line("/// The first filter of vector v: the last vector ends at the last filter when there are more filters than lanes.")
            w.line("func first(_ v: Int) -> Int { filterCount >= lanes ? min(v * lanes, filterCount - lanes) : 0 }")
            w.line("// byTap[t·tapStride + v·lanes + l] = W[first(v) + l][t], biases[v·lanes + l] = b[first(v) + l]; 0 past the last filter.")
            w.block("for v in 0..<vectors {") { w in
                w.block("for l in 0..<lanes {") { w in
                    w.line("let f = first(v) + l")
                    w.line("biases[v * lanes + l] = f < filterCount ? bias.map { $0[f] } ?? 0 : 0")
                    w.line("for t in 0..<taps { byTap[t * tapStride + v * lanes + l] = f < filterCount ? filters[f * taps + t] : 0 }")
                }
            }
            w.line("for i in 0..<paddedCount { padded[i] = 0 }")
            w.line("// With fewer filters than lanes, the store of the batch's last position would pass the end of y.")
            w.line("let lastPosition = filterCount < lanes ? batch * outputHeight * outputWidth - 1 : -1")
            w.block("for n in 0..<batch {") { w in
                w.line("padImage(images, n, padded, height, width, padTop, padLeft, paddedWidth)")
                w.line("let image = n * outputHeight * outputWidth")
                w.block("for oy in 0..<outputHeight {") { w in
                    w.line("// Tiles from the row's start; the last ends at the row's end, overlapping the one before (its")
                    w.line("// positions are stored again, with the same values).")
                    for (index, tile) in [tilePositions, tilePositions / 2].enumerated() {
                        w.line("\(index == 0 ? "if" : "} else if") outputWidth >= \(tile) {")
                        w.indented { w in
                            w.line("var start = 0")
                            w.block("repeat {", closing: "} while start < outputWidth") { w in
                                w.line("let ox = min(start, outputWidth - \(tile))")
                                emitFilterVectorTile(positions: tile, &w)
                                w.line("start += \(tile)")
                            }
                        }
                    }
                    w.block("} else {") { w in
                        w.block("for ox in 0..<outputWidth {") { w in emitFilterVectorTile(positions: 1, &w) }
                    }
                }
                w.line("epilogue(image, outputHeight * outputWidth, 0, filterCount)")
            }
        }
    }

    /// One tile: `positions` positions from (oy, ox), every vector of filters.
    private static func emitFilterVectorTile(positions: Int, _ w: inout CodeWriter) {
        let accumulators = (0..<positions).map { "a\($0)" }
        w.line("let p = image + oy * outputWidth + ox, spill = p + \(positions - 1) == lastPosition")
        w.block("for v in 0..<vectors {") { w in
            w.line("let b = load(biases + v * lanes)")
            w.line("var \(accumulators.map { "\($0) = b" }.joined(separator: ", "))")
            w.block("for ky in 0..<kernelHeight {") { w in
                w.line("let row = UnsafePointer(padded + (oy + ky) * paddedWidth + ox), tapRow = UnsafePointer(byTap + ky * kernelWidth * tapStride + v * lanes)")
                w.block("for kx in 0..<kernelWidth {") { w in
                    w.line("let weights = load(tapRow + kx * tapStride), x = row + kx")
                    for (i, a) in accumulators.enumerated() { w.line("multiplyAdd(&\(a), Vector(repeating: x[\(i)]), weights)") }
                }
            }
            w.line("let to = spill ? tail : output + p * filterCount + first(v)")
            for (i, a) in accumulators.enumerated() { w.line("store(\(a), to + \(i) * filterCount)") }
        }
        w.line("if spill { for i in 0..<\(positions) * filterCount { output[p * filterCount + i] = tail[i] } }")
    }
}
