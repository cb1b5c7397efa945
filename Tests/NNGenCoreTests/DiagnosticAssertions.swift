import NNGenCore
import XCTest

/// What the diagnostic tests share: a spec's diagnostics as text, and the assertion of exactly one.
extension XCTestCase {
    /// The diagnostics of `text` as `line:col: error: message` (none for a valid spec).
    func specDiagnostics(_ text: String, path: String = "spec.yaml") -> [String] {
        do {
            _ = try SpecParser.parse(text, path: path)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    /// Asserts exactly one diagnostic of `text` at `position` whose message contains `fragment`.
    func assertSingleError(_ text: String, at position: String, contains fragment: String, path: String = "spec.yaml",
                           file: StaticString = #filePath, line: UInt = #line) {
        let found = specDiagnostics(text, path: path)
        XCTAssertEqual(found.count, 1, "expected one diagnostic, got \(found)", file: file, line: line)
        guard let first = found.first else { return }
        XCTAssertTrue(first.hasPrefix("\(position): error: "), "position: \(first)", file: file, line: line)
        XCTAssertTrue(first.contains(fragment), "message: \(first)", file: file, line: line)
    }
}
