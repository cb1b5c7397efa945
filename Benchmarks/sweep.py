#!/usr/bin/env python3
"""sweep.py - the benchmark sweep: fully connected networks nobody tuned nngen for.

One list (SWEEP, below) is the source of every sweep workload. frameworks.py imports it to build
the numpy, PyTorch and JAX versions; this script writes the nngen side from it: one spec per
workload in Sources/Workloads/Sweep/ and the Swift list that registers them
(Sources/Workloads/SweepWorkloads.swift). compare.py runs `--check` first, so the two sides cannot
drift apart.

    python3 Benchmarks/sweep.py           # rewrite the specs and the Swift list
    python3 Benchmarks/sweep.py --check   # exit 1 if they are not what SWEEP says

The grid covers what users build: inputs 2-1,024, hidden widths 16-2,048, 1-4 hidden layers,
batch 1-512, 2-100 classes, every activation of the spec language (and maxout layers), every loss,
Float and Double; and three single products with every dimension >= 256 (peak share). Training uses
plain SGD, as the five original workloads do.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPECS = os.path.join(HERE, "Sources", "Workloads", "Sweep")
SWIFT = os.path.join(HERE, "Sources", "Workloads", "SweepWorkloads.swift")

LOSS_WORDS = {"softmax": "ce", "svm": "svm", "mse": "mse"}
ACT_WORDS = {"identity": "id", "sigmoid": "sigm", "tanh": "tanh", "relu": "relu", "leaky_relu": "lrelu",
             "elu": "elu", "softplus": "softplus", "silu": "silu", "gelu": "gelu", "maxout": "maxout"}


def workload(inputs, hidden, outputs, act, loss, batch, dtype="float32", reg=0.0, lr=0.01, pieces=2):
    """A sweep workload in frameworks.py's format. `act` is the hidden layers' activation, or
    "maxout" for maxout hidden layers of `pieces` pieces. `loss` None: inference only."""
    sizes = [inputs] + hidden + [outputs]
    kind = "infer" if loss is None else LOSS_WORDS[loss]
    name = "x".join(map(str, sizes)) + f"-{ACT_WORDS[act]}-{kind}-b{batch}" + ("-f64" if dtype == "float64" else "")
    return name, dict(sizes=sizes, act=act, loss=loss, batch=batch, reg=reg, lr=lr, dtype=dtype,
                      pieces=pieces if act == "maxout" else 1)


SWEEP = dict([
    # -- training: small networks, where overheads and register tiles matter
    workload(2, [16], 2, "relu", "softmax", 1),
    workload(2, [16], 2, "sigmoid", "mse", 4),
    workload(10, [16], 2, "relu", "softmax", 1, dtype="float64"),
    workload(16, [16, 16], 2, "relu", "softmax", 4, dtype="float64"),
    workload(4, [32], 3, "tanh", "svm", 16),
    workload(8, [128], 3, "identity", "softmax", 64),
    workload(8, [64], 5, "leaky_relu", "softmax", 128),
    workload(16, [128], 8, "elu", "softmax", 64),
    workload(13, [32], 1, "tanh", "mse", 32, dtype="float64"),
    workload(32, [64, 64, 64], 1, "sigmoid", "mse", 64),
    # -- training: 2-D points at spiral-like sizes with other class counts and activations
    workload(2, [100], 10, "relu", "softmax", 300, reg=1e-3, lr=1.0),
    workload(2, [64, 64], 10, "relu", "softmax", 300),
    workload(2, [50], 3, "elu", "softmax", 300, reg=1e-3, lr=1.0),
    workload(3, [32, 32, 32, 32], 4, "leaky_relu", "svm", 512),
    # -- training: mid-size networks
    workload(32, [256], 10, "softplus", "svm", 64, dtype="float64"),
    workload(64, [128, 64], 10, "silu", "softmax", 32),
    workload(64, [256], 10, "gelu", "softmax", 128),
    workload(50, [200], 25, "silu", "svm", 200),
    workload(128, [64], 2, "softplus", "softmax", 512),
    workload(100, [64], 10, "maxout", "softmax", 64),
    workload(64, [128, 64], 10, "maxout", "svm", 128, dtype="float64", pieces=3),
    workload(128, [512], 100, "relu", "softmax", 256),
    workload(300, [300, 100], 20, "tanh", "softmax", 50, dtype="float64"),
    # -- training: wide layers, where cache blocking and packing matter
    workload(784, [256, 128], 10, "relu", "softmax", 128),
    workload(784, [1024, 1024], 10, "relu", "softmax", 256),
    workload(784, [512], 10, "gelu", "softmax", 64, dtype="float64"),
    workload(256, [256, 256, 256, 256], 10, "tanh", "softmax", 256),
    workload(512, [512, 512], 256, "relu", "mse", 512),
    workload(256, [1024, 256], 50, "relu", "mse", 128),
    workload(1024, [2048], 100, "relu", "softmax", 512),
    workload(20, [2048], 2, "relu", "softmax", 16),
    workload(1024, [16], 100, "relu", "softmax", 32),
    # -- inference
    workload(784, [128], 10, "relu", None, 256),
    workload(784, [256, 128], 10, "relu", None, 1),
    workload(1024, [2048], 100, "relu", None, 1),
    workload(64, [128, 64], 10, "silu", None, 1, dtype="float64"),
    workload(32, [256], 10, "gelu", None, 1),
    workload(256, [256, 256, 256, 256], 10, "tanh", None, 64),
    workload(2, [100], 3, "relu", None, 1),
    # -- one product each (plus the bias): the share of the peak of products with m, k, n >= 256
    workload(256, [], 256, "identity", None, 256),
    workload(512, [], 512, "identity", None, 512),
    workload(1024, [], 1024, "identity", None, 256),
])


def layer_shapes(cfg):
    """(inputs, outputs) of each layer's product: a maxout layer computes `pieces` maps."""
    sizes = cfg["sizes"]
    widths = [b * (cfg["pieces"] if i < len(sizes) - 2 else 1) for i, b in enumerate(sizes[1:])]
    return list(zip(sizes[:-1], widths))


def product_flops(cfg):
    """2·MACs of the forward products of one batch."""
    return [2 * cfg["batch"] * a * w for a, w in layer_shapes(cfg)]


def flops_required(cfg):
    """Matrix-product FLOPs a step needs: forward + dW of every layer + dX of every layer but the
    first (no gradient with respect to the input); inference: the forward products."""
    layers = product_flops(cfg)
    if cfg["loss"] is None:
        return sum(layers)
    return 2 * sum(layers) + sum(layers[1:])


def type_name(index, cfg):
    return f"Sweep{'Infer' if cfg['loss'] is None else 'Train'}{index:02d}"


def spec_text(name, index, cfg):
    """The nngen spec of a sweep workload."""
    sizes, act = cfg["sizes"], cfg["act"]
    lines = [f"# Sweep workload \"{name}\" (written by Benchmarks/sweep.py; edit SWEEP there).",
             "nngen: 1", f"name: {type_name(index, cfg)}",
             f"scalar: {'Double' if cfg['dtype'] == 'float64' else 'Float'}",
             f"batch: {cfg['batch']}", f"input: {sizes[0]}", "layers:"]
    for units in sizes[1:-1]:
        if act == "maxout":
            lines.append(f"  - {{ maxout: {units}, pieces: {cfg['pieces']} }}")
        else:
            lines.append(f"  - {{ dense: {units}, activation: {act} }}")
    lines.append(f"  - dense: {sizes[-1]}")
    if cfg["loss"] is not None:
        lines.append("loss: " + {"softmax": "softmax_cross_entropy", "svm": "{ hinge: { margin: 1 } }",
                                 "mse": "mean_squared_error"}[cfg["loss"]])
        if cfg["reg"]:
            # frameworks.py adds ½·reg·ΣW²; nngen's l2: λ adds λ·ΣW².
            lines.append(f"regularization: {{ l2: {cfg['reg'] / 2!r} }}")
        lines.append(f"optimizer:\n  sgd: {{ learning_rate: {cfg['lr']!r} }}")
    lines.append("init: { seed: 42 }")
    return "\n".join(lines) + "\n"


def swift_text():
    """SweepWorkloads.swift: every sweep workload with its runner."""
    entries, conformances = [], []
    for index, (name, cfg) in enumerate(SWEEP.items(), start=1):
        model = type_name(index, cfg)
        spec = f"Sweep/{name}.nngen.yaml"
        inputs, outputs, batch = cfg["sizes"][0], cfg["sizes"][-1], cfg["batch"]
        data = f"BenchmarkData.normal(examples: {batch}, features: {inputs}, classes: {outputs}, seed: {index})"
        if cfg["loss"] is None:
            runner, protocol = f"inferenceRunner({model}(), {data})", "InferenceBenchModel"
        elif cfg["loss"] == "mse":
            runner, protocol = f"regressionRunner({model}(), {data})", "RegressionBenchModel"
        else:
            runner, protocol = f"trainingRunner({model}(), {data})", "TrainableBenchModel"
        entries.append(f"        Workload(name: \"{name}\", spec: \"{spec}\", requiredFLOPs: {flops_required(cfg)},\n"
                       f"                 makeRunner: {{ {runner} }}),")
        conformances.append(f"extension {model}: {protocol} {{ static func makeWorkspace() -> Workspace {{ Workspace() }} }}")
    return ("// Written by Benchmarks/sweep.py from its SWEEP list; do not edit (run the script instead).\n\n"
            "extension Workload {\n"
            "    /// The sweep: networks of every shape, activation, loss and scalar type (Benchmarks/sweep.py).\n"
            "    public static let sweep: [Workload] = [\n" + "\n".join(entries) + "\n    ]\n}\n\n"
            + "\n".join(conformances) + "\n")


def expected_files():
    files = {os.path.join(SPECS, f"{name}.nngen.yaml"): spec_text(name, index, cfg)
             for index, (name, cfg) in enumerate(SWEEP.items(), start=1)}
    files[SWIFT] = swift_text()
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if the written files differ from SWEEP")
    args = parser.parse_args()
    files = expected_files()
    present = {os.path.join(SPECS, f) for f in os.listdir(SPECS)} if os.path.isdir(SPECS) else set()
    stale = sorted(present - set(files))
    if args.check:
        wrong = [p for p, text in files.items() if not os.path.exists(p) or open(p).read() != text]
        if wrong or stale:
            print("sweep files out of date (run python3 Benchmarks/sweep.py):", *(wrong + stale), sep="\n  ")
            sys.exit(1)
        print(f"sweep: {len(SWEEP)} workloads, files current")
        return
    os.makedirs(SPECS, exist_ok=True)
    for path in stale:
        os.remove(path)
    for path, text in files.items():
        with open(path, "w") as f:
            f.write(text)
    print(f"sweep: wrote {len(SWEEP)} specs and {os.path.relpath(SWIFT, HERE)}")


if __name__ == "__main__":
    main()
