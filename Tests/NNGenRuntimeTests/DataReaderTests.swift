import NNGenRuntime
import XCTest

/// CSV and `.npy` readers: well-formed files load to their numbers; every malformed one is a
/// `DataError` that says where (line and column) and what.
final class DataReaderTests: XCTestCase {
    /// The bytes of a `.npy` file: magic, version, header (padded to 64 bytes as NumPy does), data.
    func npy(_ header: String, _ data: [UInt8], major: UInt8 = 1, pad: Bool = true) -> [UInt8] {
        var h = Array(header.utf8)
        let lengthSize = major == 1 ? 2 : 4
        if pad {
            while (10 + lengthSize - 2 + h.count + 1) % 64 != 0 { h.append(32) }
            h.append(10)
        }
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
        for k in 0..<lengthSize { bytes.append(UInt8(truncatingIfNeeded: h.count >> (8 * k))) }
        return bytes + h + data
    }

    func floats(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }
    func doubles(_ values: [Double]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

    func testCSVWithHeaderQuotesAndCRLF() throws {
        let text = "a,\"b, quoted\",label\r\n1.5,-2e3,0\r\n\" 3\",4,2\r\n"
        let table = try CSVTable(bytes: Array(text.utf8), path: "t.csv")
        XCTAssertEqual(table.names, ["a", "b, quoted", "label"])
        XCTAssertEqual(table.values, [1.5, -2000, 0, 3, 4, 2])
        XCTAssertEqual(table.lines, [2, 3])
        let data = try Dataset<Float, Int>(csv: table, label: "label")
        XCTAssertEqual(data.features, [1.5, -2000, 3, 4])
        XCTAssertEqual(data.targets, [0, 2])
        let byIndex = try Dataset<Double, Int>(csv: table, label: -1)
        XCTAssertEqual(byIndex.targets, [0, 2])
        let regression = try Dataset<Double, Double>(csv: table, targets: ["a", "label"])
        XCTAssertEqual(regression.features, [-2000, 4])
        XCTAssertEqual(regression.targets, [1.5, 0, 3, 2])
    }

    func testCSVWithoutHeader() throws {
        let table = try CSVTable(bytes: Array("1,2\n3,4".utf8), path: "t.csv", header: false)
        XCTAssertEqual(table.names, ["column1", "column2"])
        XCTAssertEqual(table.values, [1, 2, 3, 4])
    }

    func testNPYOfEveryDtype() throws {
        let f4 = try NPYArray(bytes: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floats([1, 2, 3, 4, 5, 6.5])), path: "a.npy")
        XCTAssertEqual(f4.shape, [2, 3])
        XCTAssertEqual(f4.dtype, "float32")
        XCTAssertEqual(f4.values, [1, 2, 3, 4, 5, 6.5])
        let f8 = try NPYArray(bytes: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", doubles([0.1, -1e300]), major: 2), path: "b.npy")
        XCTAssertEqual(f8.values, [0.1, -1e300])
        let i4 = try NPYArray(bytes: npy("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", [1, 0, 0, 0, 255, 255, 255, 255, 9, 0, 0, 0]), path: "c.npy")
        XCTAssertEqual(i4.values, [1, -1, 9])
        let i8 = try NPYArray(bytes: npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", [7, 0, 0, 0, 0, 0, 0, 0]), path: "d.npy")
        XCTAssertEqual(i8.values, [7])
        let scalar = try NPYArray(bytes: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", doubles([2])), path: "e.npy")
        XCTAssertEqual(scalar.shape, [])
        let data = try Dataset<Float, Int>(features: f4, labels: i4.values.count == 3 ? NPYArray(bytes: npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), path: "l.npy") : i4)
        XCTAssertEqual(data.count, 2)
        XCTAssertEqual(data.targets, [1, 0])
    }

    /// 15 malformed CSV files, one not UTF-8, and two bad label columns: each error's line, column and words.
    func testMalformedCSV() {
        let cases: [(text: String, header: Bool, line: Int?, column: Int?, words: String)] = [
            ("", true, 1, nil, "empty"),
            ("a,b\n", true, 2, nil, "no rows"),
            ("a,b\n1,2\n3\n", true, 3, 2, "expected 2 fields"),
            ("a,b\n1,2\n3,4,5\n", true, 3, 3, "expected 2 fields"),
            ("a,b\n1,x\n", true, 2, 2, "'x' in column 'b' is not a finite decimal number"),
            ("a,b\n1,\n", true, 2, 2, "an empty field"),
            ("a,b\n1,nan\n", true, 2, 2, "'nan'"),
            ("a,b\n1,inf\n", true, 2, 2, "'inf'"),
            ("a,b\n1,1e999\n", true, 2, 2, "not a finite"),
            ("a,a\n1,2\n", true, 1, 2, "appears twice"),
            ("a,\n1,2\n", true, 1, 2, "names no column"),
            ("a,b\n1,\"2\n", true, 2, 2, "not closed"),
            ("a,b\n1,2\"3\"\n", true, 2, 2, "a quote inside an unquoted field"),
            ("a,b\n1,\"2\"3\n", true, 2, 2, "after the closing quote"),
            ("a,b\n1,2\n0x10,3\n", true, 3, 1, "'0x10'"),
        ]
        for (text, header, line, column, words) in cases {
            XCTAssertThrowsError(try CSVTable(bytes: Array(text.utf8), path: "bad.csv", header: header), text) { error in
                guard let e = error as? DataError else { return XCTFail("\(error)") }
                XCTAssertEqual(e.line, line, "\(text): \(e)")
                XCTAssertEqual(e.column, column, "\(text): \(e)")
                XCTAssertTrue(e.description.hasPrefix("bad.csv:"), "\(e)")
                XCTAssertTrue(e.message.contains(words), "\(text): \(e)")
            }
        }
        // Not UTF-8: the line of the first bad byte.
        XCTAssertThrowsError(try CSVTable(bytes: Array("a,b\n1,2\n".utf8) + [0xFF, 10], path: "bad.csv")) { error in
            XCTAssertEqual((error as? DataError)?.line, 3)
        }
        // A label that is not a class index, located at its cell.
        XCTAssertThrowsError(try Dataset<Float, Int>(csv: CSVTable(bytes: Array("x,y\n1,0\n2,1.5\n".utf8), path: "l.csv"), label: "y")) { error in
            XCTAssertEqual("\(error)", "l.csv:3:2: label 1.5 in column 'y' is not a class index (an integer ≥ 0)")
        }
        XCTAssertThrowsError(try Dataset<Float, Int>(csv: CSVTable(bytes: Array("x,y\n1,0\n".utf8), path: "l.csv"), label: "z")) { error in
            XCTAssertTrue("\(error)".contains("no column named 'z' (the columns: x, y)"), "\(error)")
        }
    }

    /// 17 malformed `.npy` files: each error names the problem and the byte where it is, as
    /// line 1, column n (the header starts at byte 10 of a version 1.0 file, so its character i
    /// is column 11 + i; the padded headers here end at byte 128, so data start at 129).
    func testMalformedNPY() {
        let good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
        let data = floats([1, 2])
        let cases: [(bytes: [UInt8], column: Int, words: String)] = [
            (Array("NUMPY".utf8), 1, "not a .npy file"),
            ([0x93] + Array("NUMPX".utf8) + [1, 0, 0, 0], 1, "not a .npy file"),
            (Array(npy(good, data).prefix(6)) + [4, 0] + Array(npy(good, data).dropFirst(8)), 7, "format version 4.0"),
            (Array(npy(good, data).prefix(8)) + [0xFF, 0xFF] + Array(npy(good, data).dropFirst(10)), 9, "past the end of the file"),
            (npy(good, data, pad: false), 10 + 57, "newline"),
            (npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", data), 11 + 10, "dtype '>f4'"),
            (npy("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", data), 11 + 10, "dtype '<c8'"),
            (npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", data), 11 + 34, "Fortran order"),
            (npy(good, data + [0]), 129, "needs 8 bytes of data, the file has 9"),
            (npy(good, Array(data.prefix(7))), 129, "needs 8 bytes"),
            (npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", data), 11 + 56, "unexpected key 'extra'"),
            (npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", data), 11 + 17, "appears twice"),
            (npy("{'descr': '<f4', 'fortran_order': False}", data), 11 + 39, "no 'shape'"),
            (npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", data), 11 + 51, "non-negative integer"),
            (npy("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", data), 11 + 34, "True or False"),
            (npy("['descr']", data), 11, "expected '{'"),
            (npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x", data), 11 + 58, "characters after"),
        ]
        for (bytes, column, words) in cases {
            XCTAssertThrowsError(try NPYArray(bytes: bytes, path: "bad.npy"), words) { error in
                guard let e = error as? DataError else { return XCTFail("\(error)") }
                XCTAssertTrue(e.message.contains(words), "\(words): \(e)")
                XCTAssertEqual(e.column, column, "\(words): \(e)")
                XCTAssertTrue(e.description.hasPrefix("bad.npy"), "\(e)")
            }
        }
        // Integers past 2⁵³ are refused, not rounded.
        let big = npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", [0, 0, 0, 0, 0, 0, 0, 0] + withUnsafeBytes(of: (Int64(1) << 60).littleEndian, Array.init))
        XCTAssertThrowsError(try NPYArray(bytes: big, path: "big.npy")) { error in
            XCTAssertEqual("\(error)", "big.npy:1:137: element 1 is 1152921504606846976, beyond ±2⁵³, where a Double is no longer exact")
        }
    }

    /// Mutated files (bytes flipped, cut, inserted, from a deterministic generator) never crash
    /// either reader: each parses or throws a `DataError` with a location.
    func testMutatedFilesNeverCrash() {
        let csv = Array("a,\"b\",label\r\n1.5,-2e3,0\n3,4,2\n".utf8)
        let npyFile = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }", floats([1, 2]))
        var state: UInt64 = 12345
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        for round in 0..<3_000 {
            var bytes = round % 2 == 0 ? csv : npyFile
            for _ in 0...next(4) {
                switch next(3) {
                case 0: bytes[next(bytes.count)] = UInt8(next(256))
                case 1: bytes.removeLast(next(min(8, bytes.count)))
                default: bytes.insert(UInt8(next(256)), at: next(bytes.count + 1))
                }
                if bytes.isEmpty { bytes = [0] }
            }
            do {
                if round % 2 == 0 { _ = try CSVTable(bytes: bytes, path: "m.csv") } else { _ = try NPYArray(bytes: bytes, path: "m.npy") }
            } catch {
                XCTAssertNotNil(error.line, "\(error)")  // typed throws: a DataError, nothing else
            }
        }
    }
}
