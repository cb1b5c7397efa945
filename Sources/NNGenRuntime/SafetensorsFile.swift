/// A safetensors file (https://huggingface.co/docs/safetensors): an 8-byte little-endian header
/// size N, N bytes of JSON naming each tensor's dtype, shape and `data_offsets` (a byte range
/// of the data that follows), an optional `__metadata__` object of strings, then the data.
///
/// Reading checks what the format requires: the header fits in the file, is JSON and at most
/// 100 MB; every entry has a known dtype, a shape of non-negative sizes and offsets whose length
/// is exactly the shape's bytes; the tensors cover the data with no gap and no overlap.
public struct SafetensorsFile: Sendable {
    /// One tensor of the header.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var dtype: String
        public var shape: [Int]
        /// Its bytes, as offsets into `data`.
        public var range: Range<Int>
    }

    /// The tensors in the header's order.
    public private(set) var entries: [Entry]
    /// The `__metadata__` strings in the header's order.
    public private(set) var metadata: [(key: String, value: String)]
    /// The bytes after the header.
    public private(set) var data: [UInt8]

    /// Bytes per element of every dtype the format defines.
    static let dtypeSizes: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
        "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8,
    ]
    /// The format's limit on the header's size.
    static let maximumHeaderSize = 100_000_000

    /// The entry named `name`, if the header has one.
    public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// The default bound on the data `init(contentsOf:)` reads: 4 GiB.
    public static let defaultMaximumDataSize = 1 << 32

    /// Reads and checks the file at `path` with bounded memory. The header is read and checked
    /// first, against the file's size when the file system reports one, so a file whose header
    /// does not describe it is refused without reading its data; `checkHeader` then sees the
    /// entries and metadata (with empty `data`) and may refuse them too. Only then are the data
    /// read: exactly the bytes the tensors cover, at most `maximumDataSize`, and the file must end
    /// there. A FIFO or a device is refused before any read.
    public init(contentsOf path: String, maximumDataSize: Int = defaultMaximumDataSize,
                checkHeader: (SafetensorsFile) throws(SafetensorsError) -> Void = { _ in }) throws(SafetensorsError) {
        func fail(_ problem: SafetensorsError.Problem, _ message: String, tensor: String? = nil) -> SafetensorsError {
            SafetensorsError(path: path, tensor: tensor, problem: problem, message: message)
        }
        let reader = try FileIO.Reader(path)
        let sizeField = try reader.read(upTo: 8)
        let headerSize = try Self.headerSize(sizeField, available: reader.reportedSize > 0 ? reader.reportedSize - 8 : nil, fail)
        let header = try reader.read(upTo: headerSize)
        guard header.count == headerSize else {
            throw fail(.truncated, "the header size is \(headerSize) bytes but only \(header.count) bytes follow it")
        }
        (entries, metadata) = try Self.parseHeader(header, fail)
        data = []
        let end = entries.map(\.range.upperBound).max() ?? 0
        if reader.reportedSize > 0 {
            try Self.checkCoverage(entries, dataCount: reader.reportedSize - 8 - headerSize, fail)
        }
        try checkHeader(self)
        guard end <= maximumDataSize else {
            throw fail(.io, "the tensors hold \(end) bytes, more than the \(maximumDataSize) bytes this reader may load")
        }
        data = try reader.read(upTo: end)
        let trailing = try reader.read(upTo: 1)
        try Self.checkCoverage(entries, dataCount: data.count + trailing.count, fail)
    }

    /// Checks `bytes` as a safetensors file; `path` names it in errors.
    public init(bytes: [UInt8], path: String) throws(SafetensorsError) {
        func fail(_ problem: SafetensorsError.Problem, _ message: String, tensor: String? = nil) -> SafetensorsError {
            SafetensorsError(path: path, tensor: tensor, problem: problem, message: message)
        }
        let headerSize = try Self.headerSize(Array(bytes.prefix(8)), available: max(0, bytes.count - 8), fail)
        (entries, metadata) = try Self.parseHeader(Array(bytes[8..<8 + headerSize]), fail)
        data = Array(bytes[(8 + headerSize)...])
        try Self.checkCoverage(entries, dataCount: data.count, fail)
    }

    /// The header size from the file's first 8 bytes, checked against the format's limit and
    /// against the bytes `available` after them, when known.
    private static func headerSize(_ field: [UInt8], available: Int?,
                                   _ fail: (SafetensorsError.Problem, String, String?) -> SafetensorsError) throws(SafetensorsError) -> Int {
        guard field.count == 8 else {
            throw fail(.truncated, "the file has \(field.count) bytes; a safetensors file starts with an 8-byte header size", nil)
        }
        let declared = field.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard declared <= UInt64(maximumHeaderSize) else {
            throw fail(.header, "the header size is \(declared) bytes, more than the format's limit of \(maximumHeaderSize) (not a safetensors file?)", nil)
        }
        if let available, Int(declared) > available {
            throw fail(.truncated, "the header size is \(declared) bytes but only \(available) bytes follow it", nil)
        }
        return Int(declared)
    }

    /// The entries and metadata of a header's JSON.
    private static func parseHeader(_ header: [UInt8], _ fail: (SafetensorsError.Problem, String, String?) -> SafetensorsError)
        throws(SafetensorsError) -> ([Entry], [(key: String, value: String)]) {
        let json: HeaderJSON
        do {
            json = try HeaderJSON.parse(header)
        } catch {
            throw fail(.header, "the header is not JSON: \(error.message) at byte \(8 + error.offset)", nil)
        }
        guard case .object(let members) = json else { throw fail(.header, "the header is not a JSON object", nil) }
        var entries: [Entry] = [], metadata: [(key: String, value: String)] = []
        for (key, value) in members {
            if key == "__metadata__" {
                guard case .object(let pairs) = value else { throw fail(.header, "__metadata__ is not an object of strings", nil) }
                for (k, v) in pairs {
                    guard case .string(let s) = v else { throw fail(.header, "__metadata__[\"\(k)\"] is not a string", nil) }
                    metadata.append((k, s))
                }
            } else {
                entries.append(try entry(key, value, fail))
            }
        }
        return (entries, metadata)
    }

    /// One tensor's entry, its fields checked.
    private static func entry(_ name: String, _ value: HeaderJSON,
                              _ fail: (SafetensorsError.Problem, String, String?) -> SafetensorsError) throws(SafetensorsError) -> Entry {
        guard case .object(let fields) = value else { throw fail(.header, "the entry is not an object", name) }
        var dtype: String?, shape: [Int]?, offsets: [Int]?
        for (key, field) in fields {
            switch (key, field) {
            case ("dtype", .string(let s)): dtype = s
            case ("shape", .array(let items)):
                let sizes = items.compactMap(\.integer)
                guard sizes.count == items.count else { throw fail(.header, "shape must be a list of non-negative integers", name) }
                shape = sizes
            case ("data_offsets", .array(let items)):
                let bounds = items.compactMap(\.integer)
                guard bounds.count == 2, items.count == 2 else { throw fail(.header, "data_offsets must be two non-negative integers", name) }
                offsets = bounds
            case ("dtype", _), ("shape", _), ("data_offsets", _):
                throw fail(.header, "\(key) has the wrong JSON type", name)
            default:
                throw fail(.header, "unknown field \"\(key)\" (a tensor has dtype, shape and data_offsets)", name)
            }
        }
        guard let dtype else { throw fail(.header, "dtype is missing", name) }
        guard let shape else { throw fail(.header, "shape is missing", name) }
        guard let offsets else { throw fail(.header, "data_offsets is missing", name) }
        guard let size = dtypeSizes[dtype] else { throw fail(.header, "unknown dtype \"\(dtype)\"", name) }
        guard offsets[0] <= offsets[1] else {
            throw fail(.offsets, "data_offsets [\(offsets[0]), \(offsets[1])] end before they begin", name)
        }
        var needed = size
        for d in shape {
            let (product, overflow) = needed.multipliedReportingOverflow(by: d)
            guard !overflow else { throw fail(.shape, "shape \(shape) is too large", name) }
            needed = product
        }
        guard offsets[1] - offsets[0] == needed else {
            throw fail(.offsets, "shape \(shape) of \(dtype) needs \(needed) bytes but data_offsets [\(offsets[0]), \(offsets[1])] hold \(offsets[1] - offsets[0])", name)
        }
        return Entry(name: name, dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
    }

    /// The tensors must tile the data exactly: sorted by start, each begins where the previous
    /// ends, from 0 to the data's end. A file cut short shows as the last tensor running past it.
    private static func checkCoverage(_ entries: [Entry], dataCount: Int,
                                      _ fail: (SafetensorsError.Problem, String, String?) -> SafetensorsError) throws(SafetensorsError) {
        var end = 0
        for e in entries.sorted(by: { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }) {
            if e.range.lowerBound < end {
                throw fail(.offsets, "data_offsets [\(e.range.lowerBound), \(e.range.upperBound)] overlap another tensor's bytes (which end at \(end))", e.name)
            }
            if e.range.lowerBound > end {
                throw fail(.offsets, "data_offsets start at \(e.range.lowerBound), leaving bytes \(end)..<\(e.range.lowerBound) of the data unused", e.name)
            }
            end = e.range.upperBound
            if end > dataCount {
                throw fail(.truncated, "data_offsets end at byte \(end) of the data, but the file holds only \(dataCount) bytes of data", e.name)
            }
        }
        if end != dataCount {
            throw fail(.offsets, "the tensors end at byte \(end) of the data, but the file holds \(dataCount) bytes of data", nil)
        }
    }

    /// The bytes of a safetensors file holding `tensors` in the given order, contiguous, with the
    /// header padded with spaces so that the data starts at a multiple of 8 bytes.
    public static func encode(tensors: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])],
                              metadata: [(key: String, value: String)]) -> [UInt8] {
        var members: [(key: String, value: HeaderJSON)] = []
        if !metadata.isEmpty {
            members.append(("__metadata__", .object(metadata.map { ($0.key, .string($0.value)) })))
        }
        var offset = 0
        for t in tensors {
            members.append((t.name, .object([
                ("dtype", .string(t.dtype)),
                ("shape", .array(t.shape.map { .number(String($0)) })),
                ("data_offsets", .array([.number(String(offset)), .number(String(offset + t.bytes.count))])),
            ])))
            offset += t.bytes.count
        }
        var header = Array(HeaderJSON.object(members).text.utf8)
        while (8 + header.count) % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += header
        for t in tensors { bytes += t.bytes }
        return bytes
    }
}
