#!/usr/bin/env python3
"""Compares nngen's emitted gradients with JAX autograd on the same parameters and inputs.

Generates Swift from user_model.yaml with nngen, compiles it with a small driver that prints the
model's parameters, a batch, its loss and its gradient, then recomputes loss and gradient with
JAX (float64) from the same numbers, written independently here from the spec's definitions.

Usage: python3 Scripts/autograd/check_against_jax.py [path/to/nngen]
Needs: jax (pip install jax). Exit status 0 when every gradient agrees to 1e-8.
"""
import os
import sys

import jax
import jax.numpy as jnp

from emitted import run_driver

jax.config.update("jax_enable_x64", True)

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "user_model.yaml")

DRIVER = r"""
var model = UserNet()
var inputs: [Double] = []
var state: UInt64 = 12345
func next() -> Double {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Double(state >> 11) * 0x1.0p-53 * 4 - 2
}
for _ in 0..<(UserNet.batchSize * UserNet.inputCount) { inputs.append(next()) }
let labels = (0..<UserNet.batchSize).map { ($0 * 3) % UserNet.outputCount }
let (loss, gradient) = try model.lossAndGradient(inputs: inputs, labels: labels)
func list(_ xs: [Double]) -> String { "[" + xs.map { "\($0)" }.joined(separator: ", ") + "]" }
print("{\"parameters\": \(list(model.parameters)), \"inputs\": \(list(inputs)), \"labels\": \(labels), \"loss\": \(loss), \"gradient\": \(list(gradient))}")
"""

# The architecture of user_model.yaml: 5 → 12 tanh → 8 elu(0.5) → 4, hinge margin 1, l2 0.01.
SIZES = [5, 12, 8, 4]
ELU_ALPHA, MARGIN, L2 = 0.5, 1.0, 0.01


def unpack(flat):
    """The flat vector in nngen's layout: W1 [in][out] row-major, b1, W2, b2, ..."""
    params, offset = [], 0
    for fan_in, units in zip(SIZES, SIZES[1:]):
        w = flat[offset:offset + fan_in * units].reshape(fan_in, units)
        offset += fan_in * units
        b = flat[offset:offset + units]
        offset += units
        params.append((w, b))
    return params


def loss_fn(flat, x, y):
    (w1, b1), (w2, b2), (w3, b3) = unpack(flat)
    h1 = jnp.tanh(x @ w1 + b1)
    z2 = h1 @ w2 + b2
    h2 = jnp.where(z2 >= 0, z2, ELU_ALPHA * jnp.expm1(jnp.minimum(z2, 0)))
    s = h2 @ w3 + b3
    n = s.shape[0]
    correct = s[jnp.arange(n), y][:, None]
    margins = jnp.maximum(0, s - correct + MARGIN)
    margins = margins.at[jnp.arange(n), y].set(0)
    data = jnp.sum(margins) / n
    reg = L2 * sum(jnp.sum(w * w) for w, _ in ((w1, b1), (w2, b2), (w3, b3)))
    return data + reg


def main():
    result = run_driver(sys.argv[1] if len(sys.argv) > 1 else None, SPEC, "UserNet", DRIVER)

    flat = jnp.array(result["parameters"])
    x = jnp.array(result["inputs"]).reshape(-1, SIZES[0])
    y = jnp.array(result["labels"])
    loss, grad = jax.value_and_grad(loss_fn)(flat, x, y)
    swift_grad = jnp.array(result["gradient"])
    loss_error = abs(float(loss) - result["loss"])
    grad_error = float(jnp.max(jnp.abs(grad - swift_grad)))
    print(f"parameters: {flat.size}, batch: {x.shape[0]}")
    print(f"loss: nngen {result['loss']!r}, JAX {float(loss)!r}, |difference| {loss_error:.3e}")
    print(f"gradient: max |nngen - JAX| = {grad_error:.3e} (largest component {float(jnp.max(jnp.abs(grad))):.3e})")
    ok = loss_error < 1e-8 and grad_error < 1e-8
    print("agree to 1e-8" if ok else "DISAGREE")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
