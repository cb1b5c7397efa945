/// A convolution is lowered to a product: `im2col` copies every window of the input into a row
/// (`[positions × channels·kh·kw]`), the product with the filters `W [filters][channels·kh·kw]`
/// (PyTorch's `[F][C][kh][kw]`, used transposed) gives `[positions × filters]`, the output image
/// in NHWC, and the bias broadcasts along its rows. The products then run through the register-
/// tiled kernels every dense layer uses, forward and backward:
///   dW = dYᵀ·rows,  d(rows) = dY·W,  and dX = col2im(d(rows)).
///
/// This file defines im2col and its adjoint col2im: their shapes, their values in Double (the
/// interpreter's), their emitted helpers, and their pullbacks.
enum Convolution {
    /// im2col: row p = (n·oh + oy)·ow + ox, column (c·kh + ky)·kw + kx holds input element
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
                            for kx in 0..<kw { body(row, (c * kh + ky) * kw + kx, g.source(n, c, oy, ox, ky, kx)) }
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

    /// Emits `windowsToRows` (im2col) or `rowsToWindows` (col2im).
    static func emitHelper(adjoint: Bool, _ w: inout CodeWriter) {
        if adjoint {
            w.doc("col2im, the adjoint of `windowsToRows`: the images are zeroed, then each element of each row is",
                  "added to the image element `windowsToRows` copies there (elements of the padding are dropped).")
        } else {
            w.doc("im2col: row (n·outputHeight + oy)·outputWidth + ox of `rows` gets, at column (c·kernelHeight + ky)·",
                  "kernelWidth + kx, element (c, oy·strideY − padTop + ky, ox·strideX − padLeft + kx) of image n, or 0",
                  "where that is padding. Element (c, y, x) of image n is at n·channels·height·width + c·channelStride +",
                  "y·rowStride + x·columnStride.")
        }
        w.line("@inline(__always)")
        let (source, target) = adjoint ? ("rows", "images") : ("images", "rows")
        w.block("static func \(helperName(adjoint: adjoint))(_ \(source): UnsafePointer<Scalar>, _ \(target): UnsafeMutablePointer<Scalar>, \(WindowGeometry.helperParameters)) {") { w in
            w.line("let imageSize = channels * height * width, rowLength = channels * kernelHeight * kernelWidth")
            if adjoint {
                w.line("for i in 0..<batch * imageSize { images[i] = 0 }")
            }
            w.block("for n in 0..<batch {") { w in
                w.line("let image = images + n * imageSize")
                w.block("for oy in 0..<outputHeight {") { w in
                    w.block("for ox in 0..<outputWidth {") { w in
                        w.line("let row = rows + ((n * outputHeight + oy) * outputWidth + ox) * rowLength")
                        w.line("let x0 = ox * strideX - padLeft")
                        w.block("for c in 0..<channels {") { w in
                            w.block("for ky in 0..<kernelHeight {") { w in
                                w.line("let tap = row + (c * kernelHeight + ky) * kernelWidth")
                                w.line("let y = oy * strideY - padTop + ky")
                                w.block("guard y >= 0 && y < height else {") { w in
                                    if !adjoint { w.line("for kx in 0..<kernelWidth { tap[kx] = 0 }") }
                                    w.line("continue")
                                }
                                w.line("let line = image + c * channelStride + y * rowStride")
                                w.block("for kx in 0..<kernelWidth {") { w in
                                    w.line("let x = x0 + kx")
                                    if adjoint {
                                        w.line("if x >= 0 && x < width { line[x * columnStride] += tap[kx] }")
                                    } else {
                                        w.line("tap[kx] = x >= 0 && x < width ? line[x * columnStride] : 0")
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
