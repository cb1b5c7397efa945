/// An elementwise expression turned into one over SIMD vectors (`Lanes` or `BackwardLanes`), for
/// kernels that hold several examples per register (the fused hidden-layer step). The
/// expression is the one an op's definition spells for one element; every IR value it reads
/// becomes a vector, and literals stay scalars (Swift's SIMD arithmetic takes a scalar on either
/// side).
///
/// What has no SIMD operator in Swift goes through helpers the kernel emits (`LaneHelpers`): a
/// conditional becomes `select(mask, a, b)` with a pointwise comparison (`.>`) as its mask, and
/// `max`/`min` become `maximum`/`minimum`. Calls of other functions (exp, tanh) have no vector
/// form here, so activations that call one keep the planned graph: measured when the fused step
/// recomputed the activation in its backward pass, with vector `fastExp` and `fastTanh`, that
/// cost more than the passes it saved (sigmoid 0.87× and GELU 0.48× the planned graph's speed at
/// batch 64 with 64 units; docs/performance/spiral.md). The step now stores h instead, which
/// that measurement predates.
enum LaneExpression {
    /// The vector form of `e` on the vectors of `helpers`, or nil when it holds a construct
    /// without one (a function call other than max and min, or a conditional whose condition is
    /// not a comparison).
    static func vectorize(_ e: SwiftExpression, _ helpers: LaneHelpers) -> SwiftExpression? {
        guard let (vector, isVector) = convert(e, helpers) else { return nil }
        return isVector ? vector : .call(helpers.broadcast, [vector])
    }

    /// The converted expression and whether it is a vector (false: a scalar literal).
    private static func convert(_ e: SwiftExpression, _ helpers: LaneHelpers) -> (SwiftExpression, Bool)? {
        func convert(_ e: SwiftExpression) -> (SwiftExpression, Bool)? { Self.convert(e, helpers) }
        func broadcast(_ scalar: SwiftExpression) -> SwiftExpression { .call(helpers.broadcast, [scalar]) }
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
            return (.call(helpers.select, [mask, aVector ? a : broadcast(a), bVector ? b : broadcast(b)]), true)
        case .call(let name, let arguments):
            let converted = arguments.compactMap(convert)
            guard converted.count == arguments.count else { return nil }
            let vectors = converted.map { $0.1 ? $0.0 : broadcast($0.0) }
            switch (name, vectors.count) {
            case ("max", 2): return (.call(helpers.maximum, vectors), true)
            case ("min", 2): return (.call(helpers.minimum, vectors), true)
            default: return nil
            }
        }
    }
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

/// The helpers of one SIMD vector type of `Scalar` (loads, stores, multiply-adds, and what
/// vectorized expressions call), emitted once in a model that uses them. Each helper's name ends
/// with the type's (`loadLanes`, `splatBackwardLanes`), so that two widths' helpers coexist.
struct LaneHelpers {
    /// The vector type's name in the emitted code.
    let vector: String
    /// How many scalars it holds.
    let count: Int

    var load: String { "Self.load\(vector)" }
    var store: String { "Self.store\(vector)" }
    var multiplyAdd: String { "Self.multiplyAdd\(vector)" }
    var broadcast: String { "Self.splat\(vector)" }
    var select: String { "Self.select\(vector)" }
    var maximum: String { "Self.maximum\(vector)" }
    var minimum: String { "Self.minimum\(vector)" }
    var sum: String { "Self.sum\(vector)" }

    /// The type and its helpers' source.
    func emit(_ w: inout CodeWriter) {
        let v = vector
        w.line("typealias \(v) = SIMD\(count)<Scalar>")
        w.line("")
        w.line("@inline(__always)")
        w.line("static func load\(v)(_ p: UnsafePointer<Scalar>) -> \(v) { UnsafeRawPointer(p).loadUnaligned(as: \(v).self) }")
        w.line("")
        w.line("@inline(__always)")
        w.line("static func store\(v)(_ x: \(v), _ p: UnsafeMutablePointer<Scalar>) { UnsafeMutableRawPointer(p).storeBytes(of: x, as: \(v).self) }")
        w.line("")
        w.doc("c += a·b, fused when the build defines `NNGEN_FMA` (see `multiplyAdd`).")
        w.line("@inline(__always)")
        w.block("static func multiplyAdd\(v)(_ c: inout \(v), _ a: \(v), _ b: \(v)) {") { w in
            w.line("#if NNGEN_FMA")
            w.line("c.addProduct(a, b)")
            w.line("#else")
            w.line("c += a * b")
            w.line("#endif")
        }
        w.line("")
        w.doc("A scalar in every lane.")
        w.line("@inline(__always)")
        w.line("static func splat\(v)(_ x: Scalar) -> \(v) { \(v)(repeating: x) }")
        w.line("")
        w.doc("a where `mask` is set, else b, lane by lane.")
        w.line("@inline(__always)")
        w.line("static func select\(v)(_ mask: SIMDMask<\(v).MaskStorage>, _ a: \(v), _ b: \(v)) -> \(v) { b.replacing(with: a, where: mask) }")
        w.line("")
        w.doc("The larger of a and b, lane by lane (b where a < b).")
        w.line("@inline(__always)")
        w.line("static func maximum\(v)(_ a: \(v), _ b: \(v)) -> \(v) { a.replacing(with: b, where: a .< b) }")
        w.line("")
        w.doc("The smaller of a and b, lane by lane (b where b < a).")
        w.line("@inline(__always)")
        w.line("static func minimum\(v)(_ a: \(v), _ b: \(v)) -> \(v) { b.replacing(with: a, where: b .< a) }")
        w.line("")
        w.doc("The sum of the lanes, halves added pairwise (a fixed order: it is part of the result).")
        w.line("@inline(__always)")
        w.block("static func sum\(v)(_ x: \(v)) -> Scalar {") { w in
            var (name, width) = ("x", count)
            while width > 2 {
                width /= 2
                w.line("let x\(width) = \(name).lowHalf + \(name).highHalf")
                name = "x\(width)"
            }
            w.line("return \(name)[0] + \(name)[1]")
        }
    }
}
