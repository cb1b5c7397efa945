import NNGenRuntime

// The overhead of NNGenRuntime's `fit` over a bare loop of allocation-free `trainStep` calls
// doing the same work: the digits model (Specs/digits.yaml) on the 1,438 training images for 30
// epochs, each epoch every example once in a new SplitMix64 order, in batches of 32 and a last
// one of 30. The two are timed alternately, `rounds` times each; the medians and their ratio are
// printed. `fit` runs silent and without a validation set, so that both do the same arithmetic.
//
// usage: fit-overhead [rounds] [data.csv]

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = CommandLine.arguments.dropFirst()
let rounds = arguments.first.flatMap { Int($0) } ?? 15
let path = arguments.dropFirst().first ?? "../Data/digits/digits.csv"
var data = try Dataset<Float, Int>(csvFile: path, header: false, label: -1)
try data.mapFeatures { $0 / 16 }
let train = try data.split(validationFraction: 0.2, seed: 0).training
let epochs = 30, batch = DigitsNet.batchSize, width = DigitsNet.inputCount

/// 30 epochs of the loop a user would write by hand; returns the last loss (kept, so that the
/// work is not optimized away).
func bareLoop() throws -> Float {
    var model = DigitsNet(), workspace = DigitsNet.Workspace(), random = SplitMix64(seed: 1)
    var inputs = [Float](repeating: 0, count: batch * width), labels = [Int](repeating: 0, count: batch)
    var loss: Float = 0
    for _ in 0..<epochs {
        let order = random.permutation(train.count)
        for first in stride(from: 0, to: train.count, by: batch) {
            let m = min(batch, train.count - first)
            for r in 0..<m {
                let e = order[first + r]
                for p in 0..<width { inputs[r * width + p] = train.features[e * width + p] }
                labels[r] = train.targets[e]
            }
            loss = try inputs.withUnsafeBufferPointer { x in
                try labels.withUnsafeBufferPointer { y in
                    try model.trainStep(inputs: UnsafeBufferPointer(rebasing: x[0..<m * width]), labels: UnsafeBufferPointer(rebasing: y[0..<m]), workspace: &workspace)
                }
            }
        }
    }
    return loss
}

func fitLoop() throws -> Float {
    var model = DigitsNet()
    let history = try model.fit(train, epochs: epochs, options: FitOptions(seed: 1, progress: .silent))
    return Float(history.epochs.last!.metrics["loss"]!)
}

func seconds(_ body: () throws -> Float) rethrows -> (Double, Float) {
    let start = ContinuousClock.now
    let result = try body()
    let (s, atto) = (ContinuousClock.now - start).components
    return (Double(s) + Double(atto) * 1e-18, result)
}

var bare: [Double] = [], fitted: [Double] = []
var sink: Float = 0
_ = try bareLoop()
_ = try fitLoop()  // warm-up
for _ in 0..<rounds {
    let (b, x) = try seconds(bareLoop)
    let (f, y) = try seconds(fitLoop)
    bare.append(b)
    fitted.append(f)
    sink += x + y
}
func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
func ms(_ s: Double) -> String { String(Double(Int(s * 100_000)) / 100) }
print("digits, \(train.count) images, \(epochs) epochs, \(rounds) rounds each, alternated (sink \(sink.isFinite)):")
print("  bare trainStep loop: median \(ms(median(bare))) ms (min \(ms(bare.min()!)), max \(ms(bare.max()!)))")
print("  fit:                 median \(ms(median(fitted))) ms (min \(ms(fitted.min()!)), max \(ms(fitted.max()!)))")
print("  fit / bare: \(Double(Int(median(fitted) / median(bare) * 1000)) / 1000)")
