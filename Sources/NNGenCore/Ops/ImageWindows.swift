/// Where the elements of a batch of images are in memory: the caller's input is channel-first
/// (NCHW, PyTorch's layout); the images that layers compute are channel-last (NHWC), so that a
/// convolution's product writes them directly (one row of C per position, one column per filter)
/// and a bias broadcasts along the rows.
public struct ImageLayout: Hashable, Sendable, CustomStringConvertible {
    public var batch: Int, channels: Int, height: Int, width: Int
    /// True for NHWC, false for NCHW.
    public var channelsLast: Bool

    /// Elements of the whole batch.
    public var count: Int { batch * channels * height * width }

    /// One image's channels, height and width.
    public var shape: ImageShape { ImageShape(channels: channels, height: height, width: width) }

    /// The distances between neighbouring elements along the channels, the rows and the columns
    /// of one image (whose elements are `channels · height · width` apart from the next image's).
    public var strides: (channel: Int, row: Int, column: Int) {
        channelsLast ? (1, width * channels, channels) : (height * width, width, 1)
    }

    /// The flat index of element (n, c, y, x).
    public func index(_ n: Int, _ c: Int, _ y: Int, _ x: Int) -> Int {
        let s = strides
        return n * channels * height * width + c * s.channel + y * s.row + x * s.column
    }

    /// The extents in memory order, outermost first: `64×24×24×6 NHWC`, `64×1×28×28 NCHW`.
    public var description: String {
        channelsLast ? "\(batch)×\(height)×\(width)×\(channels) NHWC" : "\(batch)×\(channels)×\(height)×\(width) NCHW"
    }
}

/// The windows of a convolution or a pooling layer on a batch of images: window (oy, ox) covers
/// rows `oy·stride − padBefore ..< + kernel` and the columns likewise; positions outside the
/// image are padding. Positions are numbered `(n·outputHeight + oy)·outputWidth + ox`.
public struct WindowGeometry: Hashable, Sendable {
    public var input: ImageLayout
    public var rows: WindowAxis, columns: WindowAxis

    /// Windows in the batch: the rows of an im2col matrix, the output positions of a pool.
    public var positions: Int { input.batch * rows.output * columns.output }
    /// Elements of one window of all channels: an im2col row (`channels · kernel height · kernel width`).
    public var windowSize: Int { input.channels * rows.kernel * columns.kernel }

    /// The im2col column of channel c at tap (ky, kx): `(ky·kw + kx)·channels + c`, tap by tap, so
    /// that when the input's `(x, c)` elements are one run in memory (NHWC, or a single channel) a
    /// window row is one contiguous copy (`Convolution`).
    public func column(_ c: Int, _ ky: Int, _ kx: Int) -> Int { (ky * columns.kernel + kx) * input.channels + c }

    /// True when a row's `(x, c)` elements are one run, `x·channels + c` (NHWC, or one channel):
    /// what im2col's helpers need.
    public var hasContiguousRuns: Bool { input.channels == 1 || input.channelsLast }

    /// The flat input index under offset (ky, kx) of window (oy, ox) of image n, channel c; nil in
    /// the padding.
    public func source(_ n: Int, _ c: Int, _ oy: Int, _ ox: Int, _ ky: Int, _ kx: Int) -> Int? {
        let y = oy * rows.stride - rows.padBefore + ky, x = ox * columns.stride - columns.padBefore + kx
        guard y >= 0, y < input.height, x >= 0, x < input.width else { return nil }
        return input.index(n, c, y, x)
    }

    /// The image that a layer computes from these windows with `channels` channels (NHWC).
    func output(channels: Int) -> ImageLayout {
        ImageLayout(batch: input.batch, channels: channels, height: rows.output, width: columns.output, channelsLast: true)
    }

    /// The arguments every image helper takes after its two pointers, in this order: batch,
    /// channels, height, width, the three strides, kernel height and width, the strides of the
    /// windows, the padding above and left, and the output's height and width.
    var helperArguments: [KernelArgument] {
        let s = input.strides
        return [input.batch, input.channels, input.height, input.width, s.channel, s.row, s.column,
                rows.kernel, columns.kernel, rows.stride, columns.stride, rows.padBefore, columns.padBefore,
                rows.output, columns.output].map(KernelArgument.int)
    }

    /// `5×5 windows, stride 1, of 64×1×28×28 NCHW` (for comments).
    var summary: String {
        let stride = rows.stride == columns.stride ? "\(rows.stride)" : "\(rows.stride)×\(columns.stride)"
        let pad = rows.padBefore + rows.padAfter + columns.padBefore + columns.padAfter == 0 ? ""
            : ", padding \(rows.padBefore)/\(rows.padAfter)×\(columns.padBefore)/\(columns.padAfter)"
        return "\(rows.kernel)×\(columns.kernel) windows, stride \(stride)\(pad), of \(input)"
    }

    /// The parameter list the emitted helpers share (see `helperArguments`).
    static let helperParameters = "_ batch: Int, _ channels: Int, _ height: Int, _ width: Int, _ channelStride: Int, _ rowStride: Int, "
        + "_ columnStride: Int, _ kernelHeight: Int, _ kernelWidth: Int, _ strideY: Int, _ strideX: Int, _ padTop: Int, _ padLeft: Int, "
        + "_ outputHeight: Int, _ outputWidth: Int"
}
