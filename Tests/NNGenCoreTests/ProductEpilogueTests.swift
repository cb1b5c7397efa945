@testable import NNGenCore
import XCTest

/// Which products compute an elementwise kernel in their epilogue (`ExecutionPlan.planEpilogues`).
/// The numbers are checked elsewhere: every golden model (products with epilogues in all three
/// forms that take one) against the interpreter and central differences (GeneratedModelsTests)
/// and against the same spec emitted with `--no-fusion`, which plans none (FusionDifferentialTests).
final class ProductEpilogueTests: XCTestCase {
    private func emitter(_ layers: String, batch: Int = 32, input: Int = 64, l2: Bool = true, fusion: Bool = true) throws -> NetworkEmitter {
        let yaml = """
            nngen: 1
            name: Net
            scalar: Float
            batch: \(batch)
            input: \(input)
            layers:
            \(layers)
            loss: softmax_cross_entropy
            \(l2 ? "regularization: { l2: 0.001 }" : "")
            optimizer: { sgd: { learning_rate: 0.1 } }
            """
        guard case .network(let spec) = try SpecParser.parse(yaml, path: "n.yaml") else { throw XCTSkip("not a network") }
        return NetworkEmitter(model: NetworkLowering.lower(spec), sourceName: "n.yaml", unrollLimit: Generator.defaultUnrollLimit, fusion: fusion)
    }

    /// (product op, epilogue root op) for every planned epilogue.
    private func epilogues(_ plan: ExecutionPlan) -> [(product: Op, root: Op)] {
        plan.liveOps.compactMap { i in
            let op = plan.graph.ops[i]
            return plan.epilogue(of: op.output).map { (op, plan.graph.ops[$0]) }
        }
    }

    func testForwardBackwardAndL2() throws {
        let plan = try emitter("  - { dense: 64, activation: relu }\n  - dense: 10").plan
        let found = epilogues(plan)
        let kinds = found.map { "\($0.root.kind)" }.sorted()
        // z1 = x·W1 → bias and relu; scores = h1·W2 → bias; dh1 = dz2·W2ᵀ → relu's mask; dW1, dW2 → + L2's term.
        XCTAssertEqual(found.count, 5, "\(kinds)")
        XCTAssertEqual(found.filter { if case .unary = $0.root.kind { return true } else { return false } }.count, 1, "relu")
        XCTAssertEqual(found.filter { $0.root.kind == .select }.count, 1, "the derivative's mask")
        XCTAssertEqual(found.filter { $0.root.kind == .binary(.add) }.count, 3, "the scores' bias and the two L2 terms")
        for (product, root) in found {
            XCTAssertEqual(plan.graph[root.output].shape, plan.graph[product.output].shape)
            XCTAssertNotEqual(plan.location(root.output), .fused, "the kernel's result is stored")
            XCTAssertTrue([.rows, .dots, .packed].contains(plan.product(product.output)?.form), "a form that calls an epilogue")
        }
    }

    func testWithoutL2TheWeightGradientsAreTargets() throws {
        let found = epilogues(try emitter("  - { dense: 64, activation: relu }\n  - dense: 10", l2: false).plan)
        XCTAssertEqual(found.count, 3, "z1, the scores and dh1; dW1 and dW2 are the gradient itself")
    }

    func testPackedProductsTakeThemToo() throws {
        let plan = try emitter("  - { dense: 256, activation: tanh }\n  - { dense: 256, activation: tanh }\n  - dense: 10",
                               batch: 64, input: 256).plan
        let packed = epilogues(plan).filter { plan.product($0.product.output)?.form == .packed }
        XCTAssertFalse(packed.isEmpty)
        XCTAssertTrue(packed.contains { if case .unary = $0.root.kind { return true } else { return false } }, "tanh in the forward product")
    }

    func testNoFusionPlansNone() throws {
        XCTAssertTrue(epilogues(try emitter("  - { dense: 64, activation: relu }\n  - dense: 10", fusion: false).plan).isEmpty)
    }

    /// A maxout layer's product is read by its pieces' comparisons, each a slice of other shape.
    func testMaxoutProductsKeepTheirPass() throws {
        let plan = try emitter("  - { maxout: 16, pieces: 2 }\n  - dense: 10").plan
        for (product, root) in epilogues(plan) {
            XCTAssertEqual(plan.graph[root.output].shape, plan.graph[product.output].shape)
        }
    }

    /// The emitted call: the kernel's statements inside the product's trailing closure, and no
    /// pass of its own.
    func testEmittedShape() throws {
        let layers = "  - { dense: 64, activation: relu }\n  - dense: 10"
        let source = try emitter(layers).render(), unfused = try emitter(layers, fusion: false).render()
        XCTAssertTrue(source.contains("{ row, rows, column, columns in"))
        XCTAssertTrue(source.contains("let i = r * 64 + c"))
        // The bias-and-relu pass over all of z1, as the unfused code has it.
        let pass = "for r in 0..<32 {\n            for c in 0..<64 {"
        XCTAssertTrue(unfused.contains(pass))
        XCTAssertFalse(source.contains(pass), "no separate bias-and-relu pass")
        XCTAssertFalse(unfused.contains("{ row, rows, column, columns in"))
    }
}
