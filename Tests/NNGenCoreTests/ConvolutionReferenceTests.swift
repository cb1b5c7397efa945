import NNGenCore
import XCTest

/// The image layers' lowering (im2col, the product, NHWC images, pooling, flattening) against a
/// direct implementation of their definitions written here in NCHW, PyTorch's way: a
/// cross-correlation with weights `[filters][channels][kh][kw]`, zero padding (the smaller half
/// of 'same' above and left), pooling by PyTorch's rules, and flattening in channel, row, column
/// order. The interpreter is the oracle of the emitted code, so this pins what both compute.
final class ConvolutionReferenceTests: XCTestCase {
    /// A batch of images, `[n][c][h][w]` flattened.
    struct Images {
        var batch: Int, channels: Int, height: Int, width: Int
        var values: [Double]
        subscript(_ n: Int, _ c: Int, _ y: Int, _ x: Int) -> Double {
            values[((n * channels + c) * height + y) * width + x]
        }
    }

    /// out[n][f][oy][ox] = b[f] + Σ_{c,ky,kx} W[f][c][ky][kx] · x[n][c][oy·s + ky − top][ox·s + kx − left].
    func convolve(_ x: Images, weights: [Double], bias: [Double]?, filters: Int, kernel: (Int, Int), stride: (Int, Int),
                  pads: (top: Int, bottom: Int, left: Int, right: Int)) -> Images {
        let oh = (x.height + pads.top + pads.bottom - kernel.0) / stride.0 + 1
        let ow = (x.width + pads.left + pads.right - kernel.1) / stride.1 + 1
        var out = Images(batch: x.batch, channels: filters, height: oh, width: ow, values: [])
        for n in 0..<x.batch {
            for f in 0..<filters {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var total = bias?[f] ?? 0
                        for c in 0..<x.channels {
                            for ky in 0..<kernel.0 {
                                for kx in 0..<kernel.1 {
                                    let (y, xx) = (oy * stride.0 + ky - pads.top, ox * stride.1 + kx - pads.left)
                                    guard y >= 0, y < x.height, xx >= 0, xx < x.width else { continue }
                                    total += weights[((f * x.channels + c) * kernel.0 + ky) * kernel.1 + kx] * x[n, c, y, xx]
                                }
                            }
                        }
                        out.values.append(total)
                    }
                }
            }
        }
        return out
    }

    /// Max (padding never taken) or mean (padding counted as zeros) of each window.
    func pool(_ x: Images, max: Bool, size: Int, stride: Int) -> Images {
        let (oh, ow) = ((x.height - size) / stride + 1, (x.width - size) / stride + 1)
        var out = Images(batch: x.batch, channels: x.channels, height: oh, width: ow, values: [])
        for n in 0..<x.batch {
            for c in 0..<x.channels {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var window: [Double] = []
                        for ky in 0..<size { for kx in 0..<size { window.append(x[n, c, oy * stride + ky, ox * stride + kx]) } }
                        out.values.append(max ? window.max()! : window.reduce(0, +) / Double(size * size))
                    }
                }
            }
        }
        return out
    }

    /// A dense layer on each image flattened (NCHW): out[n][u] = b[u] + Σ_i x[n][i]·W[i][u].
    func dense(_ x: Images, weights: [Double], bias: [Double], units: Int) -> [Double] {
        let features = x.channels * x.height * x.width
        var out: [Double] = []
        for n in 0..<x.batch {
            for u in 0..<units {
                var total = bias[u]
                for i in 0..<features { total += x.values[n * features + i] * weights[i * units + u] }
                out.append(total)
            }
        }
        return out
    }

    func lower(_ yaml: String, rewrites: Bool = true) throws -> NetworkModel {
        guard case .network(let spec) = try SpecParser.parse(yaml, path: "test.yaml") else { fatalError() }
        return NetworkLowering.lower(spec, rewrites: rewrites)
    }

    /// The values of the parameter named `name`.
    func parameter(_ name: String, _ model: NetworkModel, _ p: [Double]) -> [Double] {
        let info = model.parameters.first { $0.name == name }!
        return Array(p[info.offset..<info.offset + info.count])
    }

    /// Deterministic values in ±1.
    func values(_ count: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
    }

    /// One 1×3×3 image, one 2×2 filter, stride 1: worked by hand.
    /// x = [[1 2 3] [4 5 6] [7 8 9]], W = [[1 0] [0 −1]], b = 0.5: each output is x[y][x] − x[y+1][x+1] + 0.5 = −3.5.
    func testOneFilterByHand() throws {
        let model = try lower("nngen: 1\nname: M\nscalar: Double\ninput: [1, 3, 3]\nlayers: [{conv2d: 1, kernel: 2}]\n")
        let result = model.interpret(parameters: [1, 0, 0, -1, 0.5], inputs: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        XCTAssertEqual(result.scores, [-3.5, -3.5, -3.5, -3.5])
    }

    /// Two channels in NCHW, two filters, padding 1: element (f, y, x) of the flattened scores.
    /// x channel 0 = [[1 2] [3 4]], channel 1 = [[10 20] [30 40]]; filter 0 takes the centre of
    /// channel 0 (W[0][0][1][1] = 1), filter 1 the top-left of channel 1 (W[1][1][0][0] = 1).
    func testChannelsAndPaddingByHand() throws {
        let model = try lower("nngen: 1\nname: M\nscalar: Double\ninput: [2, 2, 2]\nlayers: [{conv2d: 2, kernel: 3, padding: 1, bias: false}]\n")
        var weights = [Double](repeating: 0, count: 2 * 2 * 3 * 3)
        weights[((0 * 2 + 0) * 3 + 1) * 3 + 1] = 1
        weights[((1 * 2 + 1) * 3 + 0) * 3 + 0] = 1
        let result = model.interpret(parameters: weights, inputs: [1, 2, 3, 4, 10, 20, 30, 40])
        // Filter 0: the image itself. Filter 1: channel 1 shifted down and right (0 where padding).
        XCTAssertEqual(result.scores, [1, 2, 3, 4, 0, 0, 0, 10])
    }

    /// Every layer of Specs/conv_small.yaml, as its spec says, against the lowering's interpreter.
    func testSmallConvNetMatchesDirectConvolution() throws {
        let yaml = """
            nngen: 1
            name: M
            scalar: Double
            batch: 3
            input: [2, 7, 6]
            layers:
              - {conv2d: 3, kernel: 3, stride: 2, padding: 1, activation: relu, name: c1}
              - {avg_pool: 2, stride: 1}
              - {conv2d: 4, kernel: [2, 1], padding: same, activation: tanh, name: c2}
              - max_pool: 2
              - {dense: 5, name: d}
            """
        let model = try lower(yaml)
        let p = values(model.parameterCount, seed: 1), inputs = values(3 * 2 * 7 * 6, seed: 2)
        let x = Images(batch: 3, channels: 2, height: 7, width: 6, values: inputs)
        var h = convolve(x, weights: parameter("c1_W", model, p), bias: parameter("c1_b", model, p), filters: 3,
                         kernel: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1))
        h.values = h.values.map { max(0, $0) }
        h = pool(h, max: false, size: 2, stride: 1)
        // 'same' with a kernel of height 2: 1 row of padding in all, below (PyTorch's placement).
        h = convolve(h, weights: parameter("c2_W", model, p), bias: parameter("c2_b", model, p), filters: 4,
                     kernel: (2, 1), stride: (1, 1), pads: (0, 1, 0, 0))
        h.values = h.values.map { tanh($0) }
        h = pool(h, max: true, size: 2, stride: 2)
        XCTAssertEqual([h.channels, h.height, h.width], [4, 1, 1])
        let expected = dense(h, weights: parameter("d_W", model, p), bias: parameter("d_b", model, p), units: 5)
        let scores = model.interpret(parameters: p, inputs: inputs).scores
        XCTAssertEqual(scores.count, expected.count)
        for (a, e) in zip(scores, expected) { XCTAssertEqual(a, e, accuracy: 1e-12) }
    }

    /// A flatten of a multi-channel, multi-position image is in NCHW order: the dense layer's
    /// input i = (c·h + y)·w + x.
    func testFlattenOrderIsChannelsFirst() throws {
        let model = try lower("nngen: 1\nname: M\nscalar: Double\ninput: [1, 2, 2]\nlayers: [{conv2d: 2, kernel: 1, bias: false}, flatten, {dense: 8, bias: false}]\n")
        // Filter f multiplies by f + 1; the dense layer is the identity, so the scores are the flattened image.
        var p: [Double] = [1, 2]
        for i in 0..<8 { for u in 0..<8 { p.append(i == u ? 1 : 0) } }
        let result = model.interpret(parameters: p, inputs: [1, 2, 3, 4])
        XCTAssertEqual(result.scores, [1, 2, 3, 4, 2, 4, 6, 8])
    }
    /// Specs/direct_convolution.yaml's layers: single-channel images with stride 1, which the
    /// lowering computes directly (`DirectConvolution`), against the reference convolution; the
    /// unrewritten lowering (im2col and a product) against it too, and the two lowerings' loss
    /// gradients against each other (the second convolution's input gradient included).
    func testDirectConvolutionMatchesReferenceAndIm2col() throws {
        let yaml = """
            nngen: 1
            name: M
            scalar: Double
            batch: 3
            input: [1, 9, 7]
            layers:
              - {conv2d: 1, kernel: [2, 4], padding: same, activation: tanh, name: c1}
              - {conv2d: 7, kernel: 3, padding: [2, 1], activation: relu, name: c2}
              - max_pool: 2
              - {dense: 4, name: d}
            loss: softmax_cross_entropy
            """
        let direct = try lower(yaml), im2col = try lower(yaml, rewrites: false)
        let directOps = direct.graph.ops.filter { if case .convolution = $0.kind { return true } else { return false } }
        XCTAssertEqual(directOps.count, 2, "both convolutions are computed directly")
        XCTAssertFalse(im2col.graph.ops.contains { if case .convolution = $0.kind { return true } else { return false } })
        let p = values(direct.parameterCount, seed: 5), inputs = values(3 * 9 * 7, seed: 6)
        let x = Images(batch: 3, channels: 1, height: 9, width: 7, values: inputs)
        // 'same' with a kernel of width 4: 3 columns of padding, 1 left and 2 right.
        var h = convolve(x, weights: parameter("c1_W", direct, p), bias: parameter("c1_b", direct, p), filters: 1,
                         kernel: (2, 4), stride: (1, 1), pads: (0, 1, 1, 2))
        h.values = h.values.map { tanh($0) }
        h = convolve(h, weights: parameter("c2_W", direct, p), bias: parameter("c2_b", direct, p), filters: 7,
                     kernel: (3, 3), stride: (1, 1), pads: (2, 2, 1, 1))
        h.values = h.values.map { max(0, $0) }
        h = pool(h, max: true, size: 2, stride: 2)
        let expected = dense(h, weights: parameter("d_W", direct, p), bias: parameter("d_b", direct, p), units: 4)
        let labels = [0, 3, 1]
        let a = direct.interpret(parameters: p, inputs: inputs, labels: labels)
        let r = im2col.interpret(parameters: p, inputs: inputs, labels: labels)
        for (scores, form) in [(a.scores, "direct"), (r.scores, "im2col")] {
            XCTAssertEqual(scores.count, expected.count)
            for (s, e) in zip(scores, expected) { XCTAssertEqual(s, e, accuracy: 1e-12, form) }
        }
        XCTAssertEqual(a.gradient.count, direct.parameterCount)
        XCTAssertEqual(a.gradient.count, r.gradient.count)
        for (i, (g, e)) in zip(a.gradient, r.gradient).enumerated() { XCTAssertEqual(g, e, accuracy: 1e-12, "gradient[\(i)]") }
    }
}
