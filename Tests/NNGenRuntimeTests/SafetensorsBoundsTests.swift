import Foundation
import ExampleModels
import GeneratedModels
import NNGenRuntime
import XCTest

/// Files that are not what they seem: a FIFO, sparse files of gigabytes or a tebibyte, a /proc
/// file of size 0. Each is a thrown `SafetensorsError`, decided from the header and the file's
/// size, with bounded memory and time; never a hang or an abort.
final class SafetensorsBoundsTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder.remove() }

    /// A file of `size` bytes (sparse: the file system stores only `prefix`), or a skip when the
    /// file system cannot hold it.
    func sparseFile(_ name: String, prefix: [UInt8], size: Int64) throws -> String {
        let path = folder.file(name)
        try folder.write(prefix, to: name)
        guard truncate(path, off_t(size)) == 0 else { throw XCTSkip("this file system cannot hold a sparse file of \(size) bytes") }
        return path
    }

    /// The error `body` throws, which must come within `seconds`.
    func error(within seconds: Double, _ body: () throws -> Void, line: UInt = #line) -> SafetensorsError? {
        let start = Date()
        defer { XCTAssertLessThan(Date().timeIntervalSince(start), seconds, "took too long", line: line) }
        do {
            try body()
        } catch let error as SafetensorsError {
            return error
        } catch {
            XCTFail("\(error)", line: line)
            return nil
        }
        XCTFail("no error", line: line)
        return nil
    }

    /// A FIFO is refused before it is opened for a blocking read.
    func testFIFO() throws {
        let path = folder.file("weights.safetensors")
        XCTAssertEqual(mkfifo(path, 0o644), 0)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do {
                _ = try DigitsNet(contentsOf: path)
                XCTFail("a FIFO loaded")
            } catch {
                XCTAssertEqual((error as? SafetensorsError)?.problem, .io, "\(error)")
            }
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success, "loading a FIFO blocked")
    }

    /// 3 GB whose first 8 bytes are not a header size: refused from those 8 bytes.
    func testThreeGigabytesOfNothing() throws {
        let path = try sparseFile("sparse.safetensors", prefix: Array("not a safetensors file".utf8), size: 3_000_000_000)
        XCTAssertEqual(error(within: 1) { _ = try DigitsNet(contentsOf: path) }?.problem, .header)
        XCTAssertEqual(error(within: 1) { _ = try SafetensorsFile(contentsOf: path) }?.problem, .header)
    }

    /// A valid header describing a 1 TiB tensor, in a sparse file of exactly that size: the
    /// model refuses it by its entries, the generic reader by its limit on the data.
    func testOneTebibyteTensor() throws {
        let json = #"{"fc1.W":{"dtype":"F32","shape":[274877906944],"data_offsets":[0,1099511627776]}}"#
        let header = withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian, Array.init) + Array(json.utf8)
        let path = try sparseFile("huge.safetensors", prefix: header, size: Int64(header.count) + (1 << 40))
        XCTAssertEqual(error(within: 1) { _ = try DigitsNet(contentsOf: path) }?.problem, .shape)
        let generic = error(within: 1) { _ = try SafetensorsFile(contentsOf: path) }
        XCTAssertEqual(generic?.problem, .io)
        XCTAssertTrue(generic?.message.contains("more than the 4294967296 bytes this reader may load") == true, generic?.description ?? "")
    }

    /// A header that claims more bytes than the file has is refused without reading them.
    func testHeaderLongerThanTheFile() throws {
        let file = withUnsafeBytes(of: UInt64(90_000_000).littleEndian, Array.init) + Array("{}".utf8)
        try folder.write(file, to: "short.safetensors")
        let error = error(within: 1) { _ = try SafetensorsFile(contentsOf: folder.file("short.safetensors")) }
        XCTAssertEqual(error?.problem, .truncated)
        XCTAssertEqual(error?.message, "the header size is 90000000 bytes but only 2 bytes follow it")
    }

    /// Data after the last tensor, in a file that reports its size, is refused before the data are read.
    func testBytesAfterTheTensors() throws {
        let model = DigitsNet(seed: 1)
        try model.save(to: folder.file("a.safetensors"))
        let path = try sparseFile("a.safetensors", prefix: try folder.read("a.safetensors"), size: 20_000_000_000)
        XCTAssertEqual(error(within: 1) { _ = try DigitsNet(contentsOf: path) }?.problem, .offsets)
    }

    /// /proc/self/pagemap reports size 0 and holds gigabytes: read with bounds.
    func testProcFileOfSizeZero() throws {
        guard FileManager.default.fileExists(atPath: "/proc/self/pagemap") else { throw XCTSkip("this system has no /proc") }
        XCTAssertNotNil(error(within: 5) { _ = try DigitsNet(contentsOf: "/proc/self/pagemap") })
    }

    /// Saving over a file keeps its permissions, and a name at the file system's limit works.
    func testSaveKeepsPermissionsAndAllowsLongNames() throws {
        let model = DigitsNet(seed: 1)
        let path = folder.file("private.safetensors")
        try model.save(to: path)
        XCTAssertEqual(chmod(path, 0o600), 0)
        try DigitsNet(seed: 2).save(to: path)
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o7777, 0o600)
        let long = folder.file(String(repeating: "w", count: 243) + ".safetensors")
        try model.save(to: long)
        XCTAssertEqual(try DigitsNet(contentsOf: long).parameters, model.parameters)
    }
}
