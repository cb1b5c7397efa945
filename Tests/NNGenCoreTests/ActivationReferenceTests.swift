import NNGenCore
import XCTest

/// The activations added after version 1 against values computed independently of nngen: mpmath
/// at 40 digits from the published definitions (softplus ln(1 + eˣ); SiLU x·σ(x); GELU in
/// PyTorch's tanh approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³)))), the value and the
/// derivative (mpmath's `diff`), through the op definitions' forward and pullback in the IR.
final class ActivationReferenceTests: XCTestCase {
    static let points: [Double] = [-3, -1, -0.25, 0, 0.5, 2]

    static let references: [(op: String, values: [Double], derivatives: [Double])] = [
        ("softplus",
         [0.04858735157374206, 0.3132616875182228, 0.5759394198788436, 0.6931471805599453, 0.9740769841801067, 2.1269280110429727],
         [0.04742587317756678, 0.2689414213699951, 0.4378234991142019, 0.5, 0.6224593312018546, 0.8807970779778824]),
        ("silu",
         [-0.14227761953270035, -0.2689414213699951, -0.10945587477855047, 0, 0.3112296656009273, 1.7615941559557649],
         [-0.08810410601516962, 0.07232948812851327, 0.37628997842980233, 0.5, 0.7399611873026518, 1.0907842487848955]),
        ("gelu",
         [-0.003637392081773019, -0.1588080093917233, -0.100324649298315, 0, 0.34571400982514394, 1.954597694087775],
         [-0.011584166630969726, -0.08296408384578255, 0.30464590484893955, 0.5, 0.8673699035346423, 1.0860992566236183]),
    ]

    /// `y = op(x)`, `f = Σ y`: y is the activation and df/dx its derivative, elementwise.
    func testValuesAndDerivativesMatchTheReference() throws {
        for reference in Self.references {
            let model = try lower("  y: \(reference.op)(x)\n  f: sum(y)\n", input: "[\(Self.points.count)]")
            let result = model.interpret([Self.points])
            for (i, x) in Self.points.enumerated() {
                XCTAssertEqual(result.interpreter.value(model.nodes[0])[i], reference.values[i], accuracy: 1e-15, "\(reference.op)(\(x))")
                XCTAssertEqual(result.gradient[0][i], reference.derivatives[i], accuracy: 1e-15, "\(reference.op)'(\(x))")
            }
        }
    }

    /// Far from 0 the activations behave as their limits, with finite slopes (GELU's slope is
    /// computed at x clamped to ±10, where it has reached 0 and 1).
    func testLargeInputs() throws {
        let points: [Double] = [-1e30, -50, 50, 1e30]
        let limits: [String: (values: [Double], slopes: [Double])] = [
            "softplus": ([0, 0, 50, 1e30], [0, 0, 1, 1]),
            "silu": ([-0.0, -9.643749239819589e-21, 50, 1e30], [0, -9.450874255023197e-21, 1, 1]),
            "gelu": ([-0.0, -0.0, 50, 1e30], [0, 0, 1, 1]),
        ]
        for (op, limit) in limits.sorted(by: { $0.key < $1.key }) {
            let model = try lower("  y: \(op)(x)\n  f: sum(y)\n", input: "[4]")
            let result = model.interpret([points])
            let values = result.interpreter.value(model.nodes[0])
            for i in points.indices {
                XCTAssertEqual(values[i], limit.values[i], accuracy: 1e-12 * max(1, abs(limit.values[i])), "\(op)(\(points[i]))")
                XCTAssertEqual(result.gradient[0][i], limit.slopes[i], accuracy: 1e-12, "\(op)'(\(points[i]))")
            }
        }
    }

    /// pow(x, n) against xⁿ and n·xⁿ⁻¹ computed here.
    func testPow() throws {
        let points: [Double] = [-1.5, 0.5, 2]
        for n in [1, 2, 3, 4, 5, 16, -1, -2, -5] {
            let model = try lower("  y: pow(x, \(n))\n  f: sum(y)\n", input: "[3]")
            let result = model.interpret([points])
            for (i, x) in points.enumerated() {
                var power = 1.0
                for _ in 0..<abs(n) { power *= x }
                if n < 0 { power = 1 / power }
                XCTAssertEqual(result.interpreter.value(model.nodes[0])[i], power, accuracy: 1e-12 * max(1, abs(power)), "pow(\(x), \(n))")
                XCTAssertEqual(result.gradient[0][i], Double(n) * power / x, accuracy: 1e-12 * max(1, abs(power)), "d pow(\(x), \(n))")
            }
        }
    }

    /// Every activation is accepted by both spec forms, under the same name.
    func testEveryActivationInBothForms() throws {
        for op in UnaryOp.all where op.isActivation {
            let network = "nngen: 1\nname: N\ninput: 2\nlayers:\n  - dense: 3\n    activation: \(op.name)\n  - activation: \(op.name)\n  - dense: 2\n"
            guard case .network(let spec) = try SpecParser.parse(network, path: "n.yaml") else { return XCTFail("not a network") }
            XCTAssertEqual(spec.layers.map(\.summary), ["dense 3 \(op.name)", op.name, "dense 2"])
            _ = try lower("  y: \(op.name)(x)\n  f: sum(y)\n", input: "[2]")
        }
    }

    private func lower(_ graph: String, input: String) throws -> GraphModel {
        let text = "nngen: 1\nname: G\nscalar: Double\ninputs:\n  x: \(input)\ngraph:\n\(graph)output: f\n"
        guard case .graph(let spec) = try SpecParser.parse(text, path: "test.yaml") else { throw XCTSkip("not a graph") }
        return GraphLowering.lower(spec)
    }
}
