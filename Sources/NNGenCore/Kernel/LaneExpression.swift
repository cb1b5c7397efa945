/// An elementwise expression turned into one over SIMD vectors (`Lanes`), for kernels that hold
/// several examples or units per register (the fused hidden-layer step). The expression is the
/// one an op's definition spells for one element; every IR value it reads becomes a vector, and
/// literals stay scalars (Swift's SIMD arithmetic takes a scalar on either side).
///
/// What has no SIMD operator in Swift goes through helpers the kernel emits (`LaneHelpers`): a
/// conditional becomes `select(mask, a, b)` with a pointwise comparison (`.>`) as its mask, and
/// `max`/`min` become `maximum`/`minimum`. Calls of other functions (exp, tanh) have no vector
/// form here: the fused step recomputes the activation in its backward pass, and measured, that
/// costs more than the passes it saves for every activation that calls one (sigmoid 0.87× and
/// GELU 0.48× the planned graph's speed at batch 64 with 64 units, with vector `fastExp` and
/// `fastTanh`; docs/performance/spiral.md).
enum LaneExpression {
    /// The vector form of `e`, or nil when it holds a construct without one (a function call
    /// other than max and min, or a conditional whose condition is not a comparison).
    static func vectorize(_ e: SwiftExpression) -> SwiftExpression? {
        guard let (vector, isVector) = convert(e) else { return nil }
        return isVector ? vector : .call(LaneHelpers.broadcast, [vector])
    }

    /// The converted expression and whether it is a vector (false: a scalar literal).
    private static func convert(_ e: SwiftExpression) -> (SwiftExpression, Bool)? {
        switch e {
        case .atom:
            return (e, false)
        case .element:
            return (e, true)
        case .negate(let x):
            guard let (x, isVector) = convert(x) else { return nil }
            return (.negate(x), isVector)
        case .method(let base, let name):
            guard let (base, isVector) = convert(base) else { return nil }
            return (.method(base, name), isVector)
        case .infix(let a, let op, let b):
            guard let (a, aVector) = convert(a), let (b, bVector) = convert(b) else { return nil }
            guard aVector || bVector else { return (.infix(a, op, b), false) }
            // A comparison of vectors is a mask, which only a select's condition takes.
            guard let pointwise = op.pointwise else { return nil }
            return (.infix(a, pointwise, b), true)
        case .conditional(let condition, let a, let b):
            guard case .infix(_, let op, _) = condition, op.isComparison || op == .and,
                  let (mask, isMask) = convert(condition), isMask, let (a, aVector) = convert(a), let (b, bVector) = convert(b)
            else { return nil }
            return (.call(LaneHelpers.select, [mask, aVector ? a : broadcast(a), bVector ? b : broadcast(b)]), true)
        case .call(let name, let arguments):
            let converted = arguments.compactMap(convert)
            guard converted.count == arguments.count else { return nil }
            let vectors = converted.map { $0.1 ? $0.0 : broadcast($0.0) }
            switch (name, vectors.count) {
            case ("max", 2): return (.call(LaneHelpers.maximum, vectors), true)
            case ("min", 2): return (.call(LaneHelpers.minimum, vectors), true)
            default: return nil
            }
        }
    }

    private static func broadcast(_ scalar: SwiftExpression) -> SwiftExpression { .call(LaneHelpers.broadcast, [scalar]) }
}

extension SwiftExpression.InfixOperator {
    /// The operator on vectors: arithmetic as it is, comparisons pointwise (`.>`, giving a mask),
    /// `&&` as `.&`.
    var pointwise: SwiftExpression.InfixOperator? {
        switch self {
        case .plus, .minus, .times, .divide: return self
        case .greater: return .pointwiseGreater
        case .greaterOrEqual: return .pointwiseGreaterOrEqual
        case .lessOrEqual: return .pointwiseLessOrEqual
        case .equal: return .pointwiseEqual
        case .notEqual: return .pointwiseNotEqual
        case .and: return .pointwiseAnd
        default: return nil
        }
    }
}

/// The helpers vectorized expressions call, emitted once in a model that uses them.
enum LaneHelpers {
    static let broadcast = "Self.splat"
    static let select = "Self.select"
    static let maximum = "Self.maximum"
    static let minimum = "Self.minimum"

    /// Their source, for `Lanes` of `Scalar`.
    static func emit(_ w: inout CodeWriter) {
        w.doc("A scalar in every lane.")
        w.line("@inline(__always)")
        w.line("static func splat(_ x: Scalar) -> Lanes { Lanes(repeating: x) }")
        w.line("")
        w.doc("a where `mask` is set, else b, lane by lane.")
        w.line("@inline(__always)")
        w.line("static func select(_ mask: SIMDMask<Lanes.MaskStorage>, _ a: Lanes, _ b: Lanes) -> Lanes { b.replacing(with: a, where: mask) }")
        w.line("")
        w.doc("The larger of a and b, lane by lane (b where a < b).")
        w.line("@inline(__always)")
        w.line("static func maximum(_ a: Lanes, _ b: Lanes) -> Lanes { a.replacing(with: b, where: a .< b) }")
        w.line("")
        w.doc("The smaller of a and b, lane by lane (b where b < a).")
        w.line("@inline(__always)")
        w.line("static func minimum(_ a: Lanes, _ b: Lanes) -> Lanes { a.replacing(with: b, where: b .< a) }")
    }
}
