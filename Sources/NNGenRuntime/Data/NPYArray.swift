/// An array read from a NumPy `.npy` file, as `np.save` writes it: format version 1.0, 2.0 or
/// 3.0, dtype `<f4`, `<f8`, `<i4` or `<i8` (little-endian float32, float64, int32, int64), C order.
/// The header is checked as strictly as a safetensors header: the magic, the version, its length,
/// a Python dict literal with exactly the keys `descr`, `fortran_order` and `shape`, each once,
/// and data of exactly the size the shape says. Anything else is a `DataError` located at the byte
/// where it is (line 1, column n: the n-th byte of the file).
public struct NPYArray: Sendable {
    /// The largest file read: 1 GiB.
    public static let maximumBytes = 1 << 30

    /// The element type as NumPy names it: `float32`, `float64`, `int32` or `int64`.
    public let dtype: String
    /// The shape; `[]` for a scalar.
    public let shape: [Int]
    /// Every element in C order, as a Double (integers beyond ±2⁵³ are refused rather than rounded).
    public let values: [Double]
    public let path: String

    /// Reads the `.npy` file at `path`.
    public init(contentsOf path: String) throws(DataError) {
        try self.init(bytes: FileIO.readAll(path, limit: Self.maximumBytes), path: path)
    }

    /// Parses the bytes of a `.npy` file; `path` names it in errors.
    public init(bytes: [UInt8], path: String) throws(DataError) {
        self.path = path
        // Every error is located at the byte where the problem is, as line 1, column n (the file is
        // one line up to the header's newline; past it, the data's bytes continue the count).
        func fail(_ message: String, at column: Int) -> DataError { DataError(path: path, line: 1, column: column, message: message) }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("not a .npy file (it does not start with \\x93NUMPY)", at: 1) }
        let major = bytes[6], minor = bytes[7]
        guard minor == 0, (1...3).contains(major) else { throw fail("format version \(major).\(minor); expected 1.0, 2.0 or 3.0", at: 7) }
        let lengthSize = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthSize else { throw fail("the file ends inside the header length", at: bytes.count + 1) }
        var headerLength = 0
        for k in 0..<lengthSize { headerLength |= Int(bytes[8 + k]) << (8 * k) }
        let headerStart = 8 + lengthSize
        guard headerLength <= bytes.count - headerStart else {
            throw fail("the header length is \(headerLength) bytes, past the end of the file (\(bytes.count) bytes)", at: 9)
        }
        let headerBytes = Array(bytes[headerStart..<headerStart + headerLength])
        guard headerBytes.last == 10 else { throw fail("the header does not end with a newline", at: headerStart + headerLength) }
        guard major == 3 || headerBytes.allSatisfy({ $0 < 0x80 }) else { throw fail("the header is not ASCII (only format 3.0 allows UTF-8)", at: headerStart + headerBytes.firstIndex { $0 >= 0x80 }! + 1) }
        var parser = HeaderParser(bytes: headerBytes, offset: headerStart, fail: fail)
        let header = try parser.dictionary()
        let (itemSize, isFloat): (Int, Bool)
        switch header.descr {
        case "<f4": (dtype, itemSize, isFloat) = ("float32", 4, true)
        case "<f8": (dtype, itemSize, isFloat) = ("float64", 8, true)
        case "<i4": (dtype, itemSize, isFloat) = ("int32", 4, false)
        case "<i8": (dtype, itemSize, isFloat) = ("int64", 8, false)
        default:
            throw fail("dtype '\(header.descr)' is not read; expected '<f4', '<f8', '<i4' or '<i8' (little-endian float32, float64, int32, int64)", at: header.descrColumn)
        }
        guard !header.fortranOrder else { throw fail("the array is in Fortran order; save a C-ordered array (np.ascontiguousarray)", at: header.orderColumn) }
        shape = header.shape
        var count = 1
        for n in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: n)
            guard !overflow, product <= Self.maximumBytes else { throw fail("the shape \(shape) holds more elements than a file may", at: header.shapeColumn) }
            count = product
        }
        let dataStart = headerStart + headerLength
        guard bytes.count - dataStart == count * itemSize else {
            throw fail("the shape \(shape) of \(dtype) needs \(count * itemSize) bytes of data, the file has \(bytes.count - dataStart)", at: dataStart + 1)
        }
        var values = [Double](repeating: 0, count: count)
        for i in 0..<count {
            var bits: UInt64 = 0
            for k in 0..<itemSize { bits |= UInt64(bytes[dataStart + i * itemSize + k]) << (8 * k) }
            switch (itemSize, isFloat) {
            case (4, true): values[i] = Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
            case (8, true): values[i] = Double(bitPattern: bits)
            case (4, false): values[i] = Double(Int32(truncatingIfNeeded: bits))
            default:
                let v = Int64(bitPattern: bits)
                guard v.magnitude <= 1 << 53 else { throw fail("element \(i) is \(v), beyond ±2⁵³, where a Double is no longer exact", at: dataStart + i * itemSize + 1) }
                values[i] = Double(v)
            }
        }
        self.values = values
    }

    /// The parsed header dict, with the column where each value starts.
    struct Header {
        var descr = "", descrColumn = 0
        var fortranOrder = false, orderColumn = 0
        var shape: [Int] = [], shapeColumn = 0
    }

    /// A parser of the header's Python literal: `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
    struct HeaderParser {
        let bytes: [UInt8]
        /// Where the header starts in the file, for columns.
        let offset: Int
        let fail: (String, Int) -> DataError
        var i = 0

        var column: Int { offset + i + 1 }

        mutating func skipSpaces() { while i < bytes.count, bytes[i] == 32 || bytes[i] == 10 { i += 1 } }

        mutating func expect(_ c: UInt8, _ what: String) throws(DataError) {
            skipSpaces()
            guard i < bytes.count, bytes[i] == c else { throw fail("expected \(what) in the header", column) }
            i += 1
        }

        mutating func string() throws(DataError) -> String {
            skipSpaces()
            guard i < bytes.count, bytes[i] == 39 || bytes[i] == 34 else { throw fail("expected a quoted string in the header", column) }
            let quote = bytes[i]
            i += 1
            let start = i
            while i < bytes.count, bytes[i] != quote { i += 1 }
            guard i < bytes.count else { throw fail("a string in the header is not closed", column) }
            defer { i += 1 }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        mutating func dictionary() throws(DataError) -> Header {
            var header = Header()
            var seen = Set<String>()
            try expect(123, "'{'")
            while true {
                skipSpaces()
                if i < bytes.count, bytes[i] == 125 { i += 1; break }  // }
                let keyColumn = column
                let key = try string()
                guard seen.insert(key).inserted else { throw fail("the key '\(key)' appears twice", keyColumn) }
                try expect(58, "':' after '\(key)'")
                skipSpaces()
                let valueColumn = column
                switch key {
                case "descr": (header.descr, header.descrColumn) = (try string(), valueColumn)
                case "fortran_order":
                    if bytes[i...].starts(with: Array("False".utf8)) { header.fortranOrder = false; i += 5 }
                    else if bytes[i...].starts(with: Array("True".utf8)) { header.fortranOrder = true; i += 4 }
                    else { throw fail("fortran_order must be True or False", valueColumn) }
                    header.orderColumn = valueColumn
                case "shape": (header.shape, header.shapeColumn) = (try tuple(), valueColumn)
                default: throw fail("unexpected key '\(key)'; a .npy header has 'descr', 'fortran_order' and 'shape'", keyColumn)
                }
                skipSpaces()
                guard i < bytes.count else { throw fail("the header's dict is not closed", column) }
                if bytes[i] == 44 { i += 1; continue }  // ,
                guard bytes[i] == 125 else { throw fail("expected ',' or '}' in the header", column) }
            }
            let closing = column - 1  // the '}'
            skipSpaces()
            guard i == bytes.count else { throw fail("characters after the header's dict", column) }
            for key in ["descr", "fortran_order", "shape"] where !seen.contains(key) {
                throw fail("the header has no '\(key)'", closing)
            }
            return header
        }

        /// `()`, `(5,)`, `(3, 4)`: non-negative integers.
        mutating func tuple() throws(DataError) -> [Int] {
            try expect(40, "'(' starting the shape")
            var values: [Int] = []
            while true {
                skipSpaces()
                if i < bytes.count, bytes[i] == 41 { i += 1; break }  // )
                let start = i
                while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }
                guard i > start, i - start <= 12, let n = Int(String(decoding: bytes[start..<i], as: UTF8.self)) else {
                    throw fail("expected a non-negative integer in the shape", offset + start + 1)
                }
                values.append(n)
                skipSpaces()
                guard i < bytes.count else { throw fail("the shape is not closed", column) }
                if bytes[i] == 44 { i += 1; continue }
                guard bytes[i] == 41 else { throw fail("expected ',' or ')' in the shape", column) }
            }
            return values
        }
    }
}
