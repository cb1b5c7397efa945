@testable import NNGenCore
import XCTest

/// Every array the plan puts in the scratch starts at a multiple of
/// `ExecutionPlan.scratchAlignment` elements (so at a cache line once the API has aligned the
/// scratch's start): stored values, the packed and transposed copies of products, the fused
/// step's scratch, and the single-example path's, in both lowerings of the repository's specs.
final class ScratchAlignmentTests: XCTestCase {
    func testEveryScratchArrayStartsAligned() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Specs")
        let specs = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        var checked = 0
        for name in specs {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            guard case .network(let spec) = try SpecParser.parse(text, path: name) else { continue }
            let emitter = NetworkEmitter(model: NetworkLowering.lower(spec), sourceName: name, unrollLimit: Generator.defaultUnrollLimit)
            XCTAssertEqual(emitter.singleOffset % ExecutionPlan.scratchAlignment, 0, name)
            for functions in [emitter.batch] + (emitter.single.map { [$0] } ?? []) {
                let plan = functions.plan
                var offsets: [Int] = []
                for id in plan.graph.values.indices.map({ ValueID(index: $0) }) {
                    if case .pointer("s", let offset) = plan.location(id) { offsets.append(offset) }
                    if let product = plan.product(id) {
                        offsets += [product.copyA, product.copyB, product.transposedOutput].compactMap { $0 }
                    }
                }
                if let fused = functions.fused { offsets.append(fused.scratchBase) }
                for offset in offsets { XCTAssertEqual(offset % ExecutionPlan.scratchAlignment, 0, "\(name): scratch offset \(offset)") }
                checked += offsets.count
            }
        }
        XCTAssertGreaterThan(checked, 100, "the specs' scratch arrays")
    }
}
