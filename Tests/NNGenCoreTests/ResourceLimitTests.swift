import NNGenCore
import XCTest

/// Specs whose generated code would allocate more than `WorkspaceLimit.maximumScalars` are an
/// error at generation time, located at the layer or node that makes them so large.
final class ResourceLimitTests: XCTestCase {
    private func errors(_ text: String) -> [String] {
        do {
            _ = try Generator.generate(text, path: "m.yaml")
            return []
        } catch {
            return error.description.split(separator: "\n").map(String.init)
        }
    }

    /// The issue's case: batch 1,048,576 × dense 1,048,576 generated a model whose `Workspace()`
    /// asked for 17.6 TB and aborted.
    func testNetworkWorkspaceOverTheLimit() {
        let huge = "nngen: 1\nname: Huge\nbatch: 1048576\ninput: 4\nlayers:\n  - dense: 1048576\n  - dense: 3\nloss: softmax_cross_entropy\n"
        XCTAssertEqual(errors(huge), ["m.yaml:6:5: error: the model's workspace would hold 3298562146339 scalars (12288 GiB), over the limit of 268435456; batch 1048576 × this layer's 1048576 outputs is the largest part: lower the batch or the width"])
        // Just over and just under: 65,536 × 2,048 is over (1.5 GiB of Float), half of it is not.
        let over = "nngen: 1\nname: Big\nbatch: 65536\ninput: 4\nlayers:\n  - dense: 2048\n  - dense: 3\nloss: softmax_cross_entropy\n"
        XCTAssertEqual(errors(over).first?.hasPrefix("m.yaml:6:5: error: the model's workspace would hold 403277859 scalars (1.5 GiB)"), true)
        XCTAssertEqual(errors(over.replacingOccurrences(of: "65536", with: "32768")), [])
    }

    /// A graph's values and gradients are bounded the same way, at the node that crosses the limit.
    func testGraphValuesOverTheLimit() {
        var text = "nngen: 1\nname: G\ninputs:\n  x: [4096, 4096]\ngraph:\n"
        for i in 0..<10 { text += "  n\(i): mul(\(i == 0 ? "x" : "n\(i - 1)"), x)\n" }
        text += "  s: sum(n9)\noutput: s\n"
        XCTAssertEqual(errors(text), ["m.yaml:13:3: error: the graph's values and their gradients hold more than 268435456 scalars by this node, over the limit"])
    }
}
