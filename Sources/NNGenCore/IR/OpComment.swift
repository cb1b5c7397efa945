/// What an op computes, as the reader of emitted code and of `nngen explain` sees it: a formula,
/// and apart from it, the local gradient of a chain-rule step or a remark. Kept as fields (never
/// re-parsed from text): `explain` reads the formula and the local gradient from here.
public struct OpComment: Sendable, Hashable, ExpressibleByStringInterpolation {
    /// What follows the formula, set off by three spaces.
    public enum Detail: Sendable, Hashable {
        /// The local gradient of a backward step, `∂y/∂x = …`, written `(∂y/∂x = …)`.
        case localGradient(String)
        /// A remark in parentheses, such as `(leaky ReLU)`.
        case remark(String)
        /// The operand shapes of a product, such as `[300×2]·[2×100]`.
        case shapes(String)
    }

    /// `q = x + y`, or `dL/dh1 = dL/dz2 · W2ᵀ` for a backward step.
    public var formula: String
    /// What follows the formula, if anything.
    public var detail: Detail?

    /// A formula with an optional detail.
    public init(_ formula: String, _ detail: Detail? = nil) {
        self.formula = formula
        self.detail = detail
    }

    /// A formula alone.
    public init(stringLiteral value: String) { self.init(value) }

    /// A formula alone, from an interpolated string.
    public init(stringInterpolation: DefaultStringInterpolation) { self.init(String(stringInterpolation: stringInterpolation)) }

    /// The local gradient, when this is a backward step that states one.
    public var localGradient: String? {
        if case .localGradient(let text) = detail { return text }
        return nil
    }

    /// The comment as emitted code and `explain` print it.
    public var text: String {
        switch detail {
        case nil: return formula
        case .localGradient(let text), .remark(let text): return "\(formula)   (\(text))"
        case .shapes(let text): return "\(formula)   \(text)"
        }
    }
}
