import Foundation
import ExampleModels

// Trains the model generated from Specs/spiral.yaml (2 → 100 relu → 3, softmax cross-entropy,
// L2, SGD with learning rate 1) on the spiral data set, full batch, as in the CS231n case study.

let data = SpiralData()
var model = SpiralNet()
var workspace = SpiralNet.Workspace()
let steps = 10_000

let start = Date()
try data.points.withUnsafeBufferPointer { inputs in
    try data.labels.withUnsafeBufferPointer { labels in
        for step in 0..<steps {
            let loss = try model.trainStep(inputs: inputs, labels: labels, workspace: &workspace)
            if step % 1_000 == 0 { print("step \(step): loss \(loss)") }
        }
    }
}
let seconds = Date().timeIntervalSince(start)

let predictions = try model.predictions(data.points)
let correct = zip(predictions, data.labels).filter { $0 == $1 }.count
let accuracy = Double(correct) / Double(data.labels.count)
print("final loss \(try model.loss(inputs: data.points, labels: data.labels))")
print("training accuracy: \(String(format: "%.2f", accuracy * 100))% (\(correct)/\(data.labels.count))")
print("\(steps) steps in \(String(format: "%.2f", seconds)) s (\(String(format: "%.1f", seconds / Double(steps) * 1e6)) µs per step)")
