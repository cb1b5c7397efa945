#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Fixed, deterministic batches with the shapes of the Python baselines' data (the values come
/// from this file's own generator; a step's cost does not depend on them).
struct BenchmarkData: Sendable {
    var inputs: [Float]
    var labels: [Int]

    /// The four XOR points.
    static func xor() -> BenchmarkData {
        BenchmarkData(inputs: [0, 0, 0, 1, 1, 0, 1, 1], labels: [0, 1, 1, 0])
    }

    /// The CS231n spiral: 3 classes of 100 points, noise 0.2.
    static func spiral() -> BenchmarkData {
        var random = Generator(seed: 0)
        var inputs: [Float] = [], labels: [Int] = []
        for j in 0..<3 {
            for i in 0..<100 {
                let r = Double(i) / 99
                let t = Double(j) * 4 + Double(i) / 99 * 4 + random.normal() * 0.2
                inputs += [Float(r * sin(t)), Float(r * cos(t))]
                labels.append(j)
            }
        }
        return BenchmarkData(inputs: inputs, labels: labels)
    }

    /// Pixels in [0, 1) and random labels.
    static func uniform(examples: Int, features: Int, classes: Int, seed: UInt64) -> BenchmarkData {
        var random = Generator(seed: seed)
        return BenchmarkData(inputs: (0..<examples * features).map { _ in Float(random.uniform()) },
                             labels: (0..<examples).map { _ in Int(random.next() % UInt64(classes)) })
    }

    /// Standard normal inputs and random labels.
    static func normal(examples: Int, features: Int, classes: Int, seed: UInt64) -> BenchmarkData {
        var random = Generator(seed: seed)
        return BenchmarkData(inputs: (0..<examples * features).map { _ in Float(random.normal()) },
                             labels: (0..<examples).map { _ in Int(random.next() % UInt64(classes)) })
    }
}

/// SplitMix64 with a Box–Muller normal sampler.
struct Generator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    mutating func normal() -> Double {
        let u = max(uniform(), 0x1.0p-53), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
