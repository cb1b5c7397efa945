import NNGenCore
import XCTest

/// One test per kind of diagnostic, each with its expected `line:col`.
final class DiagnosticTests: XCTestCase {
    /// A valid network spec to start from; tests replace or append lines.
    static let valid = """
        nngen: 1
        name: Net
        batch: 4
        input: 2
        layers:
          - dense: 3
            activation: relu
          - dense: 2
        loss: softmax_cross_entropy
        optimizer:
          sgd: { learning_rate: 0.1 }
        """

    /// The diagnostics of `text` as `line:col: error: message`.
    func diagnostics(_ text: String) -> [String] { specDiagnostics(text) }

    /// Asserts exactly one diagnostic at `position` whose message contains `fragment`.
    func assertError(_ text: String, at position: String, contains fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        assertSingleError(text, at: position, contains: fragment, file: file, line: line)
    }

    func replacing(_ old: String, with new: String) -> String {
        precondition(Self.valid.contains(old))
        return Self.valid.replacingOccurrences(of: old, with: new)
    }

    func testValidSpecHasNoDiagnostics() {
        XCTAssertEqual(diagnostics(Self.valid), [])
    }

    func testInvalidYAMLSyntax() {
        assertError("nngen: 1\nname: [Net\n", at: "3:1", contains: "invalid YAML")
    }

    func testUnknownKeyWithSuggestion() {
        assertError(replacing("batch: 4", with: "bacth: 4"), at: "3:1", contains: "unknown key 'bacth' in the spec; did you mean 'batch'?")
    }

    func testUnknownNestedKeyWithSuggestion() {
        assertError(replacing("{ learning_rate: 0.1 }", with: "{ learning_rat: 0.1 }"), at: "11:10", contains: "did you mean 'learning_rate'?")
    }

    func testDuplicateKey() {
        assertError(Self.valid + "\nbatch: 8", at: "12:1", contains: "'batch' is given twice in the spec (first at 3:1)")
    }

    func testMissingRequiredKey() {
        assertError(replacing("input: 2\n", with: ""), at: "1:1", contains: "missing required key 'input'")
    }

    func testWrongType() {
        assertError(replacing("batch: 4", with: "batch: four"), at: "3:8", contains: "'batch' must be a whole number, found 'four'")
    }

    func testQuotedNumberIsNotANumber() {
        assertError(replacing("batch: 4", with: "batch: \"4\""), at: "3:8", contains: "must be a whole number")
    }

    func testOutOfRange() {
        assertError(replacing("batch: 4", with: "batch: 0"), at: "3:8", contains: "'batch' must be at least 1, found 0")
        assertError(replacing("learning_rate: 0.1", with: "learning_rate: -0.1"), at: "11:25", contains: "'learning_rate' must be > 0, found -0.1")
        assertError(replacing("activation: relu", with: "activation: { leaky_relu: { alpha: 1.5 } }"), at: "7:40", contains: "must be ≥ 0 and < 1")
    }

    func testNonFiniteNumber() {
        assertError(replacing("learning_rate: 0.1", with: "learning_rate: .inf"), at: "11:25", contains: "must be finite")
    }

    func testLimit() {
        assertError(replacing("dense: 3", with: "dense: 2000000"), at: "6:12", contains: "at most 1048576")
        assertError(replacing("input: 2", with: "input: 1000000").replacingOccurrences(of: "dense: 3", with: "dense: 20"), at: "6:5", contains: "more than the limit of 16777216 parameters")
    }

    func testUnknownActivationWithSuggestion() {
        assertError(replacing("activation: relu", with: "activation: rleu"), at: "7:17", contains: "unknown activation 'rleu'; did you mean 'relu'?")
    }

    func testUnknownLossAndOptimizer() {
        assertError(replacing("loss: softmax_cross_entropy", with: "loss: hinge_loss"), at: "9:7", contains: "unknown loss 'hinge_loss'")
        assertError(replacing("sgd: {", with: "sdg: {"), at: "11:3", contains: "did you mean 'sgd'?")
    }

    func testScalarType() {
        assertError(Self.valid + "\nscalar: Float16", at: "12:9", contains: "'scalar' must be Float or Double")
    }

    func testBadModelNames() {
        assertError(replacing("name: Net", with: "name: net"), at: "2:7", contains: "UpperCamelCase")
        assertError(replacing("name: Net", with: "name: \"Net\\\"; import Foundation\""), at: "2:7", contains: "is not a Swift identifier")
        assertError(replacing("name: Net", with: "name: Array"), at: "2:7", contains: "uses itself")
    }

    func testBadLayerNames() {
        assertError(replacing("activation: relu", with: "activation: relu\n    name: class"), at: "8:11", contains: "'class' is a Swift keyword")
        assertError(replacing("activation: relu", with: "activation: relu\n    name: \"a*/b\""), at: "8:11", contains: "is not an identifier")
        let twice = replacing("activation: relu", with: "activation: relu\n    name: hidden")
            .replacingOccurrences(of: "  - dense: 2", with: "  - dense: 2\n    name: hidden")
        assertError(twice, at: "9:5", contains: "layer name 'hidden' is used twice (first at 6:5)")
    }

    func testAnchorsAliasesTagsAndDocuments() {
        assertError(replacing("batch: 4", with: "batch: &b 4\ninput_copy: *b"), at: "3:8", contains: "anchors are not allowed")
        assertError("nngen: 1\nbatch: *b\n", at: "2:8", contains: "aliases are not allowed")
        assertError(replacing("batch: 4", with: "batch: !!int 4"), at: "3:8", contains: "tags are not allowed")
        assertError(Self.valid + "\n---\nnngen: 1\n", at: "12:1", contains: "a second document starts here")
    }

    func testFormSelection() {
        assertError(replacing("layers:\n", with: "graph: {}\nlayers:\n"), at: "5:1", contains: "not both")
        assertError("nngen: 1\nname: Net\ninput: 2\n", at: "1:1", contains: "needs 'layers:'")
    }

    func testVersion() {
        assertError(replacing("nngen: 1", with: "nngen: 2"), at: "1:8", contains: "format version 1, the spec says 2")
    }

    func testEmptySpec() {
        assertError("", at: "1:1", contains: "the spec is empty")
        assertError("# only a comment\n", at: "1:1", contains: "the spec is empty")
    }

    func testDeepNesting() {
        let deep = "nngen: 1\nx: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n"
        assertError(deep, at: "2:67", contains: "nesting deeper than the limit of 64")
    }

    func testNoParameterizedLayer() {
        assertError(replacing("  - dense: 3\n    activation: relu\n  - dense: 2\n", with: "  - activation: relu\n"), at: "6:3", contains: "at least one dense, maxout or conv2d layer")
    }

    func testLayerShape() {
        assertError(replacing("  - dense: 2\n", with: "  - dense: 2\n    pieces: 3\n"), at: "9:5", contains: "unknown key 'pieces' in layer 2 (dense)")
        assertError(replacing("  - dense: 2\n", with: "  - dense: 2\n    maxout: 3\n"), at: "8:5", contains: "more than one kind key")
        assertError(replacing("  - dense: 2\n", with: "  - 2\n"), at: "8:5", contains: "layer 2 must be a mapping")
    }

    /// All errors of a spec in one run, sorted by position.
    func testAllErrorsReportedInOrder() {
        let text = replacing("batch: 4", with: "batch: 0").replacingOccurrences(of: "activation: relu", with: "activation: rleu")
            .replacingOccurrences(of: "learning_rate: 0.1", with: "learning_rate: 0")
        let found = diagnostics(text)
        XCTAssertEqual(found.map { String($0.prefix(5)) }, ["3:8: ", "7:17:", "11:25"])
    }

    func testRenderedForm() {
        let error = Diagnostic.error("bad", at: SourceLocation(line: 3, column: 7))
        XCTAssertEqual(error.rendered(path: "Specs/x.yaml"), "Specs/x.yaml:3:7: error: bad")
    }
}
