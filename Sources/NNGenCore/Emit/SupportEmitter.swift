/// Emits the nested helpers generated models carry: the input error and its count check, and for
/// networks the workspace and the seeded random generator. They are nested so that models
/// compile together.
enum SupportEmitter {
    static func inputError(labels: Bool = true, _ w: inout CodeWriter) {
        if labels {
            w.doc("A wrong-sized array or an out-of-range label: names the model, the argument, what was", "expected and what came. The model is left unchanged.")
        } else {
            w.doc("A wrong-sized array: names the model, the argument, what was expected and what came.")
        }
        w.block("public struct InputError: Error, Sendable, CustomStringConvertible {") { w in
            w.line("public let model: String")
            w.line("public let argument: String")
            w.line("public let expected: String")
            w.line("public let found: String")
            w.line("public var description: String { \"\\(model): \\(argument): expected \\(expected), found \\(found)\" }")
        }
    }

    /// The error of a training step that would leave the model with a NaN or an infinity.
    static func divergenceError(_ w: inout CodeWriter) {
        w.doc("A training step whose loss is NaN or infinite, or whose update would make a parameter or the",
              "optimizer state so (usually a learning rate too large: the run diverges). The model is left",
              "as it was before the step, at its last finite state.")
        w.block("public struct DivergenceError: Error, Sendable, CustomStringConvertible {") { w in
            w.line("public let model: String")
            w.doc("The loss at the parameters the model keeps.")
            w.line("public let loss: Double")
            w.block("public var description: String {") { w in
                w.line("let what = loss.isFinite ? \"the update would make a parameter or the optimizer state non-finite (the loss was \\(loss))\" : \"the loss is \\(loss)\"")
                w.line("return \"\\(model): training diverged: \\(what); the model keeps its parameters from before the step (a smaller learning rate?)\"")
            }
        }
    }

    /// `checkFinite`, which throws `InputError` for a NaN or an infinity. The scan looks at the
    /// exponent bits only (all ones for NaN and ±∞) and keeps their minimum over `mask & ~bits`,
    /// a reduction without early exit, so it vectorizes; the index is found only on failure.
    static func checkFinite(model: String, scalar: String, _ w: inout CodeWriter) {
        let (bits, mask) = scalar == "Float" ? ("UInt32", "0x7F80_0000") : ("UInt64", "0x7FF0_0000_0000_0000")
        w.block("static func checkFinite(_ values: some Collection<Scalar>, _ argument: String) throws {") { w in
            w.line("let exponent: \(bits) = \(mask)")
            w.line("var least = exponent")
            w.line("for v in values { least = min(least, exponent & ~v.bitPattern) }")
            w.line("guard least == 0 else { return }")
            w.block("for (i, v) in values.enumerated() where !v.isFinite {") { w in
                w.line("throw InputError(model: \"\(model)\", argument: \"\\(argument)[\\(i)]\", expected: \"a finite number\", found: \"\\(v)\")")
            }
        }
    }

    /// `checkCount`, which throws `InputError` for an array of the wrong length.
    static func checkCount(model: String, _ w: inout CodeWriter) {
        w.block("static func checkCount(_ count: Int, _ argument: String, _ expected: Int) throws {") { w in
            w.block("guard count == expected else {") { w in
                w.line("throw InputError(model: \"\(model)\", argument: argument, expected: \"\\(expected) values\", found: \"\\(count) values\")")
            }
        }
    }

    /// `checkCount` for an initializer with many arrays: it records the first wrong length in
    /// `error` instead of throwing, so that the initializer throws at one place. With a `try` per
    /// array, every throwing edge released every argument, and `swiftc -O` took time quadratic in
    /// the number of arrays (200 inputs: 50 s of 65).
    static func recordCount(model: String, _ w: inout CodeWriter) {
        w.block("static func checkCount(_ count: Int, _ argument: String, _ expected: Int, _ error: inout InputError?) {") { w in
            w.block("if error == nil, count != expected {") { w in
                w.line("error = InputError(model: \"\(model)\", argument: argument, expected: \"\\(expected) values\", found: \"\\(count) values\")")
            }
        }
    }

    static func workspace(model: String, _ w: inout CodeWriter) {
        w.doc("Memory for the allocation-free entry points: the gradient, then the scratch space planned", "at generation time. Create one, then reuse it for every call.")
        w.block("public struct Workspace: Sendable {") { w in
            w.line("var buffer: [Scalar]")
            w.doc("Allocates `\(model).workspaceCount` scalars, once.")
            w.line("public init() { buffer = [Scalar](repeating: 0, count: \(model).workspaceCount) }")
            w.doc("dL/dp of the last `lossAndGradient` or `trainStep` call, in the parameter layout.")
            w.line("public var gradient: ArraySlice<Scalar> { buffer[0..<\(model).parameterCount] }")
        }
    }

    static func random(_ w: inout CodeWriter) {
        w.doc("SplitMix64 (Steele, Lea and Flood, 2014) with a normal sampler built from basic IEEE", "arithmetic only, so a seed gives the same parameters on every platform.")
        w.block("struct Random {") { w in
            w.line("var state: UInt64")
            w.line("")
            w.block("mutating func next() -> UInt64 {") { w in
                w.line("state &+= 0x9E37_79B9_7F4A_7C15")
                w.line("var z = state")
                w.line("z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9")
                w.line("z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB")
                w.line("return z ^ (z >> 31)")
            }
            w.line("")
            w.doc("Uniform in [0, 1) from the top 53 bits.")
            w.line("mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }")
            w.line("")
            w.doc("Standard normal, Marsaglia's polar method.")
            w.block("mutating func normal() -> Double {") { w in
                w.block("while true {") { w in
                    w.line("let u = 2 * uniform() - 1, v = 2 * uniform() - 1")
                    w.line("let s = u * u + v * v")
                    w.line("if s > 0 && s < 1 { return u * (-2 * Random.naturalLog(s) / s).squareRoot() }")
                }
            }
            w.line("")
            w.doc("ln x for 0 < x < 1 with basic operations only: x = m·2^e, m in [1, 2),",
                  "ln x = e·ln 2 + 2·atanh((m − 1)/(m + 1)), the series summed to double precision.")
            w.block("static func naturalLog(_ x: Double) -> Double {") { w in
                w.line("let t = (x.significand - 1) / (x.significand + 1), t2 = t * t")
                w.line("var term = t, sum = 0.0, k = 1.0")
                w.block("while k < 60 {") { w in
                    w.line("sum += term / k")
                    w.line("term *= t2")
                    w.line("k += 2")
                }
                w.line("return Double(x.exponent) * 0.6931471805599453 + 2 * sum")
            }
        }
    }
}
