#!/usr/bin/env python3
"""A convolutional network trained by PyTorch, loaded into nngen's DigitsBatchNormCNN.

  train WEIGHTS             trains an nn.Sequential of Conv2d, BatchNorm2d, ReLU, MaxPool2d,
                            Dropout, Flatten, Linear, BatchNorm1d, ReLU, Dropout, Linear (the
                            architecture of Specs/digits_bn_cnn.yaml, its modules named as the
                            spec's layers) on the digits, float32, and saves its state_dict
                            (running statistics and num_batches_tracked included) with
                            safetensors.torch.save_file.
  compare WEIGHTS SCORES    scores the images of SCORES (lines of the image's row in the data file
                            and the 10 scores the Swift model computed from WEIGHTS) with the
                            PyTorch model in eval mode (running statistics, no dropout); the
                            scores must agree to 1e-5 (relative to 1 + |score|).

The data is Data/digits/digits.csv (pixels / 16).
"""
import argparse
import collections
import pathlib
import sys

import numpy as np
import torch
from safetensors.torch import load_file, save_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
TOLERANCE = 1e-5


def images():
    data = np.loadtxt(ROOT / "Data/digits/digits.csv", delimiter=",", dtype=np.float64)
    return torch.tensor(data[:, :64] / 16, dtype=torch.float32).reshape(-1, 1, 8, 8), torch.tensor(data[:, 64], dtype=torch.long)


def network():
    return torch.nn.Sequential(collections.OrderedDict([
        ("conv1", torch.nn.Conv2d(1, 16, 3, padding=1)), ("bn1", torch.nn.BatchNorm2d(16)), ("relu1", torch.nn.ReLU()),
        ("pool1", torch.nn.MaxPool2d(2)), ("drop1", torch.nn.Dropout(0.25)), ("flatten", torch.nn.Flatten()),
        ("fc1", torch.nn.Linear(256, 64)), ("bn2", torch.nn.BatchNorm1d(64)), ("relu2", torch.nn.ReLU()),
        ("drop2", torch.nn.Dropout(0.5)), ("fc2", torch.nn.Linear(64, 10)),
    ]))


def train(weights):
    torch.manual_seed(0)
    x, y = images()
    order = torch.randperm(len(x))
    held_out = len(x) // 5
    test, training = order[:held_out], order[held_out:]
    model = network()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=0.001)
    for _ in range(15):
        model.train()
        for batch in training[torch.randperm(len(training))].split(32):
            if len(batch) < 2:
                continue
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = float((model(x[test]).argmax(1) == y[test]).float().mean())
    save_file(model.state_dict(), weights)
    print(f"PyTorch {torch.__version__}: trained nn.Sequential ({', '.join(name for name, _ in model.named_children())}); "
          f"accuracy {accuracy:.1%} on its {held_out} held-out images; saved {len(model.state_dict())} tensors to {weights}")


def compare(weights, scores):
    model = network()
    model.load_state_dict(load_file(weights))
    model.eval()
    table = np.loadtxt(scores, delimiter=",", dtype=np.float64, ndmin=2)
    rows, swift = table[:, 0].astype(int), torch.tensor(table[:, 1:], dtype=torch.float32)
    x, y = images()
    with torch.no_grad():
        expected = model(x[rows])
    difference = float(((swift - expected).abs() / (1 + expected.abs())).max())
    same = float((swift.argmax(1) == expected.argmax(1)).float().mean())
    accuracy = float((expected.argmax(1) == y[rows]).float().mean())
    print(f"{len(rows)} images: max |nngen − PyTorch| / (1 + |PyTorch|) = {difference:.2e} (tolerance {TOLERANCE}); "
          f"same predicted class for {same:.1%}; accuracy {accuracy:.1%}")
    if not difference <= TOLERANCE:
        sys.exit("FAIL: nngen's scores with the PyTorch-trained weights differ from PyTorch's")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("train").add_argument("weights")
    p = sub.add_parser("compare")
    p.add_argument("weights")
    p.add_argument("scores")
    args = parser.parse_args()
    if args.command == "train":
        train(args.weights)
    else:
        compare(args.weights, args.scores)


if __name__ == "__main__":
    main()
