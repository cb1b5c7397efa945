// Trains the model of tiny.nngen.yaml, generated at build time by the NNGenPlugin, on XOR.
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
