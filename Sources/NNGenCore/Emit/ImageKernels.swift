/// The helpers of the image ops (`Convolution`, `Pooling`) and of batch norm (`BatchNormalization`) that a network's graphs use, each
/// emitted once per model, in a fixed order.
enum ImageKernels {
    /// Emits, after a `MARK`, the helper of every image op that one of `graphs` contains.
    static func emit(for graphs: [Graph], _ w: inout CodeWriter) {
        var used = Set<String>()
        for graph in graphs {
            for op in graph.ops {
                switch op.kind {
                case .im2col: used.insert(Convolution.helperName(adjoint: false))
                case .col2im: used.insert(Convolution.helperName(adjoint: true))
                case .convolution: used.insert(DirectConvolution.helperName(gradient: false))
                case .convolutionFilterGradient: used.insert(DirectConvolution.helperName(gradient: true))
                case .pool(let p): used.insert(p.helperName(gradient: false))
                case .poolGradient(let p): used.insert(p.helperName(gradient: true))
                case .batchStatistics: used.insert("batchStatistics")
                case .normalize: used.insert("batchNormalize")
                case .normalizeGradient: used.insert("batchNormalizeGradient")
                default: break
                }
            }
        }
        guard !used.isEmpty else { return }
        w.line("// MARK: Image kernels")
        for adjoint in [false, true] where used.contains(Convolution.helperName(adjoint: adjoint)) {
            w.line("")
            Convolution.emitHelper(adjoint: adjoint, &w)
        }
        let direct = [false, true].filter { used.contains(DirectConvolution.helperName(gradient: $0)) }
        if !direct.isEmpty {
            w.line("")
            DirectConvolution.emitPaddingHelper(&w)
        }
        for gradient in direct {
            w.line("")
            if !gradient {
                DirectConvolution.emitFilterVectorHelper(&w)
                w.line("")
            }
            DirectConvolution.emitHelper(gradient: gradient, &w)
        }
        for (kind, tiles) in [(PoolKind.max, false), (.max, true), (.average, false)] {
            for gradient in [false, true] where used.contains(Pooling.helperName(kind, tiles: tiles, gradient: gradient)) {
                w.line("")
                Pooling.emitHelper(kind, tiles: tiles, gradient: gradient, &w)
            }
        }
        for name in BatchNormalization.helperNames where used.contains(name) {
            w.line("")
            BatchNormalization.emitHelper(name, &w)
        }
        w.line("")
    }
}
