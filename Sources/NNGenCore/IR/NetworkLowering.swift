/// Lowers a network spec to the IR: dense and maxout layers to matmul, bias add and activation
/// ops; convolutions to im2col, matmul and bias add (`Convolution`), pooling to pool ops and
/// flattening to a transpose of each image from NHWC to NCHW; batch norm to the batch
/// statistics and normalization (`BatchNormalization`) in training or the running statistics'
/// affine map at inference, and dropout to a product with a mask in training; the loss and the L2
/// term to loss and reduction ops; then, for training, differentiates the loss.
public enum NetworkLowering {
    /// Builds the model of `spec` for training (with a loss, differentiated) or for inference
    /// (see `NetworkMode`). With `rewrites`, convolutions that `DirectConvolution` applies to are
    /// computed directly; without, every convolution is im2col and a product (the reference that
    /// `--no-fusion` emits).
    public static func lower(_ spec: NetworkSpec, mode: NetworkMode = .training, rewrites: Bool = true) -> NetworkModel {
        var b = GraphBuilder()
        let n = spec.batch
        let inputs = b.declare("x", Shape([n, spec.input]), role: .input)
        var h = inputs, width = spec.input, offset = 0, layerNumber = 0
        // The layout of `h` while it is an image (the caller's NCHW, then the layers' NHWC).
        var image = spec.inputImage.map { ImageLayout(batch: n, channels: $0.channels, height: $0.height, width: $0.width, channelsLast: false) }
        var parameters: [ParameterInfo] = []
        var runningStatistics: [RunningStatisticsUpdate] = [], dropoutMasks: [DropoutMask] = []
        var batchNorms = 0

        func addParameter(_ name: String, _ kind: ParameterInfo.Kind, _ shape: [Int], slices: Int, layer: Int, initialization: WeightInit, fanIn: Int, fanOut: Int,
                          tensor: String, pytorch: String?) -> [ValueID] {
            let sliceShape = Shape(Array(shape.dropFirst(slices > 1 ? 1 : 0)))
            let ids = (0..<slices).map { piece in
                b.declare(slices > 1 ? "\(name)_\(piece)" : name, sliceShape, role: .parameter(offset: offset + piece * sliceShape.count))
            }
            parameters.append(ParameterInfo(name: name, kind: kind, offset: offset, shape: shape, layer: layer,
                                            initialization: initialization, fanIn: fanIn, fanOut: fanOut, slices: ids,
                                            tensorName: tensor, pytorchName: pytorch))
            offset += shape.reduce(1, *)
            return ids
        }

        func activate(_ a: Activation, _ z: ValueID, _ name: String) -> ValueID {
            guard let f = a.function else { return z }
            return b.unary(f, z, name, "\(name) = \(a.specName)(\(b.name(z)))")
        }

        /// `h·W (+ b)` for one weight slice: the affine map of a dense layer or a maxout piece.
        func affine(_ w: ValueID, _ bias: ValueID?, units: Int, name: String) -> ValueID {
            let shape = MatmulShape(m: n, k: width, n: units, transposeA: false, transposeB: false)
            let productName = bias == nil ? name : "\(name)_linear"
            let product = b.op(.matmul(shape), [h, w], name: productName, comment: OpComment("\(productName) = \(b.name(h)) · \(b.name(w))", .shapes("[\(n)×\(width)]·[\(width)×\(units)]")))
            guard let bias else { return product }
            return b.binary(.add, product, bias, name, OpComment("\(name) = \(productName) + \(b.name(bias))", .remark("bias added to every row")))
        }

        /// An image as the feature vectors a dense layer reads: each image's NHWC transposed to
        /// NCHW, PyTorch's flattening order (nothing to do for the caller's NCHW input).
        func flatten(_ name: String) {
            guard let layout = image else { return }
            image = nil
            width = layout.channels * layout.height * layout.width
            guard layout.channelsLast else { return }
            let spatial = layout.height * layout.width
            h = b.op(.transpose(count: n, rows: spatial, cols: layout.channels), [h], name: name, shape: Shape([n, width]),
                     comment: OpComment("\(name) = \(b.name(h)) flattened: each image from [\(layout.height)×\(layout.width)×\(layout.channels)] (NHWC) to [\(layout.channels)×\(layout.height)×\(layout.width)] (NCHW)"))
        }

        /// The caller's NCHW image with several channels as NHWC (each channel a column of
        /// [positions × channels]), which convolutions and batch norms read.
        func channelsLast(_ name: String) {
            guard let layout = image, !layout.channelsLast, layout.channels > 1 else { return }
            let spatial = layout.height * layout.width
            h = b.op(.transpose(count: n, rows: layout.channels, cols: spatial), [h], name: name, shape: Shape([n * spatial, layout.channels]),
                     comment: "\(name) = \(b.name(h)) from NCHW to NHWC, each channel a column")
            image = ImageLayout(batch: n, channels: layout.channels, height: layout.height, width: layout.width, channelsLast: true)
        }

        var layerOps: [Range<Int>] = []
        for (index, layer) in spec.layers.enumerated() {
            let firstOp = b.graph.ops.count
            defer { layerOps.append(firstOp..<b.graph.ops.count) }
            switch layer.kind {
            case .dense, .maxout: flatten("flat\(index + 1)")
            default: break
            }
            switch layer.kind {
            case .dense(let units, let activation, let hasBias):
                layerNumber += 1
                let k = layerNumber, prefix = layer.name.map { "\($0)_" } ?? ""
                let scheme = spec.initialization.weights ?? defaultInit(activation)
                let w = addParameter(layer.name.map { "\($0)_W" } ?? "W\(k)", .weight, [width, units], slices: 1, layer: k,
                                     initialization: scheme, fanIn: width, fanOut: units,
                                     tensor: layer.name.map { "\($0).W" } ?? "W\(k)", pytorch: layer.name.map { "\($0).weight" })[0]
                let bias = hasBias ? addParameter(layer.name.map { "\($0)_b" } ?? "b\(k)", .bias, [units], slices: 1, layer: k,
                                                  initialization: scheme, fanIn: width, fanOut: units,
                                                  tensor: layer.name.map { "\($0).b" } ?? "b\(k)", pytorch: layer.name.map { "\($0).bias" })[0] : nil
                let z = affine(w, bias, units: units, name: "\(prefix)z\(k)")
                h = activate(activation, z, "\(prefix)h\(k)")
                width = units
            case .maxout(let units, let pieces):
                layerNumber += 1
                let k = layerNumber, prefix = layer.name.map { "\($0)_" } ?? ""
                let scheme = spec.initialization.weights ?? .he
                let ws = addParameter(layer.name.map { "\($0)_W" } ?? "W\(k)", .weight, [pieces, width, units], slices: pieces, layer: k,
                                      initialization: scheme, fanIn: width, fanOut: units,
                                      tensor: layer.name.map { "\($0).W" } ?? "W\(k)", pytorch: nil)
                let bs = addParameter(layer.name.map { "\($0)_b" } ?? "b\(k)", .bias, [pieces, units], slices: pieces, layer: k,
                                      initialization: scheme, fanIn: width, fanOut: units,
                                      tensor: layer.name.map { "\($0).b" } ?? "b\(k)", pytorch: nil)
                let zs = (0..<pieces).map { affine(ws[$0], bs[$0], units: units, name: "\(prefix)z\(k)_\($0)") }
                var m = zs[0]
                for p in 1..<pieces {
                    let name = p == pieces - 1 ? "\(prefix)h\(k)" : "\(prefix)h\(k)_upto\(p)"
                    m = b.binary(.max, m, zs[p], name, OpComment("\(name) = max(\(b.name(m)), \(b.name(zs[p])))", .remark("maxout over pieces; ties keep the lower piece")))
                }
                h = m
                width = units
            case .activation(let a):
                h = activate(a, h, "a\(index + 1)")
            case .conv2d(let c):
                layerNumber += 1
                let k = layerNumber, prefix = layer.name.map { "\($0)_" } ?? ""
                channelsLast("\(prefix)x\(k)_nhwc")  // so that each window row is one run
                guard let layout = image, case .success(let (rows, columns)) = LayerShapes.windows(layout.shape, kernel: c.kernel, stride: c.stride, padding: c.padding)
                else { preconditionFailure("the parser checks the shapes of conv2d layers") }
                let g = WindowGeometry(input: layout, rows: rows, columns: columns)
                precondition(g.hasContiguousRuns, "im2col's helpers read NHWC or one channel")
                let scheme = c.initialization ?? spec.initialization.weights ?? defaultInit(c.activation)
                let fanIn = g.windowSize, fanOut = c.filters * c.kernel.height * c.kernel.width
                let w = addParameter(layer.name.map { "\($0)_W" } ?? "W\(k)", .weight, [c.filters, layout.channels, c.kernel.height, c.kernel.width], slices: 1,
                                     layer: k, initialization: scheme, fanIn: fanIn, fanOut: fanOut,
                                     tensor: layer.name.map { "\($0).W" } ?? "W\(k)", pytorch: layer.name.map { "\($0).weight" })[0]
                let bias = c.bias ? addParameter(layer.name.map { "\($0)_b" } ?? "b\(k)", .bias, [c.filters], slices: 1, layer: k,
                                                 initialization: scheme, fanIn: fanIn, fanOut: fanOut,
                                                 tensor: layer.name.map { "\($0).b" } ?? "b\(k)", pytorch: layer.name.map { "\($0).bias" })[0] : nil
                let z = "\(prefix)z\(k)", productName = bias == nil ? z : "\(z)_linear"
                /// The convolution without its bias: computed directly when `DirectConvolution`'s rule
                /// holds, otherwise im2col and a product.
                func convolution() -> ValueID {
                    if rewrites && DirectConvolution.applies(to: g, filters: c.filters) {
                        return b.op(.convolution(DirectConvolution(window: g, filters: c.filters)), [h, w], name: productName,
                                    comment: OpComment("\(productName) = \(b.name(h)) ⋆ \(b.name(w)), each window times each filter, computed directly (NHWC)",
                                                       .remark(g.summary)))
                    }
                    let rowsName = "\(prefix)windows\(k)"
                    let windows = b.op(.im2col(g), [h], name: rowsName, comment: "\(rowsName) = im2col(\(b.name(h))): \(g.summary), one row per window")
                    // The rows' columns are tap by tap: with several channels the filters are taken in that
                    // order too, [F][kh][kw][C].
                    let taps = c.kernel.height * c.kernel.width
                    let filters = layout.channels > 1
                        ? b.op(.transpose(count: c.filters, rows: layout.channels, cols: taps), [w], name: "\(b.name(w))_by_tap", shape: Shape([c.filters, g.windowSize]),
                               comment: "\(b.name(w))_by_tap = each filter of \(b.name(w)) from [\(layout.channels)][\(c.kernel.height)×\(c.kernel.width)] to [\(c.kernel.height)×\(c.kernel.width)][\(layout.channels)], the order of the windows' columns")
                        : w
                    let shape = MatmulShape(m: g.positions, k: g.windowSize, n: c.filters, transposeA: false, transposeB: true)
                    return b.op(.matmul(shape), [windows, filters], name: productName,
                                comment: OpComment("\(productName) = \(rowsName) · \(b.name(filters))ᵀ, the convolution as a product (NHWC)",
                                                   .shapes("[\(g.positions)×\(g.windowSize)]·[\(g.windowSize)×\(c.filters)]")))
                }
                let product = convolution()
                let zValue = bias.map { b.binary(.add, product, $0, z, OpComment("\(z) = \(productName) + \(b.name($0))", .remark("bias added to every position"))) } ?? product
                h = activate(c.activation, zValue, "\(prefix)h\(k)")
                image = g.output(channels: c.filters)
            case .pool(let p):
                guard let layout = image, case .success(let (rows, columns)) = LayerShapes.windows(layout.shape, kernel: p.size, stride: p.stride, padding: .fixed(p.padding))
                else { preconditionFailure("the parser checks the shapes of pooling layers") }
                let pooling = Pooling(kind: p.kind, window: WindowGeometry(input: layout, rows: rows, columns: columns))
                let name = layer.name ?? "pool\(index + 1)"
                h = b.op(.pool(pooling), [h], name: name,
                         comment: "\(name) = \(p.kind == .max ? "max" : "mean") of \(b.name(h)) over \(pooling.window.summary)")
                image = pooling.window.output(channels: layout.channels)
            case .flatten:
                flatten(layer.name ?? "flat\(index + 1)")
            case .batchNorm(let bn):
                batchNorms += 1
                let prefix = layer.name ?? "bn\(batchNorms)"
                channelsLast("\(prefix)_nhwc")  // per channel: each a column
                let channels = image?.channels ?? width, rows = b.shape(h).count / channels
                let arrays = [("gamma", ParameterInfo.Kind.scale, "weight"), ("beta", .shift, "bias"),
                              ("running_mean", .runningMean, "running_mean"), ("running_var", .runningVariance, "running_var")]
                // (Their kind sets how they start; `initialization` is only read for weights.)
                let ids = arrays.map { suffix, kind, torch in
                    addParameter("\(prefix)_\(suffix)", kind, [channels], slices: 1, layer: layerNumber, initialization: .xavier, fanIn: channels, fanOut: channels,
                                 tensor: "\(prefix).\(torch)", pytorch: layer.name.map { "\($0).\(torch)" })[0]
                }
                let (gamma, beta, mean, variance) = (ids[0], ids[1], ids[2], ids[3])
                let matrix = Shape([rows, channels])
                let x = b.shape(h) == matrix ? h : b.op(.copy, [h], name: "\(prefix)_input", shape: matrix, comment: "\(prefix)_input = \(b.name(h)) as [\(rows)×\(channels)]")
                let normalized: ValueID
                switch mode {
                case .training:
                    let norm = BatchNormalization(rows: rows, channels: channels, epsilon: bn.epsilon)
                    let statistics = b.op(.batchStatistics(norm), [x], name: "\(prefix)_statistics",
                                          comment: "\(prefix)_statistics = the mean μ and the variance σ² of each of the \(channels) channels of \(b.name(x)) over \(rows) values")
                    normalized = b.op(.normalize(norm), [x, statistics], name: "\(prefix)_normalized",
                                      comment: "\(prefix)_normalized = (\(b.name(x)) − μ) / √(σ² + \(bn.epsilon)), the batch's statistics")
                    runningStatistics.append(RunningStatisticsUpdate(statistics: statistics, mean: parameters[parameters.count - 2].offset,
                                                                     variance: parameters[parameters.count - 1].offset, channels: channels, rows: rows, momentum: bn.momentum))
                case .inference:
                    // x̂ = (x − running mean) · 1/√(running variance + ε), the scale computed per channel.
                    let shifted = b.binary(.add, variance, b.constant(bn.epsilon), "\(prefix)_variance", "\(prefix)_variance = \(b.name(variance)) + \(bn.epsilon)")
                    let deviation = b.unary(UnaryFunction(UnaryOp.sqrt), shifted, "\(prefix)_deviation", "\(prefix)_deviation = √\(b.name(shifted))")
                    let inverse = b.binary(.div, b.constant(1), deviation, "\(prefix)_inverse", "\(prefix)_inverse = 1 / \(b.name(deviation))")
                    let centered = b.binary(.sub, x, mean, "\(prefix)_centered", "\(prefix)_centered = \(b.name(x)) − \(b.name(mean)), the running mean")
                    normalized = b.binary(.mul, centered, inverse, "\(prefix)_normalized", "\(prefix)_normalized = \(b.name(centered)) · \(b.name(inverse))")
                }
                let scaled = b.binary(.mul, normalized, gamma, "\(prefix)_scaled", "\(prefix)_scaled = \(b.name(normalized)) · \(b.name(gamma))")
                h = b.binary(.add, scaled, beta, "\(prefix)_out", "\(prefix)_out = \(b.name(scaled)) + \(b.name(beta))")
            case .dropout(let rate):
                guard mode == .training, rate > 0 else { break }
                let number = dropoutMasks.count + 1, count = b.shape(h).count
                let offset = dropoutMasks.last.map { $0.offset + $0.count } ?? 0
                dropoutMasks.append(DropoutMask(layer: number, offset: offset, count: count, rate: rate))
                let mask = b.declare("dropout\(number)_mask", b.shape(h), role: .dropoutMask(offset: offset))
                let name = layer.name ?? "dropout\(number)"
                h = b.binary(.mul, h, mask, name, OpComment("\(name) = \(b.name(h)) · \(b.name(mask))",
                                                            .remark("inverted dropout: each unit zeroed with probability \(rate), the others scaled by 1/(1 − \(rate))")))
            }
        }
        // A network that ends on an image scores it flattened (NCHW).
        flatten("flat_scores")
        let scores = h
        var labels: ValueID?, targets: ValueID?, loss: ValueID?
        var gradients: [(ValueID, ValueID)] = []
        if let lossSpec = spec.loss {
            let sn = b.name(scores)
            let dataLoss: ValueID
            let dataName = spec.l2 > 0 ? "data_loss" : "loss"
            let target: ValueID
            if lossSpec.takesLabels {
                labels = b.declare("y", Shape([n]), role: .labels)
                target = labels!
            } else {
                targets = b.declare("t", b.shape(scores), role: .targets)
                target = targets!
            }
            dataLoss = b.op(.loss(lossSpec), [scores, target], name: dataName,
                            comment: "\(dataName) = \(lossSpec.function.formula(sn, lossSpec.attribute))")
            loss = dataLoss
            let weights = parameters.filter { $0.kind == .weight }.flatMap(\.slices)
            if spec.l2 > 0, !weights.isEmpty {
                var squares = b.op(.sumSquares, [weights[0]], name: "\(b.name(weights[0]))_squared", comment: "Σ \(b.name(weights[0]))²")
                for w in weights.dropFirst() {
                    let term = b.op(.sumSquares, [w], name: "\(b.name(w))_squared", comment: "Σ \(b.name(w))²")
                    squares = b.binary(.add, squares, term, "weight_squares", "sum of the squared weights so far")
                }
                let penalty = b.binary(.mul, squares, b.constant(spec.l2), "regularization", "regularization = λ·Σ W² with λ = \(spec.l2)")
                loss = b.binary(.add, dataLoss, penalty, "loss", "loss = data_loss + regularization")
            }
            if mode == .training {
                let slices = parameters.flatMap(\.slices)
                let adjoints = Differentiator.differentiate(&b, output: loss!, variables: slices, symbol: "L").adjoints
                gradients = Array(zip(slices, adjoints))
            }
        }
        var model = NetworkModel(spec: spec, graph: b.graph, inputs: inputs, labels: labels, targets: targets,
                                 scores: scores, loss: loss, parameters: parameters, gradients: gradients, layerOps: layerOps)
        model.mode = mode
        model.runningStatistics = runningStatistics
        model.dropoutMasks = dropoutMasks
        return model
    }

    /// The activation's default (`he` for relu-like ones), `xavier` for the identity
    /// (docs/SPEC-LANGUAGE.md, Initialization).
    static func defaultInit(_ a: Activation) -> WeightInit {
        a.function?.op.defaultInit ?? .xavier
    }
}
