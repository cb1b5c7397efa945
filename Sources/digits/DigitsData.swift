import Foundation

/// The UCI handwritten digits (Data/digits/digits.csv): 8×8 images with pixels 0…16, scaled to
/// [0, 1], split 80/20 once and for all: the rows are shuffled by SplitMix64 from seed 0
/// (Fisher–Yates) and the first fifth of that order is the test set.
struct DigitsData {
    struct Split {
        var pixels: [Float]  // [count][64], row-major
        var labels: [Int]
        /// Each example's row in the CSV (0-based).
        var rows: [Int]
        var count: Int { labels.count }
    }

    static let pixelCount = 64
    let train: Split
    let test: Split

    /// Reads the CSV at `path`; a malformed line is an error naming its number.
    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var train = Split(pixels: [], labels: [], rows: []), test = Split(pixels: [], labels: [], rows: [])
        var rows: [([Float], Int)] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: ",")
            let values = fields.compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            guard fields.count == Self.pixelCount + 1, values.count == fields.count,
                  values.dropLast().allSatisfy({ (0...16).contains($0) }),
                  (0...9).contains(values.last!)
            else { throw DataError(message: "\(path):\(number + 1): expected 64 pixels in 0...16 and a class in 0...9") }
            let pixels = values.dropLast().map { Float($0) / 16 }
            rows.append((pixels, values.last!))
        }
        var order = Array(rows.indices), shuffler = Shuffler(state: 0)
        shuffler.shuffle(&order)
        let testCount = rows.count / 5
        for (position, i) in order.enumerated() {
            if position < testCount {
                test.pixels += rows[i].0
                test.labels.append(rows[i].1)
                test.rows.append(i)
            } else {
                train.pixels += rows[i].0
                train.labels.append(rows[i].1)
                train.rows.append(i)
            }
        }
        self.train = train
        self.test = test
    }
}

struct DataError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// SplitMix64, for the order of the training examples in each epoch.
struct Shuffler {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Fisher–Yates.
    mutating func shuffle(_ a: inout [Int]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, Int(next() % UInt64(i + 1)))
        }
    }
}
