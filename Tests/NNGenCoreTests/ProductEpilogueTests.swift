@testable import NNGenCore
import XCTest

/// Which products compute an elementwise kernel in their epilogue (`ExecutionPlan.planEpilogues`).
/// The numbers are checked elsewhere: the golden models with packed products (`wide_layers`)
/// against the interpreter and central differences (GeneratedModelsTests) and against the same
/// spec emitted with `--no-fusion`, which plans none (FusionDifferentialTests).
final class ProductEpilogueTests: XCTestCase {
    /// 256 → 256 relu → 256 relu → 10 at batch 128: every product of 256 × 256 (forward, dX, dW) is packed.
    private let wide = "  - { dense: 256, activation: relu }\n  - { dense: 256, activation: relu }\n  - dense: 10"

    private func emitter(_ layers: String, batch: Int = 128, input: Int = 256, l2: Bool = true, fusion: Bool = true) throws -> NetworkEmitter {
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
        let plan = try emitter(wide).batch.plan
        let found = epilogues(plan)
        let kinds = found.map { "\($0.root.kind)" }.sorted()
        // z1 = x·W1 and z2 = h1·W2 → bias and relu; dh1 = dz2·W2ᵀ → relu's mask; dW1, dW2 → + L2's
        // term. The 10-wide products (z3, dh2, dW3) are register-tiled: their kernels keep their pass.
        XCTAssertEqual(found.count, 5, "\(kinds)")
        XCTAssertEqual(found.filter { if case .unary = $0.root.kind { return true } else { return false } }.count, 2, "relu")
        XCTAssertEqual(found.filter { $0.root.kind == .select }.count, 1, "the derivative's mask")
        XCTAssertEqual(found.filter { $0.root.kind == .binary(.add) }.count, 2, "the two L2 terms")
        for (product, root) in found {
            XCTAssertEqual(plan.graph[root.output].shape, plan.graph[product.output].shape)
            XCTAssertNotEqual(plan.location(root.output), .fused, "the kernel's result is stored")
            XCTAssertEqual(plan.product(product.output)?.form, .packed)
        }
    }

    /// Each product result read only by its epilogue's kernel is stored where the kernel writes,
    /// and needs no scratch of its own: the kernel's result when in the scratch, the gradient's
    /// slot for dW with its L2 term.
    func testProductsShareTheirKernelsStorage() throws {
        let plan = try emitter(wide).batch.plan, unfused = try emitter(wide, fusion: false).batch.plan
        var inGradient = 0
        for (product, root) in epilogues(plan) {
            XCTAssertEqual(plan.storageOwner(of: product.output), root.output)
            XCTAssertEqual(plan.location(product.output), plan.location(root.output))
            if case .pointer("g", _) = plan.location(root.output) { inGradient += 1 }
        }
        XCTAssertEqual(inGradient, 2, "dW1 and dW2 with their L2 terms")
        // No other value shares a location: the scratch holds each stored value once.
        let stored = plan.liveOps.map { plan.graph.ops[$0].output }.filter { plan.storageOwner(of: $0) == $0 && plan.location($0) != .fused }
        XCTAssertEqual(Set(stored.map { "\(plan.location($0))" }).count, stored.count)
        XCTAssertTrue(unfused.liveOps.allSatisfy { unfused.storageOwner(of: unfused.graph.ops[$0].output) == unfused.graph.ops[$0].output })
    }

    /// The shared pointer is spelled once: the product writes through the kernel's pointer and the
    /// epilogue reads and writes it, so that the loop vectorizes without an overlap check.
    func testSharedStorageIsOnePointer() throws {
        let source = try emitter(wide).render()
        XCTAssertTrue(source.contains("Self.productPacked(x, 256, 1, W1, 256, 1, h1, 128, 256, 256, s + "), "z1 is computed in h1")
        XCTAssertTrue(source.contains("let z1: Scalar = h1[i] + b1[c]"))
        let batchPointers = source.split(separator: "\n").filter { $0.hasSuffix("// [128×256]") }.map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(batchPointers.contains { $0.hasPrefix("let h1 = s + ") })
        XCTAssertFalse(batchPointers.contains { $0.hasPrefix("let z1_linear = ") }, "no pointer of its own at the batch")
    }

    func testWithoutL2TheWeightGradientsAreTargets() throws {
        let found = epilogues(try emitter(wide, l2: false).batch.plan)
        XCTAssertEqual(found.count, 3, "z1, z2 and dh1; dW1 and dW2 are the gradient itself")
    }

    func testTanh() throws {
        let plan = try emitter("  - { dense: 256, activation: tanh }\n  - { dense: 256, activation: tanh }\n  - dense: 10").batch.plan
        XCTAssertEqual(epilogues(plan).filter { if case .unary = $0.root.kind { return true } else { return false } }.count, 2)
    }

    /// Register-tiled products (C of a few hundred KiB at most) keep their kernels' passes: with
    /// the kernel in their row-tile loop they measured 0.94–1.0×.
    func testRegisterTiledProductsKeepTheirPass() throws {
        XCTAssertTrue(epilogues(try emitter("  - { dense: 64, activation: relu }\n  - dense: 10", batch: 32, input: 64).batch.plan).isEmpty)
    }

    func testNoFusionPlansNone() throws {
        XCTAssertTrue(epilogues(try emitter(wide, fusion: false).batch.plan).isEmpty)
    }

    /// A maxout layer computes one product per piece: each takes its bias in its epilogue (the
    /// max over the pieces reads two products' results and keeps its pass), and each piece's
    /// weight gradient its L2 term.
    func testMaxoutPiecesTakeTheirBias() throws {
        let plan = try emitter("  - { maxout: 256, pieces: 2 }\n  - dense: 10").batch.plan
        let found = epilogues(plan)
        XCTAssertEqual(found.count, 4, "two biases forward, two L2 terms backward")
        XCTAssertTrue(found.allSatisfy { $0.root.kind == .binary(.add) })
        for (product, root) in found {
            XCTAssertEqual(plan.graph[root.output].shape, plan.graph[product.output].shape)
        }
    }

    /// The emitted call: the kernel's statements inside the product's trailing closure, and no
    /// pass of its own.
    func testEmittedShape() throws {
        let source = try emitter(wide).render(), unfused = try emitter(wide, fusion: false).render()
        XCTAssertTrue(source.contains("{ row, rows, column, columns in"))
        XCTAssertTrue(source.contains("let i = r &* 256 &+ c"))
        // The bias-and-relu pass over all of z1, as the unfused code has it.
        let pass = "for r in 0..<128 {\n            for c in 0..<256 {"
        XCTAssertTrue(unfused.contains(pass))
        XCTAssertFalse(source.contains(pass), "no separate bias-and-relu pass")
        XCTAssertFalse(unfused.contains("{ row, rows, column, columns in"))
    }
}
