import Foundation
import GeneratedModels
import NNGenRuntime

// Trains the model generated from Specs/digits.yaml (64 → 64 relu → 10, softmax cross-entropy,
// SGD with momentum 0.9, learning rate 0.05, batch 32) on the UCI handwritten digits, then saves
// its weights as a safetensors file. With --load it scores the test set with saved weights
// instead (nngen's own layout, or PyTorch's with --pytorch).

let usage = """
    usage: digits [--epochs N] [--seed N] [--save FILE] [--scores FILE] [--data FILE]
           digits --load FILE [--pytorch] [--scores FILE] [--data FILE]
      --epochs N     epochs of training (default 30)
      --seed N       seed of the initial weights (default: the spec's, 7)
      --save FILE    where the trained weights go (default digits.safetensors)
      --load FILE    skip training: load weights from FILE and report test accuracy
      --pytorch      FILE holds a PyTorch state_dict (fc1.weight, fc1.bias, fc2.weight, fc2.bias)
      --scores FILE  write the test set's scores: per image a CSV line of its row in the data file
                     and its 10 scores
      --data FILE    the digits CSV (default Data/digits/digits.csv)
    """

var options = ["--epochs": "30", "--save": "digits.safetensors", "--data": "Data/digits/digits.csv"]
var pytorch = false
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    if flag == "--pytorch" { pytorch = true; continue }
    guard ["--epochs", "--seed", "--save", "--load", "--scores", "--data"].contains(flag), let value = arguments.popFirst() else {
        FileHandle.standardError.write(Data((usage + "\n").utf8))
        exit(2)
    }
    options[flag] = value
}

let data = try DigitsData(path: options["--data"]!)
let batch = DigitsNet.batchSize, width = DigitsData.pixelCount

/// Scores of every example of `split`, [count][10], in batches padded with zeros at the end.
func scores(_ model: DigitsNet, _ split: DigitsData.Split) throws -> [Float] {
    var result: [Float] = []
    for start in stride(from: 0, to: split.count, by: batch) {
        let n = min(batch, split.count - start)
        var inputs = Array(split.pixels[start * width..<(start + n) * width])
        inputs += [Float](repeating: 0, count: (batch - n) * width)
        result += try model.scores(inputs).prefix(n * DigitsNet.outputCount)
    }
    return result
}

/// Share of `split` whose highest score is the label.
func accuracy(_ scores: [Float], _ split: DigitsData.Split) -> Double {
    let k = DigitsNet.outputCount
    var correct = 0
    for i in 0..<split.count {
        let row = scores[i * k..<(i + 1) * k]
        if row.indices.max(by: { row[$0] < row[$1] })! - i * k == split.labels[i] { correct += 1 }
    }
    return Double(correct) / Double(split.count)
}

func percent(_ x: Double) -> String { String(format: "%5.1f%%", x * 100) }

var model: DigitsNet
if let path = options["--load"] {
    model = try DigitsNet(contentsOf: path, layout: pytorch ? .pytorch : .nngen)
    print("loaded \(path)\(pytorch ? " (PyTorch layout)" : "")")
} else {
    model = options["--seed"].flatMap { UInt64($0) }.map { DigitsNet(seed: $0) } ?? DigitsNet()
    let epochs = Int(options["--epochs"]!) ?? 30
    var workspace = DigitsNet.Workspace()
    var order = Array(0..<data.train.count), shuffler = Shuffler(state: 1)
    var inputs = [Float](repeating: 0, count: batch * width), labels = [Int](repeating: 0, count: batch)
    print("training on \(data.train.count) images, testing on \(data.test.count); \(data.train.count / batch) steps of \(batch) per epoch")
    for epoch in 1...max(epochs, 1) {
        shuffler.shuffle(&order)
        var lossSum: Float = 0
        let steps = data.train.count / batch
        let start = Date()
        for step in 0..<steps {
            for j in 0..<batch {
                let i = order[step * batch + j]
                for p in 0..<width { inputs[j * width + p] = data.train.pixels[i * width + p] }
                labels[j] = data.train.labels[i]
            }
            lossSum += try inputs.withUnsafeBufferPointer { x in
                try labels.withUnsafeBufferPointer { y in try model.trainStep(inputs: x, labels: y, workspace: &workspace) }
            }
        }
        let seconds = Date().timeIntervalSince(start)
        let trainAccuracy = accuracy(try scores(model, data.train), data.train)
        let testAccuracy = accuracy(try scores(model, data.test), data.test)
        print("epoch \(String(format: "%2d", epoch))/\(epochs)  loss \(String(format: "%.4f", lossSum / Float(steps)))  train \(percent(trainAccuracy))  test \(percent(testAccuracy))  \(String(format: "%.0f", Double(steps) / seconds)) steps/s")
    }
    try model.save(to: options["--save"]!)
    print("saved the weights to \(options["--save"]!)")
}

let testScores = try scores(model, data.test)
print("test accuracy: \(percent(accuracy(testScores, data.test)).trimmingCharacters(in: .whitespaces)) (\(data.test.count) images)")
if let path = options["--scores"] {
    let k = DigitsNet.outputCount
    let lines = (0..<data.test.count).map { i in (["\(data.test.rows[i])"] + testScores[i * k..<(i + 1) * k].map { "\($0)" }).joined(separator: ",") }
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    print("wrote the test set's scores to \(path)")
}
