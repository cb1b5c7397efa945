@testable import ExampleModels
@testable import GeneratedModels
@testable import NNGenCore
import XCTest

/// `scratch(_:)` of the emitted API: wherever the workspace's elements start (any multiple of
/// the scalar's size past a cache line), the scratch starts on a 64-byte boundary, after the
/// gradient, and the planned scratch still ends inside `workspaceCount`.
final class ScratchPointerTests: XCTestCase {
    /// The planned scratch: `workspaceCount` less the gradient and the slack (`NetworkEmitter.scratchSlack`).
    private func check<Scalar>(_ name: String, _ parameterCount: Int, _ workspaceCount: Int,
                               _ scratch: (UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Scalar>) {
        let size = MemoryLayout<Scalar>.stride, planned = workspaceCount - parameterCount - NetworkEmitter.scratchSlack
        let raw = UnsafeMutableRawPointer.allocate(byteCount: (workspaceCount + 64) * size, alignment: 64)
        defer { raw.deallocate() }
        for shift in 0..<(64 / size) {
            let buffer = (raw + shift * size).assumingMemoryBound(to: Scalar.self)
            let s = scratch(buffer)
            XCTAssertEqual(Int(bitPattern: s) % 64, 0, "\(name), elements \(shift * size) bytes past a line")
            XCTAssertGreaterThanOrEqual(s, buffer + parameterCount, name)
            XCTAssertLessThanOrEqual(s + planned, buffer + workspaceCount, name)
        }
    }

    func testScratchIsAlignedInsideTheWorkspace() {
        check("SpiralNet", SpiralNet.parameterCount, SpiralNet.workspaceCount, SpiralNet.scratch)
        check("DigitsNet", DigitsNet.parameterCount, DigitsNet.workspaceCount, DigitsNet.scratch)
        check("TenClassDoubleNet", TenClassDoubleNet.parameterCount, TenClassDoubleNet.workspaceCount, TenClassDoubleNet.scratch)
        check("SGDNet", SGDNet.parameterCount, SGDNet.workspaceCount, SGDNet.scratch)
    }
}
