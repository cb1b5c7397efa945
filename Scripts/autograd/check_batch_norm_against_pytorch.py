#!/usr/bin/env python3
"""Compares nngen's batch norm and dropout with PyTorch autograd on the same numbers.

Generates Swift from user_bn_model.yaml with nngen and compiles it with a driver that prints the
model's parameter layout and parameters, a batch, the dropout masks of the model's stream (the
fixed masks of the training pass), the training loss and its gradient, then runs one trainStep
and prints the parameters after it and the inference scores. PyTorch (float64) recomputes them:
F.batch_norm in training mode (batch statistics, running statistics moved by the momentum, the
variance unbiased) and in eval mode (running statistics), the dropout as the product with the
same masks (nngen holds an image's mask in NHWC; it is permuted to NCHW here), F.conv2d,
F.avg_pool2d, linear layers, the multiclass hinge and the L2 term of the conv and dense weights.

Usage: python3 Scripts/autograd/check_batch_norm_against_pytorch.py [path/to/nngen]
Needs: torch. Exit status 0 when the loss, every gradient component, the running statistics
after the step and the inference scores agree to 1e-8.
"""
import os
import sys

import torch
import torch.nn.functional as F

from check_against_pytorch import hinge
from emitted import run_driver

torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "user_bn_model.yaml")

DRIVER = r"""
typealias Net = UserBatchNormNet
var model = Net()
model.dropoutState = 99
var inputs: [Double] = []
var state: UInt64 = 2026
func next() -> Double {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Double(state >> 11) * 0x1.0p-53 * 4 - 2
}
for _ in 0..<(Net.batchSize * Net.inputCount) { inputs.append(next()) }
let labels = (0..<Net.batchSize).map { ($0 * 2 + 1) % Net.outputCount }
let masks = Net.dropoutMasks(state: model.dropoutState)
let before = model.parameters
let (loss, gradient) = try model.lossAndGradient(inputs: inputs, labels: labels)
_ = try model.trainStep(inputs: inputs, labels: labels)
let after = model.parameters
let scores = try model.scores(inputs)
func list(_ xs: [Double]) -> String { "[" + xs.map { "\($0)" }.joined(separator: ", ") + "]" }
let layout = Net.parameterLayout.map { "[\"\($0.name)\", \($0.offset), \($0.shape)]" }.joined(separator: ", ")
print("{\"layout\": [\(layout)], \"parameters\": \(list(before)), \"inputs\": \(list(inputs)), \"labels\": \(labels), \"masks\": \(list(masks)), \"loss\": \(loss), \"gradient\": \(list(gradient)), \"after\": \(list(after)), \"scores\": \(list(scores))}")
"""

INPUT = (2, 8, 8)
L2, MARGIN = 0.01, 1.0
BN = {"bn1": (0.1, 1e-5), "bn2": (0.2, 1e-3)}  # momentum, epsilon


def unpack(flat, layout):
    """Each parameter array of nngen's layout as a tensor viewing `flat` (gradients flow back)."""
    return {name: flat[offset:offset + int(torch.tensor(shape).prod())].reshape(shape) for name, offset, shape in layout}


def forward(p, x, masks, training, running):
    """The network; `running` holds copies of the running statistics that training mode updates."""
    n = x.shape[0]

    def bn(h, name):
        momentum, eps = BN[name]
        return F.batch_norm(h, running[name + "_running_mean"], running[name + "_running_var"], p[name + "_gamma"], p[name + "_beta"],
                            training=training, momentum=momentum, eps=eps)

    h = F.conv2d(x, p["W1"], p["b1"], stride=2, padding=1)
    h = F.relu(bn(h, "bn1"))
    if training:  # the first mask is [n·h·w][c] (NHWC)
        _, c, hh, ww = h.shape
        h = h * masks[:n * c * hh * ww].reshape(n, hh, ww, c).permute(0, 3, 1, 2)
    h = F.avg_pool2d(h, 2, stride=1)
    h = torch.flatten(h, 1)
    h = F.linear(h, p["W2"].T, p["b2"])
    h = torch.tanh(bn(h, "bn2"))
    if training:
        h = h * masks[-h.numel():].reshape(h.shape)
    return F.linear(h, p["W3"].T, p["b3"])


def main():
    result = run_driver(sys.argv[1] if len(sys.argv) > 1 else None, SPEC, "UserBatchNormNet", DRIVER)
    layout = result["layout"]
    flat = torch.tensor(result["parameters"], requires_grad=True)
    p = unpack(flat, layout)
    x = torch.tensor(result["inputs"]).reshape(-1, *INPUT)
    y = torch.tensor(result["labels"])
    masks = torch.tensor(result["masks"])
    running = {name: p[name].detach().clone() for name, _, _ in layout if "running" in name}

    scores = forward(p, x, masks, True, running)
    loss_tensor = hinge(scores, y, MARGIN) + L2 * sum((p[w] ** 2).sum() for w in ("W1", "W2", "W3"))
    loss_tensor.backward()
    loss_error = abs(float(loss_tensor.detach()) - result["loss"])
    grad_error = float((flat.grad - torch.tensor(result["gradient"])).abs().max())

    after = unpack(torch.tensor(result["after"]), layout)
    running_error = max(float((after[name] - value).abs().max()) for name, value in running.items())
    with torch.no_grad():
        eval_scores = forward(after, x, masks, False, {name: after[name] for name in running})
    scores_error = float((eval_scores.flatten() - torch.tensor(result["scores"])).abs().max())

    print(f"parameters: {flat.numel()}, batch: {x.shape[0]}, input {list(x.shape[1:])}, masks: {masks.numel()} ({int((masks == 0).sum())} dropped)")
    print(f"training loss: nngen {result['loss']!r}, PyTorch {float(loss_tensor.detach())!r}, |difference| {loss_error:.3e}")
    print(f"gradient: max |nngen - PyTorch| = {grad_error:.3e} (largest component {float(flat.grad.abs().max()):.3e})")
    print(f"running statistics after a step: max |nngen - PyTorch| = {running_error:.3e}")
    print(f"inference scores (running statistics, no dropout): max |nngen - PyTorch| = {scores_error:.3e}")
    ok = max(loss_error, grad_error, running_error, scores_error) < 1e-8
    print("agree to 1e-8" if ok else "DISAGREE")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
