import Foundation
import NNGenCore
import XCTest

/// Replays the fuzzer's seeds and every input it ever found a bug with (`Fuzz/Seeds`,
/// `Fuzz/Regressions`) with the fuzz target's checks: diagnostics or source, the source passing
/// `EmittedSourceCheck`, and the same bytes twice.
final class FuzzRegressionTests: XCTestCase {
    func testRegressionInputs() throws {
        var replayed = 0
        for folder in ["Fuzz/Seeds", "Fuzz/Regressions"] {
            let url = repositoryRoot.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where !name.hasSuffix(".md") {
                let bytes = [UInt8](try Data(contentsOf: url.appendingPathComponent(name)))
                let first = try? Generator.generate(bytes: bytes, path: name)
                if let first {
                    XCTAssertEqual(EmittedSourceCheck.problems(in: first.source), [], name)
                    XCTAssertEqual(try? Generator.generate(bytes: bytes, path: name), first, name)
                }
                replayed += 1
            }
        }
        XCTAssertGreaterThanOrEqual(replayed, 5)
    }
}
