import ExampleModels
import NNGenRuntime

// The regression example: the model of Specs/wine_alcohol.yaml (mean squared error) predicts a
// wine's alcohol content (% vol) from its 12 other chemical measurements (Data/wine/wine.csv;
// the cultivar column is left out), standardized with statistics of the training set.

let path = CommandLine.arguments.dropFirst().first ?? "Data/wine/wine.csv"
let data = try Dataset<Float, Float>(csvFile: path, targets: ["alcohol"], ignoring: ["cultivar"])
var (train, test) = try data.split(validationFraction: 0.25, seed: 1)
let standardization = Standardization(fitting: train)
try train.standardize(standardization)
try test.standardize(standardization)

// The model learns the difference from the training set's mean alcohol (about 13% vol), which
// is where its output starts; predicting that mean for every wine is the bar it must clear.
let mean = train.targets.reduce(0, +) / Float(train.count)
train.mapTargets { $0 - mean }
test.mapTargets { $0 - mean }
let baseline = test.targets.map { $0 * $0 }.reduce(0, +) / Float(test.count)

var model = WineAlcoholNet()
print("training on \(train.count) wines, testing on \(test.count)")
// A fifth of the training set is held out to stop when its error has not improved for 10 epochs.
let stopping = EarlyStopping(metric: "val_mse", patience: 10)
try model.fit(train, epochs: 300, options: FitOptions(validationSplit: 0.2, earlyStopping: stopping, progress: .lines))
let mse = try model.evaluate(test).meanSquaredError!
print("test mean squared error: \(mse) (% vol)², predicting the mean: \(baseline)")
print("test RMSE: \(mse.squareRoot()) % vol")
