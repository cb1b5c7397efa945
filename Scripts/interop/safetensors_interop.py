#!/usr/bin/env python3
"""Proves that nngen's safetensors files work both ways with the Python ecosystem.

  swift-to-numpy WEIGHTS SCORES    loads a file saved by the Swift digits example with the
                                   `safetensors` package and recomputes, with numpy, the scores
                                   the Swift model wrote for the test set; they must agree.
  write-pytorch WEIGHTS [--torch]  writes weights in PyTorch's state_dict layout (fc1.weight is
                                   [units, fan_in]): with numpy by default, or with --torch as
                                   safetensors.torch.save_file(model.state_dict()) of an nn.Module.
  pytorch-to-swift WEIGHTS SCORES  recomputes, with numpy, the scores of the PyTorch-layout file
                                   that the Swift model loaded and wrote; they must agree.

The data is Data/digits/digits.csv (pixels / 16); SCORES files hold per line the image's row in
that file and its 10 scores.
"""
import argparse
import pathlib
import sys

import numpy as np
from safetensors.numpy import load_file, save_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
TOLERANCE = 1e-4  # float32 scores of magnitude ~10 summed over 64 terms in a different order


def pixels():
    data = np.loadtxt(ROOT / "Data/digits/digits.csv", delimiter=",", dtype=np.float64)
    return (data[:, :64] / 16).astype(np.float32)


def read_scores(path):
    table = np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2)
    return table[:, 0].astype(int), table[:, 1:].astype(np.float32)


def forward(x, w1, b1, w2, b2):
    """The digits network: relu(x·W1 + b1)·W2 + b2, with W as [fan_in, units]."""
    return np.maximum(x @ w1 + b1, 0) @ w2 + b2


def compare(expected, found, what):
    difference = float(np.max(np.abs(expected - found)))
    agree = np.mean(expected.argmax(1) == found.argmax(1))
    print(f"{what}: {len(found)} images, max |score difference| {difference:.2e} "
          f"(tolerance {TOLERANCE}), same predicted class for {agree:.1%}")
    if not difference <= TOLERANCE:
        sys.exit(f"FAIL: {what} disagree")


def expect(tensors, name, dtype, shape):
    if name not in tensors:
        sys.exit(f"FAIL: no tensor {name} (the file has {sorted(tensors)})")
    t = tensors[name]
    if t.dtype != dtype or list(t.shape) != shape:
        sys.exit(f"FAIL: {name} is {t.dtype} {list(t.shape)}, expected {dtype} {shape}")
    return t


def swift_to_numpy(weights, scores):
    tensors = load_file(weights)
    f32 = np.dtype(np.float32)
    w1 = expect(tensors, "fc1.W", f32, [64, 64])
    b1 = expect(tensors, "fc1.b", f32, [64])
    w2 = expect(tensors, "fc2.W", f32, [64, 10])
    b2 = expect(tensors, "fc2.b", f32, [10])
    if len(tensors) != 4:
        sys.exit(f"FAIL: unexpected tensors {sorted(tensors)}")
    rows, swift = read_scores(scores)
    compare(forward(pixels()[rows], w1, b1, w2, b2), swift, "Swift scores vs numpy on the saved file")


def write_pytorch(weights, use_torch):
    if use_torch:
        import torch
        from safetensors.torch import save_file as save_torch

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = torch.nn.Linear(64, 64)
                self.fc2 = torch.nn.Linear(64, 10)

            def forward(self, x):
                return self.fc2(torch.relu(self.fc1(x)))

        torch.manual_seed(0)
        save_torch(Net().state_dict(), weights)
        print(f"wrote {weights} with safetensors.torch.save_file(Net().state_dict()), torch {torch.__version__}")
        return
    rng = np.random.default_rng(0)
    # nn.Linear's default initialization: uniform in ±1/sqrt(fan_in), weight [out, in].
    tensors = {
        "fc1.weight": rng.uniform(-1 / 8, 1 / 8, (64, 64)).astype(np.float32),
        "fc1.bias": rng.uniform(-1 / 8, 1 / 8, 64).astype(np.float32),
        "fc2.weight": rng.uniform(-1 / 8, 1 / 8, (10, 64)).astype(np.float32),
        "fc2.bias": rng.uniform(-1 / 8, 1 / 8, 10).astype(np.float32),
    }
    save_file(tensors, weights, metadata={"format": "pt"})
    print(f"wrote {weights} in PyTorch's layout with numpy")


def pytorch_to_swift(weights, scores):
    t = load_file(weights)
    rows, swift = read_scores(scores)
    expected = forward(pixels()[rows], t["fc1.weight"].T, t["fc1.bias"], t["fc2.weight"].T, t["fc2.bias"])
    compare(expected, swift, "Swift scores with the PyTorch-layout file vs numpy")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("swift-to-numpy", "pytorch-to-swift"):
        p = sub.add_parser(name)
        p.add_argument("weights")
        p.add_argument("scores")
    p = sub.add_parser("write-pytorch")
    p.add_argument("weights")
    p.add_argument("--torch", action="store_true")
    args = parser.parse_args()
    if args.command == "swift-to-numpy":
        swift_to_numpy(args.weights, args.scores)
    elif args.command == "write-pytorch":
        write_pytorch(args.weights, args.torch)
    else:
        pytorch_to_swift(args.weights, args.scores)


if __name__ == "__main__":
    main()
