/// A static shape: `[]` is a scalar, `[n]` a vector, `[m, n]` a row-major matrix.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
    /// The extent of each axis, outermost first.
    public var dims: [Int]

    /// Creates a shape from its axes.
    public init(_ dims: [Int]) { self.dims = dims }

    /// The scalar shape.
    public static let scalar = Shape([])

    /// The number of elements.
    public var count: Int { dims.reduce(1, *) }
    /// True for the scalar shape.
    public var isScalar: Bool { dims.isEmpty }

    /// True when `other` broadcasts to `self`: equal, scalar, or a trailing suffix of `self`.
    public func accepts(broadcast other: Shape) -> Bool {
        other.isScalar || (other.dims.count <= dims.count && Array(dims.suffix(other.dims.count)) == other.dims)
    }

    /// `[300×100]`, `[3]`, or `scalar`.
    public var description: String {
        isScalar ? "scalar" : "[" + dims.map(String.init).joined(separator: "×") + "]"
    }
}
