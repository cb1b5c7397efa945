/// Emits parameter initialization and the optimizer update of a network model.
enum TrainingEmitter {
    /// Scalars of optimizer state after the parameters in the model's state array.
    static func optimizerStateCount(_ optimizer: OptimizerSpec, parameters: Int) -> Int {
        switch optimizer {
        case .sgd(_, let momentum, _): return momentum > 0 ? parameters : 0
        case .adam: return 2 * parameters + 2
        }
    }

    /// `static func initialize(_ state:, seed:)`: every weight from the spec's scheme, in layout order,
    /// from one SplitMix64 stream; every bias the constant `init.bias`.
    static func initializer(_ model: NetworkModel, _ w: inout CodeWriter) {
        let spec = model.spec
        w.doc("Fills the parameters from `seed` (weights in layout order from one stream; biases constant)",
              "and sets the optimizer state to its start.")
        w.block("static func initialize(_ state: inout [Scalar], seed: UInt64) {") { w in
            w.line("var random = Random(state: seed)")
            for p in model.parameters {
                let range = "\(p.offset)..<\(p.offset + p.count)"
                switch p.kind {
                case .bias:
                    w.line("// \(p.name) \(Shape(p.shape)): constant \(spec.initialization.bias)")
                    w.line("for i in \(range) { state[i] = \(SwiftLiteral.real(spec.initialization.bias)) }")
                case .weight:
                    switch p.initialization {
                    case .he:
                        let std = (2.0 / Double(p.fanIn)).squareRoot()
                        w.line("// \(p.name) \(Shape(p.shape)): he, normal with std √(2/\(p.fanIn))")
                        w.line("for i in \(range) { state[i] = Scalar(random.normal() * \(std)) }")
                    case .xavier:
                        let limit = (6.0 / Double(p.fanIn + p.fanOut)).squareRoot()
                        w.line("// \(p.name) \(Shape(p.shape)): xavier, uniform in ±√(6/(\(p.fanIn) + \(p.fanOut)))")
                        w.line("for i in \(range) { state[i] = Scalar((2 * random.uniform() - 1) * \(limit)) }")
                    case .normal(let std):
                        w.line("// \(p.name) \(Shape(p.shape)): normal with std \(std)")
                        w.line("for i in \(range) { state[i] = Scalar(random.normal() * \(std)) }")
                    case .uniform(let limit):
                        w.line("// \(p.name) \(Shape(p.shape)): uniform in ±\(limit)")
                        w.line("for i in \(range) { state[i] = Scalar((2 * random.uniform() - 1) * \(limit)) }")
                    }
                }
            }
            if case .adam = spec.optimizer {
                let n = model.parameterCount
                w.line("// Adam: β1^t and β2^t start at 1 (t = 0)")
                w.line("state[\(3 * n)] = 1")
                w.line("state[\(3 * n + 1)] = 1")
            }
        }
    }

    /// `static func update(_ state:, _ g:)`: one optimizer step from the gradient `g`.
    static func update(_ model: NetworkModel, _ w: inout CodeWriter) {
        let n = model.parameterCount
        let lit = SwiftLiteral.real
        /// `η * term`, or the term alone for η = 1.
        func step(_ term: String) -> String { lr(model.spec.optimizer) == 1 ? term : "\(lit(lr(model.spec.optimizer))) * \(term)" }
        w.doc("Applies one optimizer step to the parameters (and the optimizer state after them).")
        w.block("static func update(_ state: UnsafeMutablePointer<Scalar>, _ g: UnsafePointer<Scalar>) {") { w in
            switch model.spec.optimizer {
            case .sgd(_, let momentum, let nesterov):
                if momentum == 0 {
                    w.line("// SGD: p −= η·g")
                    w.block("for i in 0..<\(n) {") { w in w.line("state[i] -= \(step("g[i]"))") }
                } else {
                    w.line(nesterov ? "// SGD, Nesterov momentum: v = μ·v + g; p −= η·(g + μ·v)" : "// SGD with momentum: v = μ·v + g; p −= η·v")
                    w.line("let v = state + \(n)")
                    w.block("for i in 0..<\(n) {") { w in
                        w.line("v[i] = \(lit(momentum)) * v[i] + g[i]")
                        w.line(nesterov ? "state[i] -= \(step("(g[i] + \(lit(momentum)) * v[i])"))" : "state[i] -= \(step("v[i]"))")
                    }
                }
            case .adam(_, let beta1, let beta2, let epsilon):
                w.line("// Adam (Kingma & Ba): m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;")
                w.line("// p −= η·m̂/(√v̂ + ε) with m̂ = m/(1−β1^t), v̂ = v/(1−β2^t)")
                w.line("let m = state + \(n), v = state + \(2 * n), powers = state + \(3 * n)")
                w.line("powers[0] *= \(lit(beta1))")
                w.line("powers[1] *= \(lit(beta2))")
                w.line("let correction1 = 1 - powers[0], correction2 = 1 - powers[1]")
                w.block("for i in 0..<\(n) {") { w in
                    w.line("m[i] = \(lit(beta1)) * m[i] + \(lit(1 - beta1)) * g[i]")
                    w.line("v[i] = \(lit(beta2)) * v[i] + \(lit(1 - beta2)) * g[i] * g[i]")
                    w.line("state[i] -= \(step("(m[i] / correction1)")) / ((v[i] / correction2).squareRoot() + \(lit(epsilon)))")
                }
            }
        }
    }

    /// The optimizer's learning rate η.
    private static func lr(_ optimizer: OptimizerSpec) -> Double {
        switch optimizer {
        case .sgd(let lr, _, _), .adam(let lr, _, _, _): return lr
        }
    }
}
