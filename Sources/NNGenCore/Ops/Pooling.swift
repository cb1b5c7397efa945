/// A pooling layer's op: the maximum or the mean of each window, channel by channel, to an image
/// in NHWC (`[positions × channels]`, element `p·channels + c`).
///
/// This file defines the op and its gradient op: their values in Double (the interpreter's),
/// their emitted helpers, and the pullback.
///
/// Tie rule: the maximum's gradient goes to the first maximal element of the window in row-major
/// order (ky, then kx), as PyTorch's CPU kernel routes it; padding is never the maximum. The mean
/// divides by the whole window, padding counted as zeros (PyTorch's `count_include_pad=True`).
public struct Pooling: Hashable, Sendable {
    public var kind: PoolKind
    public var window: WindowGeometry

    /// `[positions × channels]`.
    var outputShape: Shape { Shape([window.positions, window.input.channels]) }

    /// For each output element (p·channels + c), the input indices its window reads (padding left out),
    /// in row-major order.
    private func forEachWindow(_ body: (_ output: Int, _ sources: [Int]) -> Void) {
        let g = window
        for n in 0..<g.input.batch {
            for oy in 0..<g.rows.output {
                for ox in 0..<g.columns.output {
                    let position = (n * g.rows.output + oy) * g.columns.output + ox
                    for c in 0..<g.input.channels {
                        var sources: [Int] = []
                        for ky in 0..<g.rows.kernel {
                            for kx in 0..<g.columns.kernel {
                                if let s = g.source(n, c, oy, ox, ky, kx) { sources.append(s) }
                            }
                        }
                        body(position * g.input.channels + c, sources)
                    }
                }
            }
        }
    }

    /// The first source holding the window's maximum (a NaN wins, as it propagates).
    private static func argmax(_ sources: [Int], _ x: [Double]) -> Int {
        var best = sources[0]
        for s in sources.dropFirst() where x[s] > x[best] || (x[s].isNaN && !x[best].isNaN) { best = s }
        return best
    }

    /// The pooled image in Double (the interpreter's).
    func evaluate(_ x: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: outputShape.count)
        let area = Double(window.rows.kernel * window.columns.kernel)
        forEachWindow { o, sources in
            out[o] = kind == .max ? x[Self.argmax(sources, x)] : sources.reduce(0) { $0 + x[$1] } / area
        }
        return out
    }

    /// The input's gradient in Double: each output's upstream gradient routed to the window's first
    /// maximum, or spread as 1/area over its elements. `x` is the input (the maximum needs it).
    func evaluateGradient(x: [Double]?, upstream: [Double]) -> [Double] {
        var dx = [Double](repeating: 0, count: window.input.count)
        let area = Double(window.rows.kernel * window.columns.kernel)
        forEachWindow { o, sources in
            if kind == .max {
                dx[Self.argmax(sources, x!)] += upstream[o]
            } else {
                for s in sources { dx[s] += upstream[o] / area }
            }
        }
        return dx
    }

    /// y = max over the window:  dx = dy at the window's first maximum (0 elsewhere).
    /// y = Σ window / area:      dx = dy / area at every element of the window.
    /// Overlapping windows (stride < size) add their contributions.
    func pullback(_ x: ValueID, _ dy: ValueID, _ b: inout GraphBuilder, dyText: String, dxText: String, dxName: String) -> ValueID {
        let area = window.rows.kernel * window.columns.kernel
        let inputs = kind == .max ? [x, dy] : [dy]
        let rule = kind == .max ? "\(dyText) routed to each window's first maximum" : "\(dyText) / \(area) spread over each window"
        return b.op(.poolGradient(self), inputs, name: dxName, shape: b.shape(x), comment: "\(dxText) = \(rule)")
    }

    /// The emitted helper computing the op (`maxPool`, `averagePool`) or its gradient (`…Gradient`).
    static func helperName(_ kind: PoolKind, gradient: Bool) -> String {
        (kind == .max ? "maxPool" : "averagePool") + (gradient ? "Gradient" : "")
    }

    /// Emits the helper of `kind` (forward) or of its gradient.
    static func emitHelper(_ kind: PoolKind, gradient: Bool, _ w: inout CodeWriter) {
        let name = helperName(kind, gradient: gradient), p = WindowGeometry.helperParameters
        let loops = { (w: inout CodeWriter, body: (inout CodeWriter) -> Void) in
            w.block("for n in 0..<batch {") { w in
                w.line("let base = n * imageSize")
                w.block("for oy in 0..<outputHeight {") { w in
                    w.block("for ox in 0..<outputWidth {") { w in
                        w.line("let position = (n * outputHeight + oy) * outputWidth + ox")
                        body(&w)
                    }
                }
            }
        }
        /// The window's rows and columns inside the image, as `for ky`/`for kx` with the padding skipped.
        let taps = { (w: inout CodeWriter, body: (inout CodeWriter) -> Void) in
            w.block("for ky in 0..<kernelHeight {") { w in
                w.line("let y = oy * strideY - padTop + ky")
                w.line("if y < 0 || y >= height { continue }")
                w.block("for kx in 0..<kernelWidth {") { w in
                    w.line("let x = ox * strideX - padLeft + kx")
                    w.line("if x < 0 || x >= width { continue }")
                    body(&w)
                }
            }
        }
        switch (kind, gradient) {
        case (.max, false):
            w.doc("Max pooling into NHWC: element position·channels + c of `pooled` is the maximum of channel c over",
                  "the window (a NaN propagates); padding is never the maximum.")
            w.line("@inline(__always)")
            w.block("static func \(name)(_ images: UnsafePointer<Scalar>, _ pooled: UnsafeMutablePointer<Scalar>, \(p)) {") { w in
                w.line("let imageSize = channels * height * width")
                loops(&w) { w in
                    w.line("let out = pooled + position * channels")
                    w.line("for c in 0..<channels { out[c] = -.infinity }")
                    taps(&w) { w in
                        w.line("let at = images + base + y * rowStride + x * columnStride")
                        w.block("for c in 0..<channels {") { w in
                            w.line("let v = at[c * channelStride]")
                            w.line("if v > out[c] || v.isNaN { out[c] = v }")
                        }
                    }
                }
            }
        case (.max, true):
            w.doc("The gradient of `maxPool`: zeroes `gradient`, then adds each element of `upstream` at its window's",
                  "first maximum in row-major order (the element `maxPool` took).")
            w.line("@inline(__always)")
            w.block("static func \(name)(_ images: UnsafePointer<Scalar>, _ upstream: UnsafePointer<Scalar>, _ gradient: UnsafeMutablePointer<Scalar>, \(p)) {") { w in
                w.line("let imageSize = channels * height * width")
                w.line("for i in 0..<batch * imageSize { gradient[i] = 0 }")
                loops(&w) { w in
                    w.block("for c in 0..<channels {") { w in
                        w.line("var best = -Scalar.infinity, taken = -1")
                        taps(&w) { w in
                            w.line("let i = base + c * channelStride + y * rowStride + x * columnStride")
                            w.line("if taken < 0 || images[i] > best || (images[i].isNaN && !best.isNaN) { (best, taken) = (images[i], i) }")
                        }
                        w.line("gradient[taken] += upstream[position * channels + c]")
                    }
                }
            }
        case (.average, false):
            w.doc("Average pooling into NHWC: element position·channels + c of `pooled` is the sum of channel c over",
                  "the window divided by the window's area (padding counts as zeros).")
            w.line("@inline(__always)")
            w.block("static func \(name)(_ images: UnsafePointer<Scalar>, _ pooled: UnsafeMutablePointer<Scalar>, \(p)) {") { w in
                w.line("let imageSize = channels * height * width, scale = 1 / Scalar(kernelHeight * kernelWidth)")
                loops(&w) { w in
                    w.line("let out = pooled + position * channels")
                    w.line("for c in 0..<channels { out[c] = 0 }")
                    taps(&w) { w in
                        w.line("let at = images + base + y * rowStride + x * columnStride")
                        w.line("for c in 0..<channels { out[c] += at[c * channelStride] }")
                    }
                    w.line("for c in 0..<channels { out[c] *= scale }")
                }
            }
        case (.average, true):
            w.doc("The gradient of `averagePool`: zeroes `gradient`, then adds each element of `upstream`, divided by",
                  "the window's area, to every image element of its window.")
            w.line("@inline(__always)")
            w.block("static func \(name)(_ upstream: UnsafePointer<Scalar>, _ gradient: UnsafeMutablePointer<Scalar>, \(p)) {") { w in
                w.line("let imageSize = channels * height * width, scale = 1 / Scalar(kernelHeight * kernelWidth)")
                w.line("for i in 0..<batch * imageSize { gradient[i] = 0 }")
                loops(&w) { w in
                    w.line("let from = upstream + position * channels")
                    taps(&w) { w in
                        w.line("let at = gradient + base + y * rowStride + x * columnStride")
                        w.line("for c in 0..<channels { at[c * channelStride] += from[c] * scale }")
                    }
                }
            }
        }
    }
}
