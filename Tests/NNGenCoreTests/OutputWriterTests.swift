import Foundation
import NNGenCore
import XCTest

final class OutputWriterTests: XCTestCase {
    /// A second write of the same bytes does not touch the file; a change rewrites it atomically.
    func testWritesOnlyWhenChanged() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nngen-writer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("Model.swift")
        XCTAssertEqual(try OutputWriter.write("a\n", to: file), .written)
        let inode = try FileManager.default.attributesOfItem(atPath: file.path)[.systemFileNumber] as? Int
        XCTAssertEqual(try OutputWriter.write("a\n", to: file), .unchanged)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: file.path)[.systemFileNumber] as? Int, inode)
        XCTAssertEqual(try OutputWriter.write("b\n", to: file), .written)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "b\n")
        // No temporary files are left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["Model.swift"])
    }
}
