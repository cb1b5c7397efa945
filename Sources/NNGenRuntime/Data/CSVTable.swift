/// A CSV file of numbers: the header's names (or `column1`, `column2`, … without one) and every
/// row's values, parsed as RFC 4180 says (fields separated by commas, optionally in double quotes
/// with `""` for a quote, lines ended by LF or CRLF), which is what `np.savetxt(..., delimiter=",")`
/// and pandas' `to_csv` write. Every cell must be a decimal number (`nan` and `inf` are refused:
/// a model trains on finite values); a bad cell is a `DataError` with its line and column.
public struct CSVTable: Sendable {
    /// The largest file read: 1 GiB.
    public static let maximumBytes = 1 << 30

    /// Column names, from the header or `column1`…
    public let names: [String]
    /// The values, [rows][names.count], row-major.
    public let values: [Double]
    /// The 1-based line of each row in the file (for errors found later, e.g. a bad label).
    public let lines: [Int]
    public let path: String
    /// Rows of data (the header excluded).
    public var rowCount: Int { lines.count }

    /// Reads the CSV file at `path`; `header` says whether its first line names the columns.
    public init(contentsOf path: String, header: Bool = true) throws(DataError) {
        let bytes = try FileIO.readAll(path, limit: Self.maximumBytes)
        try self.init(bytes: bytes, path: path, header: header)
    }

    /// Parses CSV text; `path` names it in errors.
    public init(bytes: [UInt8], path: String, header: Bool = true) throws(DataError) {
        self.path = path
        var records = try Self.records(bytes, path: path)
        guard !records.isEmpty else { throw DataError(path: path, line: 1, message: "the file is empty: expected \(header ? "a header and " : "")rows of numbers") }
        var names: [String]
        if header {
            let first = records.removeFirst()
            names = first.fields.map(\.text)
            var seen = Set<String>()
            for (i, name) in names.enumerated() {
                if name.isEmpty { throw DataError(path: path, line: first.line, column: i + 1, message: "the header names no column here") }
                guard seen.insert(name).inserted else { throw DataError(path: path, line: first.line, column: i + 1, message: "column name '\(name)' appears twice") }
            }
        } else {
            names = (1...records[0].fields.count).map { "column\($0)" }
        }
        guard !records.isEmpty else { throw DataError(path: path, line: 2, message: "the file has a header and no rows") }
        var values: [Double] = []
        values.reserveCapacity(records.count * names.count)
        for record in records {
            guard record.fields.count == names.count else {
                throw DataError(path: path, line: record.line, column: min(record.fields.count, names.count) + 1,
                                message: "expected \(names.count) fields, as \(header ? "the header has" : "the first line has"), found \(record.fields.count)")
            }
            for (i, field) in record.fields.enumerated() {
                guard let value = Self.number(field.text) else {
                    let shown = field.text.isEmpty ? "an empty field" : "'\(field.text.prefix(40))'"
                    throw DataError(path: path, line: field.line, column: i + 1, message: "\(shown) in column '\(names[i])' is not a finite decimal number")
                }
                values.append(value)
            }
        }
        self.names = names
        self.values = values
        self.lines = records.map(\.line)
    }

    /// The index of the column named `name`, or an error listing the names.
    public func column(named name: String) throws(DataError) -> Int {
        guard let i = names.firstIndex(of: name) else {
            throw DataError(path: path, line: 1, message: "no column named '\(name)' (the columns: \(names.joined(separator: ", ")))")
        }
        return i
    }

    /// A finite decimal number (leading and trailing spaces allowed), else nil.
    static func number(_ text: String) -> Double? {
        var t = Substring(text)
        while t.first == " " || t.first == "\t" { t.removeFirst() }
        while t.last == " " || t.last == "\t" { t.removeLast() }
        // Digits, signs, a point and an exponent only: `Double` would also read "nan", "inf" and hex.
        guard t.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), let v = Double(t), v.isFinite else { return nil }
        return v
    }

    /// One line's fields, each with the line it starts on.
    struct Record {
        var line: Int
        var fields: [(text: String, line: Int)]
    }

    /// The records of `bytes`: RFC 4180 with LF or CRLF; empty lines are skipped (np.savetxt and
    /// pandas end the file with one newline).
    static func records(_ bytes: [UInt8], path: String) throws(DataError) -> [Record] {
        // The first byte that is not UTF-8 is an error on its line.
        var line = 1, iterator = bytes.makeIterator(), decoder = Unicode.UTF8()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): if scalar == "\n" { line += 1 }
            case .emptyInput: break decoding
            case .error: throw DataError(path: path, line: line, message: "the file is not UTF-8 text")
            }
        }
        line = 1
        var records: [Record] = []
        var fields: [(text: String, line: Int)] = []
        var field: [UInt8] = [], fieldLine = 1
        var quoted = false, wasQuoted = false, recordLine = 1
        var i = 0
        func endField() {
            fields.append((String(decoding: field, as: UTF8.self), fieldLine))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() {
            if !(fields.isEmpty && field.isEmpty && !wasQuoted) {
                endField()
                records.append(Record(line: recordLine, fields: fields))
            }
            fields.removeAll()
        }
        var atFieldStart = true
        while i < bytes.count {
            let c = bytes[i]
            if quoted {
                if c == 34 {
                    if i + 1 < bytes.count && bytes[i + 1] == 34 { field.append(34); i += 2; continue }
                    quoted = false
                    wasQuoted = true
                } else {
                    if c == 10 { line += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            if atFieldStart { fieldLine = line; if fields.isEmpty { recordLine = line } }
            switch c {
            case 44:  // ,
                endField()
                atFieldStart = true
            case 10, 13:  // LF, CR (a CRLF is one line end)
                if c == 13 && i + 1 < bytes.count && bytes[i + 1] == 10 { i += 1 }
                endRecord()
                line += 1
                atFieldStart = true
            case 34:  // "
                guard atFieldStart || (field.allSatisfy { $0 == 32 } && !wasQuoted) else {
                    throw DataError(path: path, line: line, column: fields.count + 1, message: "a quote inside an unquoted field (quote the whole field, and double the quotes in it)")
                }
                field.removeAll()
                quoted = true
                atFieldStart = false
            default:
                if wasQuoted && c != 32 {
                    throw DataError(path: path, line: line, column: fields.count + 1, message: "characters after the closing quote of a field")
                }
                field.append(c)
                atFieldStart = false
            }
            i += 1
        }
        if quoted { throw DataError(path: path, line: fieldLine, column: fields.count + 1, message: "a quoted field is not closed before the end of the file") }
        endRecord()
        return records
    }
}
