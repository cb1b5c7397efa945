/// The checks a spec file's bytes pass before YAML parsing: size and UTF-8, each failure a
/// diagnostic with the position of the first offending byte.
public enum SpecText {
    /// The text of `bytes`, or the errors: more than `YAMLReader.maximumSize` bytes (at 1:1), or
    /// bytes that are not UTF-8 (at the first one; the column counts characters before it).
    public static func decode(_ bytes: [UInt8], path: String) throws(SpecErrors) -> String {
        guard bytes.count <= YAMLReader.maximumSize else {
            throw SpecErrors(path: path, diagnostics: [tooLarge(bytes.count)])
        }
        if let bad = firstInvalidUTF8(bytes) {
            throw SpecErrors(path: path, diagnostics: [.error("the spec is not valid UTF-8 (byte 0x\(hex(bytes[bad])) at offset \(bad))",
                                                              at: location(ofByte: bad, in: bytes))])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The error for a file of `size` bytes over the limit (the CLI checks the size before reading).
    public static func tooLarge(_ size: Int) -> Diagnostic {
        .error("the spec is \(size) bytes, over the limit of \(YAMLReader.maximumSize) bytes", at: .start)
    }

    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence
    /// (Unicode 15, table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
    static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
        var i = 0
        while i < b.count {
            let c = b[i]
            let length: Int, secondRange: ClosedRange<UInt8>
            switch c {
            case 0x00...0x7F: i += 1; continue
            case 0xC2...0xDF: (length, secondRange) = (2, 0x80...0xBF)
            case 0xE0: (length, secondRange) = (3, 0xA0...0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (length, secondRange) = (3, 0x80...0xBF)
            case 0xED: (length, secondRange) = (3, 0x80...0x9F)
            case 0xF0: (length, secondRange) = (4, 0x90...0xBF)
            case 0xF1...0xF3: (length, secondRange) = (4, 0x80...0xBF)
            case 0xF4: (length, secondRange) = (4, 0x80...0x8F)
            default: return i
            }
            guard i + length <= b.count, secondRange.contains(b[i + 1]) else { return i }
            for k in 2..<length where !(0x80...0xBF).contains(b[i + k]) { return i }
            i += length
        }
        return nil
    }

    /// Line and column (1-based; the column counts characters, as libyaml's marks do) of byte `offset`.
    static func location(ofByte offset: Int, in bytes: [UInt8]) -> SourceLocation {
        var line = 1, column = 1
        for c in bytes[..<offset] {
            if c == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(line: line, column: column)
    }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }
}
