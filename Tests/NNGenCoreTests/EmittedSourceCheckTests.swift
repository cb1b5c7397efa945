import Foundation
import NNGenCore
import XCTest

/// `EmittedSourceCheck`, the fuzzer's oracle for "no spec text escapes into code": every golden
/// passes it, and each kind of escape it looks for fails it.
final class EmittedSourceCheckTests: XCTestCase {
    func testEveryGoldenPasses() throws {
        for spec in try specFiles() {
            let file = try Generator.generate(String(contentsOf: spec, encoding: .utf8), path: spec.lastPathComponent)
            XCTAssertEqual(EmittedSourceCheck.problems(in: file.source), [], spec.lastPathComponent)
        }
    }

    func testEscapesAreCaught() {
        let base = "struct A {\n    let s = \"a \\\"b\\\" {\"  // a comment with } and \"\n}\n"
        XCTAssertEqual(EmittedSourceCheck.problems(in: base), [])
        let cases: [(String, String)] = [
            ("struct A {\n    let s = \"open\n}\n", "not closed"),
            ("struct A {\n}\n}\n", "closes nothing"),
            ("struct A {\n    /* x */\n}\n", "block comment"),
            ("// ok */ rm -rf\n", "block comment"),
            ("struct A {\n", "never closed"),
            ("#warning(\"x\")\n", "unexpected directive"),
            ("let a = 1\r\n", "control character"),
        ]
        for (source, fragment) in cases {
            let problems = EmittedSourceCheck.problems(in: source)
            XCTAssertTrue(problems.contains { $0.contains(fragment) }, "\(source.debugDescription): \(problems)")
        }
    }
}
