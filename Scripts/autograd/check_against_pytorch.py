#!/usr/bin/env python3
"""Compares nngen's emitted convolutional network with PyTorch autograd on the same numbers.

Generates Swift from user_conv_model.yaml with nngen, compiles it with a small driver that prints
the model's parameters, a batch, its scores, loss and gradient, then recomputes all of them with
PyTorch (float64) from the same numbers: torch.nn.functional's conv2d (its own padding='same'),
avg_pool2d and max_pool2d, flatten, linear layers, the multiclass hinge and the L2 term written
from the spec's definitions. nngen's parameter layout is PyTorch's for convolutions
([filters][channels][kh][kw]) and transposed for dense layers ([fan_in][units]).

Usage: python3 Scripts/autograd/check_against_pytorch.py [path/to/nngen]
Needs: torch (pip install torch). Exit status 0 when scores, loss and every gradient component
agree to 1e-8.
"""
import os
import sys
import warnings

import torch
import torch.nn.functional as F

from emitted import run_driver

torch.set_default_dtype(torch.float64)
# PyTorch pads a copy of the input for 'same' with an even kernel; that is the point here.
warnings.filterwarnings("ignore", message="Using padding='same'")

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "user_conv_model.yaml")

DRIVER = r"""
var model = UserConvNet()
var inputs: [Double] = []
var state: UInt64 = 2024
func next() -> Double {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Double(state >> 11) * 0x1.0p-53 * 4 - 2
}
for _ in 0..<(UserConvNet.batchSize * UserConvNet.inputCount) { inputs.append(next()) }
let labels = (0..<UserConvNet.batchSize).map { ($0 * 2 + 1) % UserConvNet.outputCount }
let scores = try model.scores(inputs)
let (loss, gradient) = try model.lossAndGradient(inputs: inputs, labels: labels)
func list(_ xs: [Double]) -> String { "[" + xs.map { "\($0)" }.joined(separator: ", ") + "]" }
print("{\"parameters\": \(list(model.parameters)), \"inputs\": \(list(inputs)), \"labels\": \(labels), \"scores\": \(list(scores)), \"loss\": \(loss), \"gradient\": \(list(gradient))}")
"""

# The architecture of user_conv_model.yaml, as (name, shape) of each parameter in layout order.
INPUT = (3, 9, 8)
LAYOUT = [("W1", (5, 3, 3, 3)), ("b1", (5,)), ("W2", (4, 5, 2, 3)), ("b2", (4,)),
          ("W3", (24, 6)), ("b3", (6,)), ("W4", (6, 3)), ("b4", (3,))]
LEAKY_ALPHA, MARGIN, L2 = 0.1, 1.0, 0.01


def unpack(flat):
    """The flat vector in nngen's layout, as tensors that share its storage (so gradients flow back)."""
    params, offset = {}, 0
    for name, shape in LAYOUT:
        count = 1
        for d in shape:
            count *= d
        params[name] = flat[offset:offset + count].reshape(shape)
        offset += count
    assert offset == flat.numel(), (offset, flat.numel())
    return params


def forward(flat, x):
    p = unpack(flat)
    h = F.relu(F.conv2d(x, p["W1"], p["b1"], stride=2, padding=1))
    h = F.avg_pool2d(h, 2, stride=1, padding=1)  # count_include_pad=True, nngen's rule
    h = F.leaky_relu(F.conv2d(h, p["W2"], p["b2"], padding="same"), LEAKY_ALPHA)
    h = F.max_pool2d(h, 2)
    h = torch.flatten(h, 1)  # channel, row, column order
    h = torch.tanh(F.linear(h, p["W3"].T, p["b3"]))  # nngen's dense W is [fan_in][units]
    return F.linear(h, p["W4"].T, p["b4"]), p


def hinge(s, y, margin):
    """The multiclass hinge (SVM) loss of scores `s` [n][classes] for labels `y`, the batch's mean."""
    n = s.shape[0]
    correct = s[torch.arange(n), y][:, None]
    margins = torch.clamp(s - correct + margin, min=0)
    margins = margins.masked_fill(F.one_hot(y, s.shape[1]).bool(), 0)
    return margins.sum() / n


def loss_fn(flat, x, y):
    s, p = forward(flat, x)
    reg = L2 * sum((p[name] ** 2).sum() for name in ("W1", "W2", "W3", "W4"))
    return hinge(s, y, MARGIN) + reg


def main():
    result = run_driver(sys.argv[1] if len(sys.argv) > 1 else None, SPEC, "UserConvNet", DRIVER)

    flat = torch.tensor(result["parameters"], requires_grad=True)
    x = torch.tensor(result["inputs"]).reshape(-1, *INPUT)  # NCHW, as the generated API takes it
    y = torch.tensor(result["labels"])
    with torch.no_grad():
        scores, _ = forward(flat, x)
    loss_tensor = loss_fn(flat, x, y)
    loss_tensor.backward()
    loss = float(loss_tensor.detach())
    grad = flat.grad
    scores_error = float((scores.flatten() - torch.tensor(result["scores"])).abs().max())
    loss_error = abs(loss - result["loss"])
    grad_error = float((grad - torch.tensor(result["gradient"])).abs().max())
    print(f"parameters: {flat.numel()}, batch: {x.shape[0]}, input {list(x.shape[1:])}")
    print(f"scores: max |nngen - PyTorch| = {scores_error:.3e}")
    print(f"loss: nngen {result['loss']!r}, PyTorch {loss!r}, |difference| {loss_error:.3e}")
    print(f"gradient: max |nngen - PyTorch| = {grad_error:.3e} (largest component {float(grad.abs().max()):.3e})")
    ok = scores_error < 1e-8 and loss_error < 1e-8 and grad_error < 1e-8
    print("agree to 1e-8" if ok else "DISAGREE")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
