import Foundation
import ExampleModels
import GeneratedModels
import NNGenRuntime
import XCTest

/// Saving and loading: bit-exact round trips, the bytes the format prescribes (decoded here by
/// hand, not by the runtime), PyTorch's layout, and atomic replacement.
final class SafetensorsRoundTripTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder.remove() }

    /// Parameters with the awkward values: signed zeros, subnormals, the extremes, and noise.
    static func awkward<S: BinaryFloatingPoint>(_ count: Int, _: S.Type) -> [S] {
        let special: [S] = [-0.0, 0, S.leastNonzeroMagnitude, -S.leastNormalMagnitude, S.greatestFiniteMagnitude, -S.ulpOfOne, 1 / 3]
        var state: UInt64 = 12345
        return (0..<count).map { i in
            if i < special.count { return special[i] }
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return S(Int64(bitPattern: state >> 11)) / S(1 << 40)
        }
    }

    func testFloatModelRoundTripIsBitExact() throws {
        let model = try DigitsNet(parameters: Self.awkward(DigitsNet.parameterCount, Float.self))
        try model.save(to: folder.file("digits.safetensors"))
        let loaded = try DigitsNet(contentsOf: folder.file("digits.safetensors"))
        XCTAssertEqual(loaded.parameters.map(\.bitPattern), model.parameters.map(\.bitPattern))
    }

    func testDoubleModelRoundTripIsBitExact() throws {
        let model = try MaxoutNet(parameters: Self.awkward(MaxoutNet.parameterCount, Double.self))
        try model.save(to: folder.file("maxout.safetensors"))
        let loaded = try MaxoutNet(contentsOf: folder.file("maxout.safetensors"))
        XCTAssertEqual(loaded.parameters.map(\.bitPattern), model.parameters.map(\.bitPattern))
    }

    /// The file, read byte by byte: header size, JSON header with every tensor's dtype, shape and
    /// offsets in layout order, data aligned to 8 bytes, values little-endian.
    func testFileHasTheSafetensorsLayout() throws {
        let parameters = Self.awkward(DigitsNet.parameterCount, Float.self)
        try DigitsNet(parameters: parameters).save(to: folder.file("d.safetensors"))
        let bytes = try folder.read("d.safetensors")
        var size = 0
        for i in 0..<8 { size |= Int(bytes[i]) << (8 * i) }
        XCTAssertEqual((8 + size) % 8, 0, "data starts at a multiple of 8")
        let header = String(decoding: bytes[8..<8 + size], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any])
        XCTAssertEqual(Set(json.keys), ["__metadata__", "fc1.W", "fc1.b", "fc2.W", "fc2.b"])
        let expected: [(String, [Int], Int, Int)] = [("fc1.W", [64, 64], 0, 16384), ("fc1.b", [64], 16384, 16640),
                                                     ("fc2.W", [64, 10], 16640, 19200), ("fc2.b", [10], 19200, 19240)]
        for (name, shape, begin, end) in expected {
            let entry = try XCTUnwrap(json[name] as? [String: Any])
            XCTAssertEqual(entry["dtype"] as? String, "F32")
            XCTAssertEqual(entry["shape"] as? [Int], shape)
            XCTAssertEqual(entry["data_offsets"] as? [Int], [begin, end])
        }
        XCTAssertEqual(bytes.count, 8 + size + 19240)
        for (i, value) in parameters.enumerated() {
            let at = 8 + size + 4 * i
            let bits = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
            XCTAssertEqual(bits, value.bitPattern, "element \(i)")
        }
    }

    /// A file in PyTorch's layout, written here from the transposed weights, loads into the
    /// parameters nngen expects; and the model saves itself in that layout too.
    func testPyTorchLayoutTransposesWeights() throws {
        let parameters = Self.awkward(DigitsNet.parameterCount, Float.self)
        func bytes(_ values: [Float]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) } }
        func transposed(_ offset: Int, _ fanIn: Int, _ units: Int) -> [Float] {
            (0..<units).flatMap { u in (0..<fanIn).map { i in parameters[offset + i * units + u] } }
        }
        let file = SafetensorsFile.encode(tensors: [
            ("fc2.bias", "F32", [10], bytes(Array(parameters[4800..<4810]))),
            ("fc1.weight", "F32", [64, 64], bytes(transposed(0, 64, 64))),
            ("fc2.weight", "F32", [10, 64], bytes(transposed(4160, 64, 10))),
            ("fc1.bias", "F32", [64], bytes(Array(parameters[4096..<4160]))),
        ], metadata: [("format", "pt")])
        try folder.write(file, to: "pt.safetensors")
        let loaded = try DigitsNet(contentsOf: folder.file("pt.safetensors"), layout: .pytorch)
        XCTAssertEqual(loaded.parameters.map(\.bitPattern), parameters.map(\.bitPattern))

        try loaded.save(to: folder.file("again.safetensors"), layout: .pytorch)
        let header = try SafetensorsFile(contentsOf: folder.file("again.safetensors"))
        XCTAssertEqual(header.entry("fc2.weight")?.shape, [10, 64])
        XCTAssertEqual(try DigitsNet(contentsOf: folder.file("again.safetensors"), layout: .pytorch).parameters.map(\.bitPattern),
                       parameters.map(\.bitPattern))
    }

    /// Convolution weights are `[filters, channels, kh, kw]` in both layouts (no transpose); the
    /// dense layer after them is transposed as every dense layer is.
    func testPyTorchLayoutKeepsConvolutionWeights() throws {
        let parameters = Self.awkward(ConvFloatNet.parameterCount, Float.self)
        func bytes(_ values: [Float]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) } }
        let layout = Dictionary(uniqueKeysWithValues: ConvFloatNet.parameterLayout.map { ($0.name, ($0.offset, $0.shape)) })
        XCTAssertEqual(layout["conv1_W"]?.1, [8, 1, 3, 3])
        XCTAssertEqual(layout["conv2_W"]?.1, [16, 8, 3, 3])
        func slice(_ name: String) -> [Float] {
            let (offset, shape) = layout[name]!
            return Array(parameters[offset..<offset + shape.reduce(1, *)])
        }
        let (fcOffset, fcShape) = layout["fc_W"]!
        let fcTransposed = (0..<fcShape[1]).flatMap { u in (0..<fcShape[0]).map { i in parameters[fcOffset + i * fcShape[1] + u] } }
        let file = SafetensorsFile.encode(tensors: [
            ("conv1.weight", "F32", [8, 1, 3, 3], bytes(slice("conv1_W"))),
            ("conv1.bias", "F32", [8], bytes(slice("conv1_b"))),
            ("conv2.weight", "F32", [16, 8, 3, 3], bytes(slice("conv2_W"))),
            ("conv2.bias", "F32", [16], bytes(slice("conv2_b"))),
            ("fc.weight", "F32", [10, fcShape[0]], bytes(fcTransposed)),
            ("fc.bias", "F32", [10], bytes(slice("fc_b"))),
        ], metadata: [("format", "pt")])
        try folder.write(file, to: "conv.safetensors")
        let loaded = try ConvFloatNet(contentsOf: folder.file("conv.safetensors"), layout: .pytorch)
        XCTAssertEqual(loaded.parameters.map(\.bitPattern), parameters.map(\.bitPattern))
        try loaded.save(to: folder.file("again.safetensors"), layout: .pytorch)
        let header = try SafetensorsFile(contentsOf: folder.file("again.safetensors"))
        XCTAssertEqual(header.entry("conv2.weight")?.shape, [16, 8, 3, 3])
        XCTAssertEqual(header.entry("fc.weight")?.shape, [10, fcShape[0]])
    }

    /// A PyTorch state_dict of Conv2d, BatchNorm2d, Linear and BatchNorm1d modules: the batch norms'
    /// weight, bias and running statistics load as they are; `num_batches_tracked` (an int64
    /// scalar) is accepted and not read; saving writes the same names, without it.
    func testPyTorchLayoutLoadsBatchNorm() throws {
        typealias Net = DigitsBatchNormCNN
        let parameters = Self.awkward(Net.parameterCount, Float.self).map { $0.magnitude + 0.5 }
        func bytes(_ values: [Float]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) } }
        var tensors: [(String, String, [Int], [UInt8])] = []
        for (entry, names) in zip(Net.parameterLayout, Net.tensorNames) {
            let values = Array(parameters[entry.offset..<entry.offset + entry.shape.reduce(1, *)])
            if entry.shape.count == 2 {  // a dense weight, [units, fan_in] in PyTorch
                let (fanIn, units) = (entry.shape[0], entry.shape[1])
                tensors.append((names.pytorch!, "F32", [units, fanIn], bytes((0..<units).flatMap { u in (0..<fanIn).map { values[$0 * units + u] } })))
            } else {
                tensors.append((names.pytorch!, "F32", entry.shape, bytes(values)))
            }
            if names.pytorch!.hasSuffix(".running_var") {
                tensors.append((names.pytorch!.replacingOccurrences(of: "running_var", with: "num_batches_tracked"), "I64", [], withUnsafeBytes(of: Int64(42).littleEndian, Array.init)))
            }
        }
        XCTAssertEqual(Set(tensors.map(\.0)).isSuperset(of: ["bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
                                                           "bn2.running_var", "conv1.weight", "fc2.bias"]), true)
        try folder.write(SafetensorsFile.encode(tensors: tensors, metadata: [("format", "pt")]), to: "bn.safetensors")
        let loaded = try Net(contentsOf: folder.file("bn.safetensors"), layout: .pytorch)
        XCTAssertEqual(loaded.parameters.map(\.bitPattern), parameters.map(\.bitPattern))
        try loaded.save(to: folder.file("again.safetensors"), layout: .pytorch)
        let again = try SafetensorsFile(contentsOf: folder.file("again.safetensors"))
        XCTAssertEqual(again.entry("bn2.running_mean")?.shape, [64])
        XCTAssertNil(again.entry("bn1.num_batches_tracked"))
    }

    func testPyTorchLayoutNeedsNamedDenseLayers() throws {
        let model = SpiralNet()
        XCTAssertThrowsError(try model.save(to: folder.file("spiral.safetensors"), layout: .pytorch)) { error in
            let e = error as? SafetensorsError
            XCTAssertEqual(e?.problem, .layout)
            XCTAssertEqual(e?.tensor, "W1")
            XCTAssertTrue("\(error)".contains("name:"), "\(error)")
        }
        XCTAssertEqual(try folder.contents(), [], "nothing written")
    }

    /// Saving over a file replaces it whole; a save that fails leaves what was there and no
    /// temporary file behind.
    func testSaveIsAtomic() throws {
        let path = folder.file("model.safetensors")
        try DigitsNet(seed: 1).save(to: path)
        let second = DigitsNet(seed: 2)
        try second.save(to: path)
        XCTAssertEqual(try DigitsNet(contentsOf: path).parameters, second.parameters)
        XCTAssertEqual(try folder.contents(), ["model.safetensors"])

        // The target is a folder: rename fails after the temporary file was written.
        try FileManager.default.createDirectory(atPath: folder.file("taken"), withIntermediateDirectories: false)
        try folder.write([1, 2, 3], to: "taken/keep")
        XCTAssertThrowsError(try second.save(to: folder.file("taken"))) { error in
            XCTAssertEqual((error as? SafetensorsError)?.problem, .io)
        }
        XCTAssertEqual(try folder.contents(), ["model.safetensors", "taken"])
        XCTAssertEqual(try folder.read("taken/keep"), [1, 2, 3])

        XCTAssertThrowsError(try second.save(to: folder.file("no/such/folder/model.safetensors"))) { error in
            XCTAssertEqual((error as? SafetensorsError)?.problem, .io)
            XCTAssertTrue("\(error)".contains("temporary"), "\(error)")
        }
    }

    func testSavingIsDeterministic() throws {
        try DigitsNet(seed: 5).save(to: folder.file("a.safetensors"))
        try DigitsNet(seed: 5).save(to: folder.file("b.safetensors"))
        XCTAssertEqual(try folder.read("a.safetensors"), try folder.read("b.safetensors"))
    }
}
