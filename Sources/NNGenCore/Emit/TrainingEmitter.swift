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
            if model.parameters.count > tableThreshold {
                initializationTable(model, &w)
            }
            for p in model.parameters where model.parameters.count <= tableThreshold {
                let range = "\(p.offset)..<\(p.offset + p.count)"
                switch p.kind {
                case .bias:
                    w.line("// \(p.name) \(Shape(p.shape)): constant \(spec.initialization.bias)")
                    w.line("for i in \(range) { state[i] = \(SwiftLiteral.real(spec.initialization.bias)) }")
                case .scale, .shift, .runningMean, .runningVariance:
                    let start = p.batchNormStart
                    w.line("// \(p.name) \(Shape(p.shape)): constant \(Int(start)), as PyTorch's BatchNorm starts")
                    w.line("for i in \(range) { state[i] = \(SwiftLiteral.real(start)) }")
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

    /// Past this many parameter arrays, `initialize` reads a table instead of one loop per array:
    /// 400 loops in one function took `swiftc -O` minutes.
    static let tableThreshold = 32

    /// The loops of `initialize` as one loop over a table, one string literal of
    /// `size:kind:scale` words for the parameter arrays in layout order (kind 0: the constant
    /// `init.bias`, 1: normal times the scale, 2: uniform in ±scale), drawing from the same stream
    /// in the same order. The scales are shortest round-trip decimals, so they parse back exactly.
    private static func initializationTable(_ model: NetworkModel, _ w: inout CodeWriter) {
        let spec = model.spec
        let words = model.parameters.map { p -> String in
            let (kind, scale): (Int, Double)
            switch (p.kind, p.initialization) {
            case (.bias, _): (kind, scale) = (0, 0)
            case (.scale, _), (.shift, _), (.runningMean, _), (.runningVariance, _): (kind, scale) = (3, p.batchNormStart)
            case (.weight, .he): (kind, scale) = (1, (2.0 / Double(p.fanIn)).squareRoot())
            case (.weight, .xavier): (kind, scale) = (2, (6.0 / Double(p.fanIn + p.fanOut)).squareRoot())
            case (.weight, .normal(let std)): (kind, scale) = (1, std)
            case (.weight, .uniform(let limit)): (kind, scale) = (2, limit)
            }
            return "\(p.count):\(kind):\(SwiftLiteral.real(scale))"
        }
        let batchNorm = model.parameters.contains { $0.batchNormStart.isFinite }
        w.line("// Each parameter array in layout order as size:kind:scale; kind 0 is the constant")
        w.line("// init.bias, 1 normal times the scale, 2 uniform in ±scale\(batchNorm ? ", 3 the constant scale (batch norm)" : "").")
        w.words("arrays", words)
        w.line("var start = 0")
        w.block("for entry in arrays {") { w in
            w.line("let fields = entry.split(separator: \":\")")
            w.line("let end = start + (Int(fields[0]) ?? 0), scale = Double(fields[2]) ?? 0")
            w.line("switch fields[1] {")
            w.line("case \"1\": for i in start..<end { state[i] = Scalar(random.normal() * scale) }")
            w.line("case \"2\": for i in start..<end { state[i] = Scalar((2 * random.uniform() - 1) * scale) }")
            if batchNorm { w.line("case \"3\": for i in start..<end { state[i] = Scalar(scale) }") }
            w.line("default: for i in start..<end { state[i] = \(SwiftLiteral.real(spec.initialization.bias)) }")
            w.line("}")
            w.line("start = end")
        }
    }

    /// `static func update(_ state:, _ g:, _ bound:) -> Bool`: one optimizer step from the gradient
    /// `g`, or none when it would make a parameter or the optimizer state NaN or infinite.
    ///
    /// A gradient with a NaN or an infinity is refused from one scan of its bits (the largest
    /// `bits & 0x7F…F` is a NaN's or an infinity's exactly when one is there); that scan also gives
    /// the gradient's largest magnitude G. With `bound` ≥ every |value| of the state (kept by the
    /// previous step; ∞ when unknown), a bound on every new value follows from the optimizer's
    /// formula (below); under half the format's largest, no new value can overflow, and the step
    /// stores them at once. Otherwise (the first step, or values that large) an exact pass
    /// computes every new value without storing it and keeps the least of `exponent & ~bits`,
    /// 0 exactly when some value is an infinity or a NaN, before any is stored. The storing pass
    /// keeps the largest new magnitude as the next `bound`. The extra cost is one read of the
    /// gradient per step, O(parameters) against the step's O(batch·parameters).
    ///
    /// Every new value under the format's smallest normal magnitude (1.2·10⁻³⁸ for Float,
    /// 2.2·10⁻³⁰⁸ for Double) is stored as a zero of its sign (`0 * x`): a change of less than that
    /// magnitude. Without it, the weights of a unit no example activates decay under L2 by
    /// 1 − 2λη per step into subnormal numbers (after about 87,000 steps at 0.999), and products
    /// with them take the CPU's slow path for good: the spiral's step stayed at 17.05 µs instead
    /// of 16.3. (Before that, for about 15,000 steps, the weights are normal and some of their
    /// products are not, up to 21 µs; the flush does not change that window.)
    static func update(_ model: NetworkModel, _ w: inout CodeWriter) {
        let n = model.parameterCount
        let lit = SwiftLiteral.real
        let optimizer = model.spec.optimizer
        /// `η * term`: η is the model's `learningRate`, passed as `eta`.
        func step(_ term: String) -> String { "eta * \(term)" }
        let double = model.spec.scalar == .double
        let (bits, exponent, magnitude) = double
            ? ("UInt64", "0x7FF0_0000_0000_0000", "0x7FFF_FFFF_FFFF_FFFF") : ("UInt32", "0x7F80_0000", "0x7FFF_FFFF")
        /// The comment, the lines before the loops, each element's new values (a `let` line each
        /// and where it is stored), and the bound on the new values from `bound` (S) and G, in Double.
        let comment: [String], prelude: [String], values: [(name: String, value: String, target: String)], newBound: [String]
        switch optimizer {
        case .sgd(_, let momentum, _) where momentum == 0:
            (comment, prelude) = (["// SGD: p −= η·g"], [])
            values = [("p", "state[i] - \(step("g[i]"))", "state[i]")]
            newBound = ["let newBound = bound + etaBound * largestGradient  // |p − η·g| ≤ S + η·G"]
        case .sgd(_, let momentum, let nesterov):
            comment = [nesterov ? "// SGD, Nesterov momentum: v = μ·v + g; p −= η·(g + μ·v)" : "// SGD with momentum: v = μ·v + g; p −= η·v"]
            prelude = ["let v = state + \(n)"]
            values = [("u", "\(lit(momentum)) * v[i] + g[i]", "v[i]"),
                      ("p", nesterov ? "state[i] - \(step("(g[i] + \(lit(momentum)) * u)"))" : "state[i] - \(step("u"))", "state[i]")]
            newBound = ["let velocity = \(lit(momentum)) * bound + largestGradient  // |μ·v + g| ≤ μ·S + G",
                        "let newBound = max(velocity, bound + etaBound * "
                            + (nesterov ? "(largestGradient + \(lit(momentum)) * velocity))" : "velocity)")]
        case .adam(_, let beta1, let beta2, let epsilon):
            comment = ["// Adam (Kingma & Ba): m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;",
                       "// p −= η·m̂/(√v̂ + ε) with m̂ = m/(1−β1^t), v̂ = v/(1−β2^t)"]
            prelude = ["let m = state + \(n), v = state + \(2 * n), powers = state + \(3 * n)",
                       "let power1 = powers[0] * \(lit(beta1)), power2 = powers[1] * \(lit(beta2))",
                       "let correction1 = 1 - power1, correction2 = 1 - power2"]
            values = [("mi", "\(lit(beta1)) * m[i] + \(lit(1 - beta1)) * g[i]", "m[i]"),
                      ("vi", "\(lit(beta2)) * v[i] + \(lit(1 - beta2)) * g[i] * g[i]", "v[i]"),
                      ("p", "state[i] - \(step("(mi / correction1)")) / ((vi / correction2).squareRoot() + \(lit(epsilon)))", "state[i]")]
            // √v̂ ≥ 0, so |m̂/(√v̂ + ε)| ≤ |m̂|/ε; m̂ and v̂ are bounded through the corrections.
            newBound = ["let moment = \(lit(beta1)) * bound + \(lit(1 - beta1)) * largestGradient",
                        "let second = \(lit(beta2)) * bound + \(lit(1 - beta2)) * largestGradient * largestGradient",
                        "let corrected = max(moment / Double(correction1), second / Double(correction2))",
                        "let newBound = max(corrected, bound + etaBound * moment / Double(correction1) / \(lit(epsilon)))"]
        }
        func computeValues(_ w: inout CodeWriter) { for v in values { w.line("let \(v.name) = \(v.value)") } }
        func bitsOf(_ names: [String], _ combine: String, _ transform: (String) -> String) -> String {
            names.map(transform).reduce("") { $0.isEmpty ? $1 : "\(combine)(\($0), \($1))" }
        }
        w.doc("Applies one optimizer step of learning rate `eta` to the parameters (and the optimizer state",
              "after them); returns false, changing nothing, when a new value would be NaN or infinite. `bound`",
              "is at least every |value| of the state (∞ when unknown); the step keeps it so.")
        w.block("static func update(_ state: UnsafeMutablePointer<Scalar>, _ g: UnsafePointer<Scalar>, _ eta: Scalar, _ bound: inout Double) -> Bool {") { w in
            for line in comment + prelude { w.line(line) }
            w.line("let etaBound = Double(eta.magnitude)")
            w.line("let exponent: \(bits) = \(exponent), magnitude: \(bits) = \(magnitude)")
            w.line("var gradientBits: \(bits) = 0")
            w.line("for i in 0..<\(n) { gradientBits = max(gradientBits, g[i].bitPattern & magnitude) }")
            w.line("guard gradientBits < exponent else { return false }  // a NaN or an infinity in g")
            w.line("let largestGradient = Double(Scalar(bitPattern: gradientBits))")
            for line in newBound { w.line(line) }
            w.block("if !(newBound < Double(Scalar.greatestFiniteMagnitude) / 2) {") { w in
                w.line("var least = exponent")
                w.block("for i in 0..<\(n) {") { w in
                    computeValues(&w)
                    w.line("least = min(least, " + bitsOf(values.map(\.name), "min") { "exponent & ~\($0).bitPattern" } + ")")
                }
                w.line("guard least != 0 else { return false }")
            }
            w.line("var largest: \(bits) = 0")
            w.block("for i in 0..<\(n) {") { w in
                computeValues(&w)
                // A subnormal value is stored as a zero of its sign (see the doc comment).
                for v in values { w.line("\(v.target) = \(v.name).magnitude < Scalar.leastNormalMagnitude ? 0 * \(v.name) : \(v.name)") }
                w.line("largest = max(largest, " + bitsOf(values.map(\.name), "max") { "\($0).bitPattern & magnitude" } + ")")
            }
            if case .adam = optimizer {
                w.line("powers[0] = power1")
                w.line("powers[1] = power2")
            }
            w.line("bound = Double(Scalar(bitPattern: largest))")
            w.line("return true")
        }
    }

    /// The optimizer's learning rate η in the spec: where a model's `learningRate` starts.
    static func learningRate(_ optimizer: OptimizerSpec) -> Double {
        switch optimizer {
        case .sgd(let lr, _, _), .adam(let lr, _, _, _): return lr
        }
    }
}
