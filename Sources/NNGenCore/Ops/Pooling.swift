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

    /// True for max pooling whose windows tile the image (stride = size, no padding) over rows of
    /// `(x, c)` runs (NHWC, or one channel): each element is in one window at most, which the
    /// `maxPoolTiles` helpers use.
    var tiles: Bool {
        let g = window
        return kind == .max && g.hasContiguousRuns && g.rows.stride == g.rows.kernel && g.columns.stride == g.columns.kernel
            && g.rows.padBefore == 0 && g.columns.padBefore == 0
    }

    /// The emitted helper computing this op or its gradient.
    func helperName(gradient: Bool) -> String { Self.helperName(kind, tiles: tiles, gradient: gradient) }

    /// The emitted helper computing the op (`maxPool`, `maxPoolTiles`, `averagePool`) or its
    /// gradient (`…Gradient`).
    static func helperName(_ kind: PoolKind, tiles: Bool, gradient: Bool) -> String {
        (kind == .max ? (tiles ? "maxPoolTiles" : "maxPool") : "averagePool") + (gradient ? "Gradient" : "")
    }

    /// Emits the helper of `kind` (forward) or of its gradient; `tiles` for the helpers of windows
    /// that tile the image (max pooling only, see `tiles`).
    static func emitHelper(_ kind: PoolKind, tiles: Bool, gradient: Bool, _ w: inout CodeWriter) {
        if tiles { return emitTilesHelper(gradient: gradient, &w) }
        let name = helperName(kind, tiles: false, gradient: gradient), p = WindowGeometry.helperParameters
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
                emitChannelVectors(contiguous: "channelStride == 1", lanes: false, &w, window: { $0.line("let base = n * imageSize") }) { w in
                    let value = "load(images + base + y * rowStride + x * columnStride + at)"
                    emitVectorMaximum(&w, start: "V(repeating: -.infinity)", taps: taps, value: value)
                    w.line("store(best, pooled + position * channels + at)")
                }
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
                emitChannelVectors(contiguous: "channelStride == 1", lanes: true, &w, window: { $0.line("let base = n * imageSize") }) { w in
                    let tap = "base + y * rowStride + x * columnStride + at"
                    emitVectorMaximum(&w, start: "V(repeating: -.infinity)", taps: taps, value: "load(images + \(tap))")
                    w.line("let up = load(upstream + position * channels + at)")
                    w.line("// Windows overlap: each adds its value. The lanes below c − at are the previous vector's.")
                    emitVectorRouting(&w, found: "lane .< V.MaskStorage(repeating: V.MaskStorage.Scalar(c - at))", taps: taps,
                                      value: "load(images + \(tap))",
                                      write: ["let g = gradient + \(tap)", "store(load(g) + V().replacing(with: up, where: hit), g)"])
                }
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

    /// Emits `maxPoolTiles` or `maxPoolTilesGradient`: windows that tile the image, so no padding
    /// to test and, for the gradient, each element written once (elements past the last whole
    /// window, which no window reads, are zeroed first). A window row's taps are a run of
    /// `kernelWidth·channels` elements: the maximum's loop over the channels is contiguous. Both
    /// max-pooling helpers take 2 channels or more a vector at a time (`emitChannelVectors`), and
    /// keep their scalar loops for one channel and for the caller's NCHW images.
    private static func emitTilesHelper(gradient: Bool, _ w: inout CodeWriter) {
        let p = WindowGeometry.helperParameters
        if gradient {
            w.doc("The gradient of `maxPoolTiles`: in each window, each channel's upstream element goes to the first maximum in",
                  "row-major order (a NaN wins) and the window's other elements get 0; elements no window reads get 0.")
        } else {
            w.doc("Max pooling into NHWC of windows that tile the image (stride = size, no padding): element position·channels + c",
                  "of `pooled` is the maximum of channel c over the window (a NaN propagates).")
        }
        w.line("@inline(__always)")
        let signature = gradient
            ? "(_ images: UnsafePointer<Scalar>, _ upstream: UnsafePointer<Scalar>, _ gradient: UnsafeMutablePointer<Scalar>, \(p))"
            : "(_ images: UnsafePointer<Scalar>, _ pooled: UnsafeMutablePointer<Scalar>, \(p))"
        w.block("static func \(helperName(.max, tiles: true, gradient: gradient))\(signature) {") { w in
            w.line("let imageSize = channels * height * width, run = kernelWidth * channels")
            if gradient {
                w.block("if outputHeight * kernelHeight < height || outputWidth * kernelWidth < width {") { w in
                    w.line("for i in 0..<batch * imageSize { gradient[i] = 0 }")
                }
            }
            let corner = "let corner = n * imageSize + oy * kernelHeight * rowStride + ox * run"
            emitChannelVectors(contiguous: nil, lanes: false, &w, window: { $0.line(corner) }) { w in
                w.line("let first = images + corner + at")
                let laterTaps = { (w: inout CodeWriter, body: (inout CodeWriter) -> Void) in
                    w.block("for ky in 0..<kernelHeight {") { w in
                        w.block("for kx in (ky == 0 ? 1 : 0)..<kernelWidth {", body)
                    }
                }
                emitVectorMaximum(&w, start: "load(first)", taps: laterTaps, value: "load(first + ky * rowStride + kx * channels)")
                guard gradient else { return w.line("store(best, pooled + position * channels + at)") }
                w.line("let up = load(upstream + position * channels + at), out = gradient + corner + at")
                w.line("// Every element of the window is written (the lanes shared with the previous vector get the same values).")
                let allTaps = { (w: inout CodeWriter, body: (inout CodeWriter) -> Void) in
                    w.block("for ky in 0..<kernelHeight {") { w in
                        w.block("for kx in 0..<kernelWidth {") { w in
                            w.line("let offset = ky * rowStride + kx * channels")
                            body(&w)
                        }
                    }
                }
                emitVectorRouting(&w, found: "SIMDMask<V.MaskStorage>(repeating: false)", taps: allTaps, value: "load(first + offset)",
                                  write: ["store(V().replacing(with: up, where: hit), out + offset)"])
            }
            w.block("for n in 0..<batch {") { w in
                w.block("for oy in 0..<outputHeight {") { w in
                    w.block("for ox in 0..<outputWidth {") { w in
                        w.line("let position = (n * outputHeight + oy) * outputWidth + ox")
                        w.line("let corner = n * imageSize + oy * kernelHeight * rowStride + ox * run")
                        if gradient {
                            w.line("let from = upstream + position * channels")
                            w.block("for c in 0..<channels {") { w in
                                w.line("var best = images[corner + c], taken = corner + c")
                                w.block("for ky in 0..<kernelHeight {") { w in
                                    w.line("let line = corner + ky * rowStride + c")
                                    w.block("for kx in 0..<kernelWidth {") { w in
                                        w.line("let i = line + kx * channels, v = images[i]")
                                        w.line("if v > best || (v.isNaN && !best.isNaN) { (best, taken) = (v, i) }")
                                        w.line("gradient[i] = 0")
                                    }
                                }
                                w.line("gradient[taken] = from[c]")
                            }
                        } else {
                            w.line("let out = pooled + position * channels, first = images + corner")
                            w.line("for c in 0..<channels { out[c] = first[c] }")
                            w.block("for ky in 0..<kernelHeight {") { w in
                                w.block("for kx in (ky == 0 ? 1 : 0)..<kernelWidth {") { w in
                                    w.line("let tap = first + ky * rowStride + kx * channels")
                                    w.block("for c in 0..<channels {") { w in
                                        w.line("let v = tap[c]")
                                        w.line("out[c] = v > out[c] || v.isNaN ? v : out[c]")
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
