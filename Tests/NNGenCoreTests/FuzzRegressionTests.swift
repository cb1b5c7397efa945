import Foundation
import NNGenCore
import XCTest

/// Replays the fuzzer's seeds and every input it ever found a bug with (`Fuzz/Seeds`,
/// `Fuzz/Regressions`) through the fuzz target's own checks (`PipelineCheck`): generation,
/// explain and the drawing, the emitted source passing `EmittedSourceCheck`, the same bytes twice.
final class FuzzRegressionTests: XCTestCase {
    func testRegressionInputs() throws {
        var replayed = 0
        for folder in ["Fuzz/Seeds", "Fuzz/Regressions"] {
            let url = repositoryRoot.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where !name.hasSuffix(".md") {
                let bytes = [UInt8](try Data(contentsOf: url.appendingPathComponent(name)))
                XCTAssertEqual(PipelineCheck.problems(bytes: bytes), [], name)
                replayed += 1
            }
        }
        XCTAssertGreaterThanOrEqual(replayed, 5)
    }
}
