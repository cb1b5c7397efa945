import Foundation
import NNGenRuntime
import XCTest

/// Files written by numpy (`np.save`, `np.savetxt`) and pandas (`to_csv`) load to exactly the
/// numbers Python wrote. CI writes them with Scripts/interop/write_data_files.py into the folder
/// named by NNGEN_DATA_FILES and runs this test; without it (no Python at hand) the test skips.
final class DataFileInteropTests: XCTestCase {
    func testFilesWrittenByNumpyAndPandas() throws {
        guard let folder = ProcessInfo.processInfo.environment["NNGEN_DATA_FILES"] else {
            throw XCTSkip("set NNGEN_DATA_FILES to a folder written by Scripts/interop/write_data_files.py")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/expected.json")))
        let expected = try XCTUnwrap(json as? [String: [String: Any]])
        XCTAssertGreaterThanOrEqual(expected.count, 11)
        for (name, entry) in expected.sorted(by: { $0.key < $1.key }) {
            let shape = try XCTUnwrap(entry["shape"] as? [Int])
            let values = try XCTUnwrap(entry["values"] as? [String]).map { try XCTUnwrap(Double($0), $0) }
            let path = folder + "/" + name
            if name.hasSuffix(".npy") {
                let array = try NPYArray(contentsOf: path)
                XCTAssertEqual(array.shape, shape, name)
                XCTAssertEqual(array.values.map(\.bitPattern), values.map(\.bitPattern), name)
            } else {
                let names = try XCTUnwrap(entry["names"] as? [String])
                let table = try CSVTable(contentsOf: path, header: !names[0].hasPrefix("column1"))
                XCTAssertEqual(table.names, names, name)
                XCTAssertEqual(table.rowCount, shape[0], name)
                XCTAssertEqual(table.values, values, name)
            }
        }
        // The pandas file as a data set: the label column by name, the others features.
        let data = try Dataset<Double, Int>(csvFile: folder + "/pandas.csv", label: "label")
        XCTAssertEqual(data.targets, [0, 1, 2, 0, 1, 2])
        XCTAssertEqual(data.featureCount, 2)
        // The .npy files as a data set: features [5][3] float32, labels [5] int64.
        let npy = try Dataset<Float, Int>(features: NPYArray(contentsOf: folder + "/f32.npy"), labels: NPYArray(contentsOf: folder + "/labels.npy"))
        XCTAssertEqual(npy.count, 5)
        XCTAssertEqual(npy.targets, [2, 0, 1, 1, 0])
    }
}
