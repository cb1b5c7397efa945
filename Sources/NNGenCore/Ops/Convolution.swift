/// A convolution is lowered to a product: `im2col` copies every window of the input into a row
/// (`[positions × kh·kw·channels]`, tap by tap, see `WindowGeometry.column`), the product with the
/// filters (PyTorch's `W [F][C][kh][kw]`, transposed filter by filter to `[F][kh][kw][C]` when
/// there are several channels, and used transposed) gives `[positions × filters]`, the output image
/// in NHWC, and the bias broadcasts along its rows. An input with several channels is NHWC (the
/// lowering transposes the caller's NCHW image first), so each window row is one run. The products then run through the register-
/// tiled kernels every dense layer uses, forward and backward:
///   dW = dYᵀ·rows,  d(rows) = dY·W,  and dX = col2im(d(rows)).
///
/// This file defines im2col and its adjoint col2im: their shapes, their values in Double (the
/// interpreter's), their emitted helpers, and their pullbacks.
enum Convolution {
    /// im2col: row p = (n·oh + oy)·ow + ox, column `g.column(c, ky, kx)` holds input element
    /// (n, c, oy·sy − padTop + ky, ox·sx − padLeft + kx), or 0 in the padding.
    static func rowsShape(_ g: WindowGeometry) -> Shape { Shape([g.positions, g.windowSize]) }

    /// im2col in Double, as directly as the definition reads (the interpreter's).
    static func evaluateRows(_ g: WindowGeometry, _ x: [Double]) -> [Double] {
        var rows = [Double](repeating: 0, count: g.positions * g.windowSize)
        forEachTap(g) { row, column, source in
            if let source { rows[row * g.windowSize + column] = x[source] }
        }
        return rows
    }

    /// col2im in Double: every element of the rows added back to the input element it was copied
    /// from (padding drops out). It is im2col's adjoint: ⟨im2col(x), r⟩ = ⟨x, col2im(r)⟩.
    static func evaluateWindows(_ g: WindowGeometry, _ rows: [Double]) -> [Double] {
        var x = [Double](repeating: 0, count: g.input.count)
        forEachTap(g) { row, column, source in
            if let source { x[source] += rows[row * g.windowSize + column] }
        }
        return x
    }

    /// Calls `body(row, column, source)` for every element of the im2col matrix, with the input
    /// index it copies (nil in the padding).
    private static func forEachTap(_ g: WindowGeometry, _ body: (Int, Int, Int?) -> Void) {
        let (kh, kw) = (g.rows.kernel, g.columns.kernel)
        for n in 0..<g.input.batch {
            for oy in 0..<g.rows.output {
                for ox in 0..<g.columns.output {
                    let row = (n * g.rows.output + oy) * g.columns.output + ox
                    for c in 0..<g.input.channels {
                        for ky in 0..<kh {
                            for kx in 0..<kw { body(row, g.column(c, ky, kx), g.source(n, c, oy, ox, ky, kx)) }
                        }
                    }
                }
            }
        }
    }

    /// rows = im2col(x):  dx = col2im(d rows), each input element collecting the gradient of every
    /// copy made of it.
    static func rowsPullback(_ g: WindowGeometry, _ x: ValueID, _ dy: ValueID, _ b: inout GraphBuilder, dyText: String, dxText: String, dxName: String) -> ValueID {
        b.op(.col2im(g), [dy], name: dxName, shape: b.shape(x),
             comment: "\(dxText) = col2im(\(dyText)): each input element collects the gradients of its copies")
    }

    /// x = col2im(rows) is linear with adjoint im2col:  d rows = im2col(dx).
    static func windowsPullback(_ g: WindowGeometry, _ dy: ValueID, _ b: inout GraphBuilder, dyText: String, dxText: String, dxName: String) -> ValueID {
        b.op(.im2col(g), [dy], name: dxName, comment: "\(dxText) = im2col(\(dyText))")
    }

    /// The helper that computes im2col (`windowsToRows`) or col2im (`rowsToWindows`), which
    /// takes the input's pointer, the output's, then `WindowGeometry.helperArguments`.
    static func helperName(adjoint: Bool) -> String { adjoint ? "rowsToWindows" : "windowsToRows" }

    /// Emits `windowsToRows` (im2col) or `rowsToWindows` (col2im), for a geometry with
    /// `hasContiguousRuns`: window row ky of a position is, in the image, one run of the in-image
    /// taps' `(x, c)` elements, so im2col copies it and col2im adds it back with one contiguous loop
    /// each, the padding's columns filled with zeros.
    static func emitHelper(adjoint: Bool, _ w: inout CodeWriter) {
        if adjoint {
            w.doc("col2im, the adjoint of `windowsToRows`: the images are zeroed, then each window row's run is",
                  "added back to the image row it was copied from (elements of the padding are dropped).")
        } else {
            w.doc("im2col with the columns in tap order: row (n·outputHeight + oy)·outputWidth + ox of `rows` gets, at",
                  "column (ky·kernelWidth + kx)·channels + c, element (c, oy·strideY − padTop + ky, ox·strideX − padLeft + kx)",
                  "of image n, or 0 where that is padding. Element (c, y, x) of image n is at n·channels·height·width +",
                  "y·rowStride + x·channels + c (NHWC, or one channel), so the taps of a window row are one run.")
        }
        w.line("@inline(__always)")
        let (source, target) = adjoint ? ("rows", "images") : ("images", "rows")
        w.block("static func \(helperName(adjoint: adjoint))(_ \(source): UnsafePointer<Scalar>, _ \(target): UnsafeMutablePointer<Scalar>, \(WindowGeometry.helperParameters)) {") { w in
            w.line("let imageSize = channels * height * width, run = kernelWidth * channels, rowLength = kernelHeight * run")
            if adjoint {
                w.line("for i in 0..<batch * imageSize { images[i] = 0 }")
            }
            w.block("for n in 0..<batch {") { w in
                w.line("let image = images + n * imageSize")
                w.block("for oy in 0..<outputHeight {") { w in
                    w.block("for ox in 0..<outputWidth {") { w in
                        w.line("let row = rows + ((n * outputHeight + oy) * outputWidth + ox) * rowLength")
                        w.line("let x0 = ox * strideX - padLeft")
                        w.line("// The taps kx in first..<last are inside the image: elements first·channels..<last·channels of a window row.")
                        w.line("let first = max(0, -x0) * channels, last = max(min(kernelWidth, width - x0), 0) * channels")
                        w.block("for ky in 0..<kernelHeight {") { w in
                            w.line("let tap = row + ky * run")
                            w.line("let y = oy * strideY - padTop + ky")
                            if adjoint {
                                w.line("guard y >= 0 && y < height && first < last else { continue }")
                                w.line("let line = image + (y * rowStride + x0 * channels + first), from = tap + first, count = last - first")
                                w.line("// A vector at a time, then the rest (a loop of unknown length vectorizes only for long runs).")
                                w.line("var i = 0")
                                w.block("while i + lanes <= count {") { w in
                                    w.line("store(load(line + i) + load(from + i), line + i)")
                                    w.line("i += lanes")
                                }
                                w.block("while i < count {") { w in
                                    w.line("line[i] += from[i]")
                                    w.line("i += 1")
                                }
                            } else {
                                w.block("guard y >= 0 && y < height && first < last else {") { w in
                                    w.line("for i in 0..<run { tap[i] = 0 }")
                                    w.line("continue")
                                }
                                w.line("let line = image + (y * rowStride + x0 * channels + first), to = tap + first, count = last - first")
                                w.line("for i in 0..<first { tap[i] = 0 }")
                                w.line("// A vector at a time, the last one ending at the run's end (copying some elements again).")
                                w.line("if count >= lanes {")
                                w.indented { w in
                                    w.line("var i = 0")
                                    w.block("repeat {", closing: "} while i < count") { w in
                                        w.line("let at = min(i, count - lanes)")
                                        w.line("store(load(line + at), to + at)")
                                        w.line("i += lanes")
                                    }
                                }
                                w.block("} else {") { w in
                                    w.line("for i in 0..<count { to[i] = line[i] }")
                                }
                                w.line("for i in last..<run { tap[i] = 0 }")
                            }
                        }
                    }
                }
            }
        }
    }
}
