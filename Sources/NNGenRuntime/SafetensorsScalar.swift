/// An element type a generated model can have, with its safetensors dtype and its
/// little-endian bytes.
public protocol SafetensorsScalar: BinaryFloatingPoint, Sendable {
    /// The dtype string of the safetensors header: `F32` or `F64`.
    static var dtype: String { get }
    /// Bytes per element.
    static var byteCount: Int { get }
    /// Appends the little-endian bytes of `self`.
    func appendBytes(to bytes: inout [UInt8])
    /// The value whose little-endian bytes start at `bytes[offset]`.
    init(littleEndianBytes bytes: UnsafeRawBufferPointer, at offset: Int)
}

extension Float: SafetensorsScalar {
    public static var dtype: String { "F32" }
    public static var byteCount: Int { 4 }

    public func appendBytes(to bytes: inout [UInt8]) {
        let bits = bitPattern.littleEndian
        withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
    }

    public init(littleEndianBytes bytes: UnsafeRawBufferPointer, at offset: Int) {
        self.init(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }
}

extension Double: SafetensorsScalar {
    public static var dtype: String { "F64" }
    public static var byteCount: Int { 8 }

    public func appendBytes(to bytes: inout [UInt8]) {
        let bits = bitPattern.littleEndian
        withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
    }

    public init(littleEndianBytes bytes: UnsafeRawBufferPointer, at offset: Int) {
        self.init(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
    }
}

extension SafetensorsScalar {
    /// The little-endian bytes of `values`, one after another: a tensor's data.
    static func bytes(of values: some Collection<Self>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * byteCount)
        for v in values { v.appendBytes(to: &bytes) }
        return bytes
    }
}

extension SafetensorsFile {
    /// The elements of `entry`, a tensor of `count` elements of `S` (its dtype and shape checked by the caller).
    func values<S: SafetensorsScalar>(of entry: Entry, count: Int, as type: S.Type) -> [S] {
        data.withUnsafeBytes { raw in (0..<count).map { S(littleEndianBytes: raw, at: entry.range.lowerBound + $0 * S.byteCount) } }
    }
}
