/// The parts of the network form that describe images: `input: [C, H, W]` and the `conv2d`,
/// `max_pool` and `avg_pool` layers (docs/SPEC-LANGUAGE.md, Image layers).
extension NodeDecoder {
    /// The image of `input: [channels, height, width]`; nil (with no error) for a plain integer.
    mutating func imageInput(_ node: YAMLNode) -> ImageShape? {
        guard case .sequence(let items, let at) = node else { return nil }
        guard items.count == 3 else {
            log.error("'input' as a list is [channels, height, width], found \(items.count) item\(items.count == 1 ? "" : "s")", at: at)
            return nil
        }
        let dims = 1...SpecParser.maximumDimension
        let values = zip(items, ["channels", "height", "width"]).map { integer($0, "the \($1) of 'input'", in: dims) }
        guard let c = values[0], let h = values[1], let w = values[2] else { return nil }
        guard c * h * w <= SpecParser.maximumDimension else {
            log.error("'input' has \(c * h * w) elements per example, over the limit of \(SpecParser.maximumDimension)", at: at)
            return nil
        }
        return ImageShape(channels: c, height: h, width: w)
    }

    /// `n` (both axes) or `[height, width]`, each in `range`.
    mutating func extent(_ node: YAMLNode, _ what: String, in range: ClosedRange<Int>) -> Extent2D? {
        guard case .sequence(let items, let at) = node else { return integer(node, what, in: range).map { Extent2D($0, $0) } }
        guard items.count == 2 else {
            log.error("\(what) as a list is [height, width], found \(items.count) item\(items.count == 1 ? "" : "s")", at: at)
            return nil
        }
        let h = integer(items[0], "the height of \(what)", in: range), w = integer(items[1], "the width of \(what)", in: range)
        guard let h, let w else { return nil }
        return Extent2D(h, w)
    }

    /// `n`, `[height, width]`, `same` or `valid` (no padding).
    mutating func padding(_ node: YAMLNode, _ what: String, allowsSame: Bool) -> Padding? {
        if case .scalar(let word, _, let at) = node, Int(word.replacingUnderscores) == nil {
            switch word {
            case "valid": return .fixed(Extent2D(0, 0))
            case "same" where allowsSame: return .same
            default:
                let words = allowsSame ? "'same', 'valid'" : "'valid'"
                log.error("\(what) is a whole number, [height, width], or one of \(words); found '\(word)'", at: at)
                return nil
            }
        }
        return extent(node, what, in: 0...SpecParser.maximumDimension).map(Padding.fixed)
    }

    /// The fields of a `conv2d:` layer.
    mutating func conv2d(_ f: Fields, _ what: String) -> LayerSpec.Kind? {
        let dims = 1...SpecParser.maximumDimension
        let filters = integer(f["conv2d"]!, "filters of \(what)", in: dims)
        guard let kernelNode = f["kernel"] else {
            log.error("\(what) (conv2d) needs 'kernel:' (n, or [height, width])", at: f.location)
            return nil
        }
        let kernel = extent(kernelNode, "'kernel'", in: dims)
        let stride = f["stride"].map { extent($0, "'stride'", in: dims) } ?? Extent2D(1, 1)
        let padding = f["padding"].map { self.padding($0, "'padding'", allowsSame: true) } ?? .fixed(Extent2D(0, 0))
        let activation = f["activation"].map { self.activation($0) } ?? .identity
        let bias = f["bias"].map { boolean($0, "'bias'") } ?? true
        let initialization = f["init"].map { weightInit($0) }
        if initialization == .some(nil) { return nil }
        guard let filters, let kernel, let stride, let padding, let activation, let bias else { return nil }
        return .conv2d(Conv2DSpec(filters: filters, kernel: kernel, stride: stride, padding: padding, activation: activation,
                                  bias: bias, initialization: initialization ?? nil))
    }

    /// The fields of a `max_pool:` or `avg_pool:` layer.
    mutating func pool(_ f: Fields, _ kind: PoolKind, _ what: String) -> LayerSpec.Kind? {
        let dims = 1...SpecParser.maximumDimension
        let size = extent(f[kind.specName]!, "the size of \(what)", in: dims)
        let stride = f["stride"].map { extent($0, "'stride'", in: dims) } ?? size
        let padding = f["padding"].map { self.padding($0, "'padding'", allowsSame: false) } ?? .fixed(Extent2D(0, 0))
        guard let size, let stride, case .fixed(let pads)? = padding else { return nil }
        return .pool(PoolSpec(kind: kind, size: size, stride: stride, padding: pads))
    }
}
