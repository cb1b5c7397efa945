/// The bound on the memory a generated network allocates: its `Workspace` (the gradient and the
/// scratch the plan lays out: every activation kept for the backward pass, their gradients,
/// packed operands). Without it, `batch: 1048576` with `dense: 1048576` generated a model whose
/// `Workspace()` asked for 17.6 TB and aborted.
public enum WorkspaceLimit {
    /// 2²⁸ scalars: 1 GiB of Float, 2 GiB of Double.
    public static let maximumScalars = 1 << 28

    /// The error for a network whose workspace would exceed the limit, at the layer with the
    /// widest activation (what, with the batch, makes it large); nil when it fits.
    static func check(_ network: NetworkSpec, workspaceCount: Int) -> Diagnostic? {
        guard workspaceCount > maximumScalars else { return nil }
        var widest = network.layers[0], widestWidth = 0, features = network.inputFeatures
        for layer in network.layers {
            guard case .success(let output) = LayerShapes.output(of: layer.kind, from: features) else { break }
            defer { features = output }
            let width: Int
            switch layer.kind {
            case .dense(let units, _, _): width = units
            case .maxout(let units, let pieces): width = units * pieces
            case .conv2d(let c):
                // Its im2col rows: every window of every input channel.
                guard case .image(let image) = features, case .image(let out) = output else { continue }
                width = max(output.count, out.height * out.width * image.channels * c.kernel.height * c.kernel.width)
            case .pool, .batchNorm, .dropout: width = output.count
            case .activation, .flatten: continue
            }
            if width > widestWidth { (widest, widestWidth) = (layer, width) }
        }
        let bytes = Double(workspaceCount) * Double(network.scalar == .double ? 8 : 4)
        return .error("the model's workspace would hold \(workspaceCount) scalars (\(gibibytes(bytes)) GiB), over the limit of \(maximumScalars); "
            + "batch \(network.batch) × this layer's \(widestWidth) outputs is the largest part: lower the batch or the width", at: widest.location)
    }

    private static func gibibytes(_ bytes: Double) -> String {
        let g = bytes / Double(1 << 30)
        return g >= 10 ? String(Int(g.rounded())) : String((g * 10).rounded() / 10)
    }
}
