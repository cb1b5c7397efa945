import ExampleModels
import NNGenRuntime

// The tabular example: the model of Specs/wine.yaml learns a wine's cultivar from 13 chemical
// measurements in a CSV file (Data/wine/wine.csv), standardized with statistics of the training
// set, which are saved in the weights' file so that inference rescales its inputs the same way.

let path = CommandLine.arguments.dropFirst().first ?? "Data/wine/wine.csv"
let data = try Dataset<Float, Int>(csvFile: path, label: "cultivar")
var (train, test) = try data.split(validationFraction: 0.25, seed: 1)
let standardization = Standardization(fitting: train)
try train.standardize(standardization)
try test.standardize(standardization)

var model = WineNet()
print("training on \(train.count) wines, testing on \(test.count)")
try model.fit(train, epochs: 40, validation: test)
let result = try model.evaluate(test)
print("test accuracy: \((result.accuracy! * 1000).rounded() / 10)% (\(test.count) wines), test loss \(result.loss)")
try model.save(to: "wine.safetensors", standardization: standardization)
print("saved the weights and the standardization to wine.safetensors")

// Inference elsewhere: the model and its standardization from the one file.
let loaded = try WineNet(contentsOf: "wine.safetensors")
var fresh = try Dataset<Float, Int>(csvFile: path, label: "cultivar").subset(0..<3)
try fresh.standardize(Standardization(contentsOf: "wine.safetensors"))
print("the first three wines are cultivars \(try loaded.predictClasses(fresh)) (labels \(fresh.targets))")
