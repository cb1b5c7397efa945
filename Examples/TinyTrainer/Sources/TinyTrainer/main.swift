// Trains the model of tiny.nngen.yaml, generated at build time by the NNGenPlugin, on XOR, and
// saves its weights (NNGenRuntime).
import NNGenRuntime

let inputs: [Float] = [0, 0, 0, 1, 1, 0, 1, 1]
let labels = [0, 1, 1, 0]

var model = TinyNet()
print("TinyNet: \(TinyNet.inputCount) inputs, \(TinyNet.outputCount) classes, \(TinyNet.parameterCount) parameters")
for step in 1...500 {
    let loss = try model.trainStep(inputs: inputs, labels: labels)
    if step % 100 == 0 { print("step \(step): loss \(loss)") }
}
let predictions = try model.predictions(inputs)
print("predictions \(predictions), expected \(labels)")

let path = "tiny.safetensors"
try model.save(to: path)
let reloaded = try TinyNet(contentsOf: path)
print("saved and reloaded \(path): same parameters: \(reloaded.parameters == model.parameters)")
