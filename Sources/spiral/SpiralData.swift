import Foundation

/// The CS231n spiral data set: K classes of N points on arms of a spiral, with noise.
///
/// Class k: radius r = linspace(0, 1, N), angle t = linspace(4k, 4(k+1), N) + 0.2·normal;
/// point (r·sin t, r·cos t). Generated from a fixed seed, so every run sees the same points.
struct SpiralData {
    let points: [Float]  // [K·N][2], row-major
    let labels: [Int]

    init(classes: Int = 3, pointsPerClass: Int = 100, noise: Double = 0.2, seed: UInt64 = 0) {
        var generator = Normal(seed: seed)
        var points: [Float] = [], labels: [Int] = []
        for k in 0..<classes {
            for i in 0..<pointsPerClass {
                let fraction = Double(i) / Double(pointsPerClass - 1)
                let r = fraction
                let t = 4 * Double(k) + 4 * fraction + noise * generator.next()
                points += [Float(r * sin(t)), Float(r * cos(t))]
                labels.append(k)
            }
        }
        self.points = points
        self.labels = labels
    }
}

/// Standard normal numbers from SplitMix64 and the Box–Muller transform.
struct Normal {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) * 0x1.0p-53
    }

    mutating func next() -> Double {
        let u = 1 - uniform(), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
