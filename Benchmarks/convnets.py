"""convnets.py - the convolutional workloads of Benchmarks/compare.py, in numpy, PyTorch and JAX.

lenet-b64: a LeNet-style network on MNIST-shaped images ([1, 28, 28] → conv 5×5, 6 filters, relu
→ max pool 2 → conv 5×5, 16 filters, relu → max pool 2 → 120 relu → 84 relu → 10), one SGD step
(softmax cross-entropy, learning rate 0.01) on a batch of 64, float32. lenet-infer-b1: its forward
pass for one image. Both are the specs Sources/Workloads/lenet*.nngen.yaml, and frameworks.py
times them as it times every workload (one framework per process, the same timer).

  numpy   im2col (sliding_window_view, then one matrix product per convolution), max pooling by
          reshaping, hand-written backprop (col2im by slice additions, one per kernel offset)
  torch   nn.Sequential of Conv2d, ReLU, MaxPool2d, Flatten, Linear + F.cross_entropy + SGD
  jax     jax.jit of the whole step: lax.conv_general_dilated and lax.reduce_window

Parameters are shared by all three: conv W [filters][channels][kh][kw] (PyTorch's layout), dense
W [fan_in][units], He-scaled normal, biases 0.
"""
import math

import numpy as np

LENET = [("conv", 6, 5), ("pool", 2), ("conv", 16, 5), ("pool", 2), ("dense", 120), ("dense", 84), ("dense", 10)]
CONV = {
    "lenet-b64": dict(input=(1, 28, 28), layers=LENET, batch=64, loss="softmax", lr=0.01, dtype="float32", reg=0.0),
    "lenet-infer-b1": dict(input=(1, 28, 28), layers=LENET, batch=1, loss=None, lr=0.0, dtype="float32", reg=0.0),
}


def products(cfg):
    """(rows per example, depth, outputs) of each layer's product: a convolution's rows are its
    output positions (im2col), a dense layer's the one example."""
    c, h, w = cfg["input"]
    out = []
    for layer in cfg["layers"]:
        if layer[0] == "conv":
            f, k = layer[1], layer[2]
            h, w = h - k + 1, w - k + 1
            out.append((h * w, c * k * k, f))
            c = f
        elif layer[0] == "pool":
            h, w = h // layer[1], w // layer[1]
        else:
            out.append((1, c * h * w, layer[1]))
            c, h, w = layer[1], 1, 1
    return out


def flops(name):
    """2·MACs of the forward products; a training step counts forward, dW and dX (× 3)."""
    cfg = CONV[name]
    forward = sum(2 * cfg["batch"] * r * k * n for r, k, n in products(cfg))
    return forward if cfg["loss"] is None else 3 * forward


def flops_required(name):
    """Forward, dW of every layer, dX of every layer but the first (nngen-timing's count)."""
    cfg = CONV[name]
    forward = [2 * cfg["batch"] * r * k * n for r, k, n in products(cfg)]
    return sum(forward) if cfg["loss"] is None else 2 * sum(forward) + sum(forward[1:])


def make_data(name):
    cfg = CONV[name]
    rng = np.random.default_rng(5)
    X = rng.random((cfg["batch"],) + cfg["input"], dtype=np.float32)
    y = rng.integers(0, 10, cfg["batch"]).astype(np.int64)
    return X, y


def make_params(name):
    """[W1, b1, W2, b2, ...]: conv W [F][C][k][k], dense W [fan_in][units], He-scaled normal."""
    cfg = CONV[name]
    rs = np.random.RandomState(42)
    c, h, w = cfg["input"]
    params = []
    for layer in cfg["layers"]:
        if layer[0] == "pool":
            h, w = h // layer[1], w // layer[1]
            continue
        if layer[0] == "conv":
            f, k = layer[1], layer[2]
            W = rs.randn(f, c, k, k) * math.sqrt(2.0 / (c * k * k))
            c, h, w = f, h - k + 1, w - k + 1
        else:
            W = rs.randn(c * h * w, layer[1]) * math.sqrt(2.0 / (c * h * w))
            c, h, w = layer[1], 1, 1
        params += [W.astype(np.float32), np.zeros(W.shape[0] if layer[0] == "conv" else W.shape[1], dtype=np.float32)]
    return params


# --------------------------------------------------------------------------
# numpy: im2col and hand-written backprop, NHWC inside as nngen
# --------------------------------------------------------------------------
def numpy_impl(name, threads):
    from numpy.lib.stride_tricks import sliding_window_view

    if threads != "default":
        from threadpoolctl import threadpool_limits
        threadpool_limits(int(threads))
    cfg = CONV[name]
    X, y = make_data(name)
    params = make_params(name)
    W1, b1, W2, b2, W3, b3, W4, b4, W5, b5 = params
    N = X.shape[0]
    ar = np.arange(N)
    lr = cfg["lr"]
    x_nhwc = np.ascontiguousarray(X.transpose(0, 2, 3, 1))

    def im2col(h, k):
        """[N, H, W, C] → ([N·OH·OW, C·k·k] with columns in (c, ky, kx) order, OH, OW)."""
        windows = sliding_window_view(h, (k, k), axis=(1, 2))  # [N, OH, OW, C, k, k]
        n, oh, ow = windows.shape[:3]
        return windows.reshape(n * oh * ow, -1), oh, ow

    def col2im(dcols, shape, k):
        """The adjoint of im2col: each window's gradient added back where it was read."""
        n, hh, ww, c = shape
        oh, ow = hh - k + 1, ww - k + 1
        d = dcols.reshape(n, oh, ow, c, k, k)
        dx = np.zeros(shape, dtype=dcols.dtype)
        for ky in range(k):
            for kx in range(k):
                dx[:, ky:ky + oh, kx:kx + ow, :] += d[:, :, :, :, ky, kx]
        return dx

    def pool(h):
        """2×2 max pooling of [N, H, W, C], and the mask of the maxima for the backward pass."""
        n, hh, ww, c = h.shape
        blocks = h.reshape(n, hh // 2, 2, ww // 2, 2, c)
        pooled = blocks.max(axis=(2, 4))
        mask = blocks == pooled[:, :, None, :, None, :]
        return pooled, mask

    def unpool(dpooled, mask):
        n, oh, _, ow, _, c = mask.shape
        return (mask * dpooled[:, :, None, :, None, :]).reshape(n, oh * 2, ow * 2, c)

    def forward():
        cols1, oh1, ow1 = im2col(x_nhwc, 5)
        z1 = cols1 @ W1.reshape(6, -1).T + b1
        h1 = np.maximum(z1, 0).reshape(N, oh1, ow1, 6)
        p1, m1 = pool(h1)
        cols2, oh2, ow2 = im2col(p1, 5)
        z2 = cols2 @ W2.reshape(16, -1).T + b2
        h2 = np.maximum(z2, 0).reshape(N, oh2, ow2, 16)
        p2, m2 = pool(h2)
        flat = np.ascontiguousarray(p2.transpose(0, 3, 1, 2)).reshape(N, -1)  # NCHW order
        h3 = np.maximum(flat @ W3 + b3, 0)
        h4 = np.maximum(h3 @ W4 + b4, 0)
        scores = h4 @ W5 + b5
        return (cols1, h1, m1, p1, cols2, h2, m2, flat, h3, h4), scores

    def step():
        (cols1, h1, m1, p1, cols2, h2, m2, flat, h3, h4), scores = forward()
        shifted = scores - scores.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        probs = e / e.sum(axis=1, keepdims=True)
        loss = -np.log(probs[ar, y]).mean()
        d = probs
        d[ar, y] -= 1
        d /= N
        dW5, db5 = h4.T @ d, d.sum(axis=0)
        d = d @ W5.T
        d[h4 <= 0] = 0
        dW4, db4 = h3.T @ d, d.sum(axis=0)
        d = d @ W4.T
        d[h3 <= 0] = 0
        dW3, db3 = flat.T @ d, d.sum(axis=0)
        d = (d @ W3.T).reshape(N, 16, 4, 4).transpose(0, 2, 3, 1)
        d = unpool(d, m2).reshape(-1, 16)
        d[h2.reshape(-1, 16) <= 0] = 0
        dW2, db2 = (d.T @ cols2).reshape(W2.shape), d.sum(axis=0)
        d = col2im(d @ W2.reshape(16, -1), p1.shape, 5)
        d = unpool(d, m1).reshape(-1, 6)
        d[h1.reshape(-1, 6) <= 0] = 0
        dW1, db1 = (d.T @ cols1).reshape(W1.shape), d.sum(axis=0)
        for p, g in zip(params, (dW1, db1, dW2, db2, dW3, db3, dW4, db4, dW5, db5)):
            p -= lr * g
        return loss

    def infer():
        return forward()[1]

    def last_loss():
        scores = forward()[1].astype(np.float64)
        if cfg["loss"] is None:
            return float(scores.sum())
        s = scores - scores.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(s).sum(axis=1)) - s[ar, y]))

    return dict(step=step, infer=infer, sync=lambda: None, get_params=lambda: [p.copy() for p in params], loss=last_loss)


# --------------------------------------------------------------------------
# PyTorch eager
# --------------------------------------------------------------------------
def torch_impl(name, threads):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    if threads != "default":
        torch.set_num_threads(int(threads))
    cfg = CONV[name]
    Xn, yn = make_data(name)
    X, y = torch.from_numpy(Xn), torch.from_numpy(yn)
    init = make_params(name)
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    modules = [model[0], model[3], model[7], model[9], model[11]]
    with torch.no_grad():
        for i, m in enumerate(modules):
            W, b = init[2 * i], init[2 * i + 1]
            m.weight.copy_(torch.from_numpy(W if W.ndim == 4 else W.T.copy()))
            m.bias.copy_(torch.from_numpy(b))
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        opt.step()
        return loss

    def get_params():
        out = []
        for m in modules:
            W = m.weight.detach().numpy()
            out += [W.copy() if W.ndim == 4 else W.T.copy(), m.bias.detach().numpy().copy()]
        return out

    def last_loss():
        with torch.no_grad():
            return float(model(X).sum() if cfg["loss"] is None else F.cross_entropy(model(X), y))

    return dict(step=step, infer=lambda: model(X), sync=lambda: None, get_params=get_params, loss=last_loss,
                infer_ctx=torch.inference_mode)


# --------------------------------------------------------------------------
# JAX, jit of the whole step
# --------------------------------------------------------------------------
def jax_impl(name, threads):
    import jax
    import jax.numpy as jnp
    from jax import lax

    cfg = CONV[name]
    Xn, yn = make_data(name)
    X, y = jnp.asarray(Xn), jnp.asarray(yn.astype(np.int32))
    params = [jnp.asarray(p) for p in make_params(name)]
    lr = cfg["lr"]

    def conv(h, W, b):
        out = lax.conv_general_dilated(h, W, (1, 1), "VALID", dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return out + b[None, :, None, None]

    def pool(h):
        return lax.reduce_window(h, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

    def forward(p, x):
        W1, b1, W2, b2, W3, b3, W4, b4, W5, b5 = p
        h = pool(jax.nn.relu(conv(x, W1, b1)))
        h = pool(jax.nn.relu(conv(h, W2, b2)))
        h = h.reshape(h.shape[0], -1)
        h = jax.nn.relu(h @ W3 + b3)
        h = jax.nn.relu(h @ W4 + b4)
        return h @ W5 + b5

    def loss_fn(p, x, labels):
        s = forward(p, x)
        return jnp.mean(jax.nn.logsumexp(s, axis=1) - jnp.take_along_axis(s, labels[:, None], axis=1)[:, 0])

    @jax.jit
    def jstep(p, x, labels):
        loss, grads = jax.value_and_grad(loss_fn)(p, x, labels)
        return [a - lr * g for a, g in zip(p, grads)], loss

    jinfer = jax.jit(forward)
    state = {"p": params, "loss": None}

    def step():
        state["p"], state["loss"] = jstep(state["p"], X, y)
        return state["loss"]

    def step_sync():
        loss = step()
        loss.block_until_ready()
        return loss

    def infer():
        return jinfer(state["p"], X).block_until_ready()

    def sync():
        if state["loss"] is not None:
            state["loss"].block_until_ready()

    def last_loss():
        return float(forward(state["p"], X).sum() if cfg["loss"] is None else loss_fn(state["p"], X, y))

    return dict(step=step, step_sync=step_sync, infer=infer, sync=sync,
                get_params=lambda: [np.asarray(a) for a in state["p"]], loss=last_loss)
