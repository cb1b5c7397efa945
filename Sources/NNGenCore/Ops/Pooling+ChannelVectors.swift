/// The max-pooling helpers' path for images whose channels are contiguous (NHWC, 2 channels or
/// more): each window is taken a vector of channels at a time, and the maximum, the NaN rule and
/// the routing of the gradient are lane masks and blends, with no branch on the data.
///
/// The scalar loops compare element by element: on data whose order is random (any trained
/// layer's activations) about one comparison in four is mispredicted, and LeNet's first max pool
/// and its gradient took 1.1 ms of a 3.6 ms step on random images against 0.35 ms on images of a
/// repeating pattern (docs/performance/convolutions.md, "Fourth round").
///
/// A helper dispatches on the channel count to vectors of 8, 4 or 2 lanes, each path emitted with
/// its own concrete `SIMDn<Scalar>`: the concrete types' comparisons are vector instructions,
/// while code generic over `SIMD` goes through the protocol's lane-by-lane implementations.
/// When the vector width does not divide the channels, the last vector ends at the last channel
/// and overlaps the one before it.
extension Pooling {
    /// The vector widths, widest first, and the smallest channel count each takes.
    static let channelVectorWidths = [8, 4, 2]

    /// Emits `if <contiguous> && channels >= 2 { … return }` (the helper's channels are contiguous
    /// when `contiguous` is nil) with one path per vector width; `body` emits
    /// the work of one vector at channel `at` of window (`n`, `oy`, `ox`, `position`), where the
    /// vector type is `V`, `load(_:)` and `store(_:_:)` its unaligned accesses, and `lane` (when
    /// `lanes` is true) the vector of lane indices.
    static func emitChannelVectors(contiguous: String?, lanes: Bool, _ w: inout CodeWriter,
                                   window: (inout CodeWriter) -> Void, body: (inout CodeWriter) -> Void) {
        w.block("if \(contiguous.map { $0 + " && " } ?? "")channels >= 2 {") { w in
            w.line("// Channels contiguous: a vector of channels at a time, compared without branches.")
            for (i, width) in channelVectorWidths.enumerated() {
                let opening = i == 0 ? "if channels >= \(width) {"
                    : i == channelVectorWidths.count - 1 ? "} else {" : "} else if channels >= \(width) {"
                w.line(opening)
                w.indented { w in
                    w.line("typealias V = SIMD\(width)<Scalar>")
                    w.line("func load(_ p: UnsafePointer<Scalar>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }")
                    w.line("func store(_ v: V, _ p: UnsafeMutablePointer<Scalar>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }")
                    if lanes { w.line("let lane: V.MaskStorage = [\((0..<width).map(String.init).joined(separator: ", "))]") }
                    w.block("for n in 0..<batch {") { w in
                        w.block("for oy in 0..<outputHeight {") { w in
                            w.block("for ox in 0..<outputWidth {") { w in
                                w.line("let position = (n * outputHeight + oy) * outputWidth + ox")
                                window(&w)
                                w.line("var c = 0")
                                w.block("while c < channels {") { w in
                                    w.line("let at = min(c, channels - V.scalarCount)")
                                    body(&w)
                                    w.line("c = at + V.scalarCount")
                                }
                            }
                        }
                    }
                }
            }
            w.line("}")
            w.line("return")
        }
    }

    /// `best` = the maximum of `v` over the taps that `taps` emits (`v` bound by `value`), a NaN
    /// propagating as the scalar loops' `v > best || v.isNaN` does.
    static func emitVectorMaximum(_ w: inout CodeWriter, start: String, taps: (inout CodeWriter, (inout CodeWriter) -> Void) -> Void, value: String) {
        w.line("var best = \(start)")
        taps(&w) { w in
            w.line("let v = \(value)")
            w.line("best.replace(with: v, where: (v .> best) .| (v .!= v))")
        }
    }

    /// The routing of one vector's upstream values in the windows' taps: the first element equal
    /// to the maximum in row-major order (the first NaN when the maximum is NaN) takes `up`, the
    /// others 0. `found` starts as given (lanes already routed by the vector before count as found).
    static func emitVectorRouting(_ w: inout CodeWriter, found: String, taps: (inout CodeWriter, (inout CodeWriter) -> Void) -> Void,
                                  value: String, write: [String]) {
        w.line("let bestIsNaN = best .!= best")
        w.line("var found = \(found)")
        taps(&w) { w in
            w.line("let v = \(value)")
            w.line("let hit = ((v .== best) .| (bestIsNaN .& (v .!= v))) .& .!found")
            w.line("found = found .| hit")
            for line in write { w.line(line) }
        }
    }
}
