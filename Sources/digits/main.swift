import ArgumentParser
import Foundation
import ExampleModels
import NNGenRuntime

/// Trains the model generated from Specs/digits.yaml (64 → 64 relu → 10, softmax cross-entropy,
/// SGD with momentum 0.9, learning rate 0.05, batch 32) on the UCI handwritten digits with
/// NNGenRuntime's `fit`, then saves its weights as a safetensors file. With --load it scores the
/// test set with saved weights instead (nngen's own layout, or PyTorch's with --pytorch). With
/// `--model cnn` it does the same with Specs/digits_cnn.yaml, a convolutional network trained the
/// same way on the same split (each image as 1×8×8); with `--model bn-cnn`, with
/// Specs/digits_bn_cnn.yaml, a convolutional network with batch norm and dropout.
@main
struct Digits: ParsableCommand {
    /// Which generated model to train.
    enum Model: String, ExpressibleByArgument, CaseIterable {
        case mlp, cnn
        case bnCNN = "bn-cnn"
    }

    @Option(help: "The model: mlp (Specs/digits.yaml), cnn (Specs/digits_cnn.yaml) or bn-cnn (Specs/digits_bn_cnn.yaml).") var model = Model.mlp
    @Option(help: "Epochs of training.") var epochs = 30
    @Option(help: "Seed of the initial weights (default: the spec's, 7).") var seed: UInt64?
    @Option(help: "Where the trained weights go.") var save = "digits.safetensors"
    @Option(help: "Skip training: load weights from this file and report test accuracy.") var load: String?
    @Flag(help: "The --load file holds a PyTorch state_dict (fc1.weight, fc1.bias, fc2.weight, fc2.bias; conv1 and conv2 too for the cnn; conv1, bn1 and bn2 for the bn-cnn).") var pytorch = false
    @Option(help: "Write the test set's scores: per image a CSV line of its row in the data file and its 10 scores.") var scores: String?
    @Option(help: "The digits CSV: 64 pixels in 0…16 and the class, no header.") var data = "Data/digits/digits.csv"
    @Option(help: "Write a checkpoint here after every epoch.") var checkpoint: String?
    @Flag(help: "Continue from --checkpoint when it exists.") var resume = false
    @Option(help: "Stop after this epoch (the checkpoint, if any, is written): an interrupted run.") var stopAfter: Int?
    @Option(help: "Draw the loss and accuracy curves into this SVG file.") var curves: String?

    func run() throws {
        switch model {
        case .mlp: try run { $0.map(DigitsNet.init(seed:)) ?? DigitsNet() }
        case .cnn: try run { $0.map(DigitsCNN.init(seed:)) ?? DigitsCNN() }
        case .bnCNN: try run { $0.map(DigitsBatchNormCNN.init(seed:)) ?? DigitsBatchNormCNN() }
        }
    }

    /// Trains (or loads) a model of type `M`, made by `initial` from `--seed` (nil: the spec's
    /// seed), reports its test accuracy and writes what was asked.
    func run<M: TrainableNetwork>(_ initial: (UInt64?) -> M) throws where M.Scalar == Float, M.Target == Int {
        var all = try Dataset<Float, Int>(csvFile: data, header: false, label: -1)
        try all.mapFeatures { $0 / 16 }  // pixels 0…16 to [0, 1], as the PyTorch side does
        let (trainRows, testRows) = try all.splitIndices(validationFraction: 0.2, seed: 0)
        let (train, test) = (all.subset(trainRows), all.subset(testRows))
        var model: M
        if let load {
            model = try M(contentsOf: load, layout: pytorch ? .pytorch : .nngen)
            print("loaded \(load)\(pytorch ? " (PyTorch layout)" : "")")
        } else {
            model = initial(seed)
            print("training on \(train.count) images, testing on \(test.count)")
            let options = FitOptions(seed: 1, checkpoint: checkpoint.map { Checkpointing(path: $0) }, resume: resume)
            let history = try model.fit(train, epochs: epochs, validation: test, options: options) { $0.epoch != stopAfter }
            if let curves { try history.writeSVG(to: curves) }
            try model.save(to: save)
            print("saved the weights to \(save)")
        }
        let accuracy = try model.evaluate(test).accuracy! * 100
        print("test accuracy: \((accuracy * 10).rounded() / 10)% (\(test.count) images)")
        if let scores {
            let k = M.outputCount, all = try model.predict(test)
            let lines = testRows.enumerated().map { i, row in ([String(row)] + all[i * k..<(i + 1) * k].map { "\($0)" }).joined(separator: ",") }
            try (lines.joined(separator: "\n") + "\n").write(toFile: scores, atomically: true, encoding: .utf8)
            print("wrote the test set's scores to \(scores)")
        }
    }
}
