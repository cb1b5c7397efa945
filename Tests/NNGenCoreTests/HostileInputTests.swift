import NNGenCore
import XCTest

/// Inputs built to hurt a YAML front end: each gives a clean diagnostic with a position, quickly
/// and in bounded memory, through the same entry the CLI and the fuzzer use (`generate(bytes:)`).
final class HostileInputTests: XCTestCase {
    /// The diagnostics of `bytes` as `line:col: error: message`.
    func diagnostics(_ bytes: [UInt8]) -> [String] {
        do {
            _ = try Generator.generate(bytes: bytes, path: "hostile.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    func assertFirstError(_ text: String, at position: String, contains fragment: String, line: UInt = #line) {
        assertFirstError(Array(text.utf8), at: position, contains: fragment, line: line)
    }

    /// Asserts a diagnostic at `position` whose message contains `fragment` (others may come too:
    /// a spec cut short also misses required keys).
    func assertFirstError(_ bytes: [UInt8], at position: String, contains fragment: String, line: UInt = #line) {
        let found = diagnostics(bytes)
        XCTAssertTrue(found.contains { $0.hasPrefix("\(position): error: ") && $0.contains(fragment) },
                      "expected \(position): …\(fragment)…, got \(found.map { String($0.prefix(200)) })", line: line)
    }

    /// The billion-laughs shape: nine levels of anchors, each aliasing the previous nine times.
    /// It stops at the first anchor, before any expansion.
    func testBillionLaughs() {
        var text = "nngen: 1\nname: Laughs\na0: &a0 [\"lol\"]\n"
        for level in 1...9 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        assertFirstError(text, at: "3:5", contains: "YAML anchors are not allowed")
    }

    func testAliasWithoutAnchor() {
        assertFirstError("nngen: 1\nname: A\nbatch: *nowhere\n", at: "3:8", contains: "aliases are not allowed")
    }

    func testTagsOnEveryKindOfNode() {
        assertFirstError("nngen: 1\nname: !!str A\n", at: "2:7", contains: "tags are not allowed")
        assertFirstError("nngen: 1\nname: A\nlayers: !seq [ ]\n", at: "3:9", contains: "tags are not allowed")
        assertFirstError("--- !map\nnngen: 1\n", at: "1:5", contains: "tags are not allowed")
    }

    func testSeveralDocuments() {
        assertFirstError("nngen: 1\nname: A\n---\nnngen: 1\n", at: "3:1", contains: "a second document starts here")
        assertFirstError("nngen: 1\n...\n---\nname: B\n", at: "3:1", contains: "a second document starts here")
    }

    func testTabsInIndentation() {
        assertFirstError("nngen: 1\nname: A\nlayers:\n\t- dense: 2\n", at: "4:1", contains: "invalid YAML")
    }

    func testInvalidUTF8() {
        // A lone continuation byte, an overlong '/', a surrogate, and a truncated sequence at the end.
        assertFirstError(Array("nngen: 1\nname: Ab".utf8) + [0x80], at: "2:9", contains: "not valid UTF-8 (byte 0x80")
        assertFirstError(Array("nngen: 1\n# é ".utf8) + [0xC0, 0xAF], at: "2:5", contains: "byte 0xC0")
        assertFirstError([0xED, 0xA0, 0x80], at: "1:1", contains: "byte 0xED")
        assertFirstError(Array("nngen: 1\n".utf8) + [0xE2, 0x82], at: "2:1", contains: "byte 0xE2")
    }

    func testControlCharacters() {
        assertFirstError("nngen: 1\nname: A\u{0}B\n", at: "2:8", contains: "invalid YAML")
        assertFirstError("nngen: 1\nname: A\u{7}\n", at: "2:8", contains: "invalid YAML")
    }

    func testEmptyAndBlankFiles() {
        assertFirstError([], at: "1:1", contains: "the spec is empty")
        assertFirstError("\n\n   \n", at: "1:1", contains: "the spec is empty")
        assertFirstError("---\n...\n", at: "2:1", contains: "must be a mapping")
    }

    /// 100 MB is refused by its size before parsing (the CLI checks the size before reading).
    func testHundredMegabytes() {
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: 100 << 20)
        assertFirstError(huge, at: "1:1", contains: "over the limit of 4194304 bytes")
    }

    func testDeepNestingOfEveryKind() {
        let flow = "nngen: 1\nx: " + String(repeating: "{a: ", count: 200) + "1" + String(repeating: "}", count: 200) + "\n"
        assertFirstError(flow, at: "2:256", contains: "nesting deeper than the limit of 64")
        var block = "nngen: 1\n"
        for depth in 0..<100 { block += String(repeating: " ", count: depth) + "k:\n" }
        assertFirstError(block, at: "66:65", contains: "nesting deeper than the limit of 64")
        let lists = "nngen: 1\nx:\n" + (0..<100).map { String(repeating: " ", count: 2 * $0) + "-" }.joined(separator: "\n") + " 1\n"
        assertFirstError(lists, at: "66:127", contains: "nesting deeper than the limit of 64")
    }

    func testHugeScalarsAndKeys() {
        let long = String(repeating: "A", count: 1 << 20)
        assertFirstError("nngen: 1\nname: \(long)\n", at: "2:7", contains: "longer than 128 characters")
        assertFirstError("nngen: 1\nname: A\nbatch: 1e400\n", at: "3:8", contains: "whole number")
        assertFirstError("nngen: 1\nname: A\nbatch: 99999999999999999999999\n", at: "3:8", contains: "batch")
    }

    func testNonASCIINames() {
        assertFirstError("nngen: 1\nname: Ñet\n", at: "2:7", contains: "identifier")
    }

    /// Found by the fuzzer: a maxout layer of 6002 pieces took 2.5 GB and 4 s to generate.
    /// Pieces, layers and affine maps (dense layers plus pieces) now have limits.
    func testLayerCountLimits() {
        let head = "nngen: 1\nname: Big\nbatch: 2\ninput: 5\nlayers:\n"
        assertFirstError(head + "  - { maxout: 3, pieces: 6002 }\n", at: "6:26", contains: "'pieces' must be")
        let dense = String(repeating: "  - dense: 2\n", count: 1_001)
        assertFirstError(head + dense, at: "1006:5", contains: "more than the limit of 1000 layers")
        let maxouts = String(repeating: "  - { maxout: 2, pieces: 64 }\n", count: 16)
        assertFirstError(head + maxouts, at: "21:5", contains: "limit of 1000 affine maps")
    }
}
