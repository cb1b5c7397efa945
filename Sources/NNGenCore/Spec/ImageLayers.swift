/// One example's image: `input: [channels, height, width]`, stored NCHW by the caller.
public struct ImageShape: Hashable, Sendable, CustomStringConvertible {
    public var channels: Int, height: Int, width: Int

    /// Creates the shape of a `channels × height × width` image.
    public init(channels: Int, height: Int, width: Int) {
        (self.channels, self.height, self.width) = (channels, height, width)
    }

    /// Elements of one image.
    public var count: Int { channels * height * width }

    /// `6×24×24` (channels × height × width).
    public var description: String { "\(channels)×\(height)×\(width)" }
}

/// Two extents of a window layer, along the height and along the width.
public struct Extent2D: Hashable, Sendable {
    public var height: Int, width: Int

    /// The extents `height` and `width`.
    public init(_ height: Int, _ width: Int) { (self.height, self.width) = (height, width) }
}

/// A window layer's zero padding: fixed rows and columns on each side, or `same`.
public enum Padding: Hashable, Sendable {
    /// `height` rows above and below, `width` columns left and right (`valid` is 0 and 0).
    case fixed(Extent2D)
    /// As many as keep the output's size at stride 1: `kernel − 1` in all, the smaller half above
    /// (left), the larger below (right), as PyTorch's `padding='same'`.
    case same
}

/// A `conv2d:` layer: `y[f] = act(b[f] + Σ_c W[f][c] ⋆ x[c])`, a cross-correlation as in PyTorch.
public struct Conv2DSpec: Hashable, Sendable {
    public var filters: Int
    public var kernel: Extent2D
    public var stride: Extent2D
    public var padding: Padding
    public var activation: Activation
    public var bias: Bool
    /// The weight initialization of this layer; nil: the spec's `init:`, else the activation's default.
    public var initialization: WeightInit?
}

/// `max_pool:` or `avg_pool:`.
public enum PoolKind: String, Hashable, Sendable {
    case max, average

    /// The spec's key (`max_pool`, `avg_pool`).
    public var specName: String { self == .max ? "max_pool" : "avg_pool" }
}

/// A pooling layer: the maximum or the mean of each window, channel by channel.
public struct PoolSpec: Hashable, Sendable {
    public var kind: PoolKind
    public var size: Extent2D
    public var stride: Extent2D
    /// Rows and columns of padding (which a maximum never takes and a mean counts as zeros).
    public var padding: Extent2D
}

/// What a layer receives or produces for one example: a feature vector or an image.
public enum Features: Hashable, Sendable, CustomStringConvertible {
    case vector(Int)
    case image(ImageShape)

    /// Elements per example.
    public var count: Int {
        switch self {
        case .vector(let n): return n
        case .image(let s): return s.count
        }
    }

    /// What a batch norm normalizes separately: the channels of an image, the features of a vector.
    public var channelCount: Int {
        switch self {
        case .vector(let n): return n
        case .image(let s): return s.channels
        }
    }

    /// `120 features` or `6×24×24`.
    public var description: String {
        switch self {
        case .vector(let n): return "\(n) features"
        case .image(let s): return "\(s)"
        }
    }
}

/// The placement of a window (a kernel or a pool) on an image of one axis: padding before and
/// after, and the output's extent.
public struct WindowAxis: Hashable, Sendable {
    public var kernel: Int, stride: Int, padBefore: Int, padAfter: Int, output: Int

    /// The windows of `kernel` at `stride` over `input` padded by `before` and `after`; nil when
    /// the kernel is larger than the padded input. The output has ⌊(input + pads − kernel)/stride⌋ + 1
    /// positions (trailing rows a stride cannot reach are not read, as in PyTorch).
    init?(input: Int, kernel: Int, stride: Int, before: Int, after: Int) {
        let padded = input + before + after
        guard kernel <= padded else { return nil }
        (self.kernel, self.stride, padBefore, padAfter) = (kernel, stride, before, after)
        output = (padded - kernel) / stride + 1
    }
}

/// Shape inference of the layers of the network form, shared by the parser's checks (as located
/// errors) and by the lowering.
public enum LayerShapes {
    /// The windows of a convolution along the height and the width, or the reason there are none.
    static func windows(_ input: ImageShape, kernel: Extent2D, stride: Extent2D, padding: Padding) -> Result<(WindowAxis, WindowAxis), ShapeError> {
        let pads: (Int, Int, Int, Int)  // top, bottom, left, right
        switch padding {
        case .fixed(let p): pads = (p.height, p.height, p.width, p.width)
        case .same:
            guard stride.height == 1, stride.width == 1 else {
                return .failure(ShapeError("padding 'same' needs stride 1 (with stride \(stride.height)×\(stride.width) no padding keeps the \(input.height)×\(input.width) size)"))
            }
            let (th, tw) = (kernel.height - 1, kernel.width - 1)
            pads = (th / 2, th - th / 2, tw / 2, tw - tw / 2)
        }
        guard let rows = WindowAxis(input: input.height, kernel: kernel.height, stride: stride.height, before: pads.0, after: pads.1),
              let columns = WindowAxis(input: input.width, kernel: kernel.width, stride: stride.width, before: pads.2, after: pads.3)
        else {
            return .failure(ShapeError("the \(kernel.height)×\(kernel.width) window is larger than its padded input (\(input.height + pads.0 + pads.1)×\(input.width + pads.2 + pads.3))"))
        }
        return .success((rows, columns))
    }

    /// What `layer` produces from `input`, or why it cannot take it.
    public static func output(of layer: LayerSpec.Kind, from input: Features) -> Result<Features, ShapeError> {
        switch layer {
        case .dense(let units, _, _), .maxout(let units, _):
            return .success(.vector(units))
        case .activation, .batchNorm, .dropout:
            return .success(input)
        case .flatten:
            return .success(.vector(input.count))
        case .conv2d(let c):
            guard case .image(let image) = input else {
                return .failure(ShapeError("conv2d needs an image input [channels, height, width]; it receives \(input)"))
            }
            return windows(image, kernel: c.kernel, stride: c.stride, padding: c.padding).map { rows, columns in
                .image(ImageShape(channels: c.filters, height: rows.output, width: columns.output))
            }
        case .pool(let p):
            guard case .image(let image) = input else {
                return .failure(ShapeError("\(p.kind.specName) needs an image input [channels, height, width]; it receives \(input)"))
            }
            guard 2 * p.padding.height <= p.size.height, 2 * p.padding.width <= p.size.width else {
                return .failure(ShapeError("a pool's padding must be at most half its size (\(p.size.height)×\(p.size.width) with padding \(p.padding.height)×\(p.padding.width))"))
            }
            return windows(image, kernel: p.size, stride: p.stride, padding: .fixed(p.padding)).map { rows, columns in
                .image(ImageShape(channels: image.channels, height: rows.output, width: columns.output))
            }
        }
    }
}

/// Why a layer cannot take its input (the parser reports it at the layer).
public struct ShapeError: Error, Sendable {
    public var message: String
    init(_ message: String) { self.message = message }
}
