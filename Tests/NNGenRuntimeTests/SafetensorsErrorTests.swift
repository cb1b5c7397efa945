import ExampleModels
import GeneratedModels
import NNGenRuntime
import XCTest

/// Every malformed file is a thrown `SafetensorsError` that names the problem and, where one is
/// to blame, the tensor.
final class SafetensorsErrorTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder.remove() }

    /// The little-endian bytes of `values`.
    func bytes(_ values: [Float]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) } }

    /// A valid DigitsNet file's tensors, which each test spoils in one way.
    func tensors(_ value: Float = 0.5) -> [(name: String, dtype: String, shape: [Int], bytes: [UInt8])] {
        [("fc1.W", "F32", [64, 64], bytes(Array(repeating: value, count: 4096))),
         ("fc1.b", "F32", [64], bytes(Array(repeating: value, count: 64))),
         ("fc2.W", "F32", [64, 10], bytes(Array(repeating: value, count: 640))),
         ("fc2.b", "F32", [10], bytes(Array(repeating: value, count: 10)))]
    }

    /// Loads `file` as a DigitsNet and returns the error it throws.
    func loadError(_ file: [UInt8], layout: WeightLayout = .nngen, file line: UInt = #line) throws -> SafetensorsError {
        try folder.write(file, to: "bad.safetensors")
        do {
            _ = try DigitsNet(contentsOf: folder.file("bad.safetensors"), layout: layout)
        } catch let error as SafetensorsError {
            XCTAssertTrue(error.description.hasPrefix(folder.file("bad.safetensors") + ": "), error.description, line: line)
            return error
        }
        XCTFail("loaded without an error", line: line)
        throw XCTSkip("no error")
    }

    /// A header written by hand: `json`, then `data`.
    func file(json: String, data: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian, Array.init) + Array(json.utf8) + data
    }

    func testValidFileLoads() throws {
        try folder.write(SafetensorsFile.encode(tensors: tensors(), metadata: []), to: "good.safetensors")
        XCTAssertEqual(try DigitsNet(contentsOf: folder.file("good.safetensors")).parameters, Array(repeating: 0.5, count: 4810))
    }

    func testTruncatedFile() throws {
        let whole = SafetensorsFile.encode(tensors: tensors(), metadata: [])
        let error = try loadError(Array(whole.dropLast(20)))
        XCTAssertEqual(error.problem, .truncated)
        XCTAssertEqual(error.tensor, "fc2.b")
        XCTAssertTrue(error.message.contains("holds only"), error.message)

        let cutInHeader = try loadError(Array(whole.prefix(40)))
        XCTAssertEqual(cutInHeader.problem, .truncated)
        XCTAssertEqual(try loadError([1, 2, 3]).problem, .truncated)
        XCTAssertEqual(try loadError([]).problem, .truncated)
    }

    func testWrongShape() throws {
        var t = tensors()
        t[2] = ("fc2.W", "F32", [10, 64], t[2].bytes)
        let error = try loadError(SafetensorsFile.encode(tensors: t, metadata: []))
        XCTAssertEqual(error.problem, .shape)
        XCTAssertEqual(error.tensor, "fc2.W")
        XCTAssertEqual(error.message, "shape is [10, 64], the model needs [64, 10]")
    }

    func testWrongDtype() throws {
        var t = tensors()
        t[1] = ("fc1.b", "F64", [64], Array(repeating: 0, count: 512))
        let error = try loadError(SafetensorsFile.encode(tensors: t, metadata: []))
        XCTAssertEqual(error.problem, .dtype)
        XCTAssertEqual(error.tensor, "fc1.b")
        XCTAssertTrue(error.message.contains("F64") && error.message.contains("F32"), error.message)
    }

    /// Headers whose offsets lie: overlapping tensors, a gap, a range that disagrees with the
    /// shape, one running past the data, and bytes nobody owns.
    func testHeaderLyingAboutOffsets() throws {
        let data = [UInt8](repeating: 0, count: 16)
        let overlap = #"{"fc1.b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"fc2.b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        var error = try loadError(file(json: overlap, data: data))
        XCTAssertEqual(error.problem, .offsets)
        XCTAssertEqual(error.tensor, "fc2.b")
        XCTAssertTrue(error.message.contains("overlap"), error.message)

        let gap = #"{"fc1.b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"fc2.b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}"#
        error = try loadError(file(json: gap, data: data))
        XCTAssertEqual(error.problem, .offsets)
        XCTAssertTrue(error.message.contains("unused"), error.message)

        let disagree = #"{"fc1.b":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}"#
        error = try loadError(file(json: disagree, data: data))
        XCTAssertEqual(error.problem, .offsets)
        XCTAssertEqual(error.tensor, "fc1.b")
        XCTAssertTrue(error.message.contains("needs 12 bytes"), error.message)

        let pastTheEnd = #"{"fc1.b":{"dtype":"F32","shape":[1000000],"data_offsets":[0,4000000]}}"#
        error = try loadError(file(json: pastTheEnd, data: data))
        XCTAssertEqual(error.problem, .truncated)

        let backwards = #"{"fc1.b":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#
        XCTAssertEqual(try loadError(file(json: backwards, data: data)).problem, .offsets)

        let trailing = #"{"fc1.b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        error = try loadError(file(json: trailing, data: data))
        XCTAssertEqual(error.problem, .offsets)
        XCTAssertNil(error.tensor)
    }

    func testRandomBytes() throws {
        var state: UInt64 = 99
        for length in [8, 9, 64, 1000, 100_000] {
            let noise = (0..<length).map { _ -> UInt8 in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: state >> 56)
            }
            let error = try loadError(noise)
            XCTAssertTrue([.header, .truncated].contains(error.problem), "\(length) bytes: \(error)")
        }
        // Eight bytes that claim a header of 2^63 bytes.
        let huge = try loadError([0, 0, 0, 0, 0, 0, 0, 0x80])
        XCTAssertEqual(huge.problem, .header)
        XCTAssertTrue(huge.message.contains("limit"), huge.message)
    }

    func testMalformedHeaders() throws {
        let cases: [(String, String)] = [
            ("[1, 2]", "not a JSON object"),
            ("{\"fc1.b\": ", "not JSON"),
            (#"{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#, "appears twice"),
            (#"{"fc1.b":{"dtype":"F33","shape":[0],"data_offsets":[0,0]}}"#, "unknown dtype"),
            (#"{"fc1.b":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#, "non-negative"),
            (#"{"fc1.b":{"dtype":"F32","shape":[1.5],"data_offsets":[0,0]}}"#, "non-negative"),
            (#"{"fc1.b":{"dtype":"F32","shape":[0]}}"#, "data_offsets is missing"),
            (#"{"fc1.b":{"dtype":"F32","shape":[0],"data_offsets":[0,0],"extra":1}}"#, "unknown field"),
            (#"{"__metadata__":{"format":1}}"#, "not a string"),
            ("{\"\u{1}\":1}", "control character"),
            (String(repeating: "[", count: 1000), "nested"),
        ]
        for (json, fragment) in cases {
            let error = try loadError(file(json: json, data: []))
            XCTAssertEqual(error.problem, .header, json)
            XCTAssertTrue(error.message.contains(fragment), "\(json): \(error.message)")
        }
    }

    func testMissingAndUnexpectedTensors() throws {
        var t = tensors()
        t.remove(at: 3)
        var error = try loadError(SafetensorsFile.encode(tensors: t, metadata: []))
        XCTAssertEqual(error.problem, .missingTensor)
        XCTAssertEqual(error.tensor, "fc2.b")

        t = tensors() + [("fc3.W", "F32", [1], bytes([1]))]
        error = try loadError(SafetensorsFile.encode(tensors: t, metadata: []))
        XCTAssertEqual(error.problem, .unexpectedTensor)
        XCTAssertEqual(error.tensor, "fc3.W")

        // nngen's own file read as PyTorch's: no fc1.weight.
        error = try loadError(SafetensorsFile.encode(tensors: tensors(), metadata: []), layout: .pytorch)
        XCTAssertEqual(error.problem, .missingTensor)
        XCTAssertEqual(error.tensor, "fc1.weight")
    }

    func testNonFiniteValues() throws {
        for bad in [Float.nan, .infinity, -.infinity] {
            var t = tensors()
            var values = Array(repeating: Float(0.5), count: 640)
            values[17] = bad
            t[2] = ("fc2.W", "F32", [64, 10], bytes(values))
            let error = try loadError(SafetensorsFile.encode(tensors: t, metadata: []))
            XCTAssertEqual(error.problem, .nonFinite)
            XCTAssertEqual(error.tensor, "fc2.W")
            XCTAssertTrue(error.message.hasPrefix("element 17 "), error.message)
        }
    }

    func testMissingFileAndFolder() throws {
        XCTAssertThrowsError(try DigitsNet(contentsOf: folder.file("absent.safetensors"))) { error in
            XCTAssertEqual((error as? SafetensorsError)?.problem, .io)
            XCTAssertTrue("\(error)".contains("No such file"), "\(error)")
        }
        XCTAssertThrowsError(try DigitsNet(contentsOf: folder.path)) { error in
            XCTAssertEqual((error as? SafetensorsError)?.problem, .io)
        }
    }
}
