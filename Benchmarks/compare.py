#!/usr/bin/env python3
"""compare.py - nngen side by side with numpy, PyTorch eager and JAX jit, in one run.

Times one training step (forward, loss, backward, SGD update) of the five workloads of
../shared/bench (xor, spiral, mnist-mlp, deep-tanh-svm, mnist-mlp inference at batch 1) in every
framework, one thread, pinned to one core, with the same method (frameworks.py, adapted from the
shared anchors.py; nngen-timing does the same in Swift). Also measures this machine's single-core
float32 peak (peak.c), nngen's generation time per spec and the `swift build -c release` time of
each emitted file, then prints one table: microseconds per step, nngen's speed-up over each
framework, and nngen's share of the peak.

    python3 Benchmarks/compare.py                # everything (installs numpy, torch, jax in Benchmarks/.venv)
    python3 Benchmarks/compare.py --quick        # shorter timing, no build times
    python3 Benchmarks/compare.py --frameworks numpy,jax

A framework that cannot be installed from PyPI is reported as such and left out of the table.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.path.join(HERE, ".venv")
WORKLOADS = ["xor", "spiral", "mnist-mlp", "deep-tanh-svm", "mnist-mlp-infer-b1"]
SPECS = {"xor": "xor", "spiral": "spiral", "mnist-mlp": "mnist_mlp", "deep-tanh-svm": "deep", "mnist-mlp-infer-b1": "mnist_infer"}
PACKAGES = {"numpy": ["numpy", "threadpoolctl"], "torch": ["torch"], "jax": ["jax", "jaxlib"]}
PINNED = ["taskset", "-c", "1"] if shutil.which("taskset") else []


def say(text):
    print(f"== {text}", flush=True)


def run(command, **kwargs):
    return subprocess.run(command, check=True, text=True, capture_output=True, **kwargs)


def python_with(frameworks):
    """The venv's python, with each framework installed if it can be; returns (python, available)."""
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        say(f"creating {VENV}")
        run([sys.executable, "-m", "venv", VENV])
    available = []
    for name in frameworks:
        # Import what frameworks.py uses (a half-removed package can still import by its folder name).
        check = {"numpy": "import numpy, threadpoolctl; numpy.asarray",
                 "torch": "import torch, threadpoolctl; torch.tensor",
                 "jax": "import jax, jax.numpy, jaxlib, threadpoolctl; jax.numpy.asarray"}[name]
        if subprocess.run([python, "-c", check], capture_output=True).returncode != 0:
            say(f"installing {' '.join(PACKAGES[name])} from PyPI (PyTorch's wheel is large: minutes)")
            result = subprocess.run([python, "-m", "pip", "install", "-q", "numpy", "threadpoolctl"] + PACKAGES[name],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                print(f"   {name} could not be installed; it is left out:\n{result.stderr[-800:]}")
                continue
        available.append(name)
    return python, available


def peak():
    """Single-core float32 FMA peak in GFLOP/s (peak.c, 256-bit FMAs on 12 chains)."""
    if not shutil.which("gcc"):
        return None
    binary = os.path.join(tempfile.mkdtemp(), "peak")
    run(["gcc", "-O3", "-march=native", "-o", binary, os.path.join(HERE, "peak.c")])
    output = run(PINNED + [binary]).stdout
    match = re.search(r"fp32 FMA ymm x12 chains\s+median\s+([0-9.]+) GFLOP/s", output)
    return float(match.group(1)) if match else None


def nngen_times(quick):
    say("building the benchmarks package (swift build -c release)")
    run(["swift", "build", "-c", "release", "--package-path", HERE, "--product", "nngen-timing"])
    binary = os.path.join(HERE, ".build", "release", "nngen-timing")
    args = ["--min-time", "0.2" if quick else "0.5", "--repeats", "5" if quick else "7"]
    say("timing nngen (pinned to one core)")
    results = {}
    for line in run(PINNED + [binary] + args).stdout.splitlines():
        record = json.loads(line)
        results[(record["workload"], record["api"])] = record
    say("timing nngen's generation of each spec")
    generation = {}
    for line in run([binary, "--generation"]).stdout.splitlines():
        record = json.loads(line)
        generation[record["workload"]] = record["median_ms"]
    return results, generation


def framework_times(python, framework, quick):
    say(f"timing {framework} (one thread, pinned to one core)")
    out = os.path.join(tempfile.mkdtemp(), f"{framework}.jsonl")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    command = PINNED + [python, os.path.join(HERE, "frameworks.py"), "--framework", framework, "--threads", "1",
                        "--min-time", "0.2" if quick else "0.5", "--repeats", "5" if quick else "7", "--out", out]
    subprocess.run(command, check=True, env=env, capture_output=True, text=True)
    results = {}
    with open(out) as f:
        for line in f:
            record = json.loads(line)
            if record["framework"] == framework:  # jax also reports a "jax-sync" variant
                results[record["workload"]] = record["median_us"]
    return results


def build_times():
    """Seconds of `swift build -c release` for a package holding only one emitted model."""
    say("timing `swift build -c release` of each emitted model")
    run(["swift", "build", "-c", "release", "--package-path", ROOT, "--product", "nngen"])
    nngen = os.path.join(ROOT, ".build", "release", "nngen")
    times = {}
    for workload, spec in SPECS.items():
        package = tempfile.mkdtemp()
        sources = os.path.join(package, "Sources", "Model")
        os.makedirs(sources)
        with open(os.path.join(package, "Package.swift"), "w") as f:
            f.write('// swift-tools-version: 6.1\nimport PackageDescription\n'
                    'let package = Package(name: "Model", targets: [.target(name: "Model")])\n')
        run([nngen, os.path.join(HERE, "Sources", "Workloads", f"{spec}.nngen.yaml"), "-o", sources])
        start = time.monotonic()
        run(["swift", "build", "-c", "release", "--package-path", package])
        times[workload] = time.monotonic() - start
        shutil.rmtree(package, ignore_errors=True)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frameworks", default="numpy,torch,jax")
    parser.add_argument("--quick", action="store_true", help="shorter timing runs and no build times")
    parser.add_argument("--json", default="", help="also write every number to this file")
    args = parser.parse_args()
    wanted = [f for f in args.frameworks.split(",") if f]

    python, frameworks = python_with(wanted)
    gflops_peak = peak()
    nngen, generation = nngen_times(args.quick)
    others = {f: framework_times(python, f, args.quick) for f in frameworks}
    builds = {} if args.quick else build_times()

    flops = {w: nngen[(w, "buffers")]["flops"] for w in WORKLOADS}
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print()
    print(f"Machine: {cpu}, {os.cpu_count()} cores; one thread pinned to one core. "
          f"Peak (peak.c, fp32 FMA): {gflops_peak:.1f} GFLOP/s." if gflops_peak else f"Machine: {cpu}")
    print()
    header = ["workload", "nngen µs (buffers)", "nngen µs (arrays)"] + [f"{f} µs" for f in frameworks] \
        + [f"× vs {f}" for f in frameworks] + ["% of peak", "generate ms"] + (["build s"] if builds else [])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for w in WORKLOADS:
        ours = nngen[(w, "buffers")]["median_us"]
        row = [w, f"{ours:.2f}", f"{nngen[(w, 'arrays')]['median_us']:.2f}"]
        row += [f"{others[f][w]:.2f}" if w in others[f] else "–" for f in frameworks]
        row += [f"{others[f][w] / ours:.1f}×" if w in others[f] else "–" for f in frameworks]
        share = flops[w] / (ours * 1e-6) / 1e9 / gflops_peak * 100 if gflops_peak else None
        row += [f"{share:.0f}%" if share is not None else "–", f"{generation[w]:.2f}"]
        if builds:
            row.append(f"{builds[w]:.1f}")
        print("| " + " | ".join(row) + " |")
    missing = [f for f in wanted if f not in frameworks]
    if missing:
        print(f"\nNot measured (could not be installed): {', '.join(missing)}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(peak=gflops_peak, nngen={f"{w}/{a}": r for (w, a), r in nngen.items()},
                           generation_ms=generation, frameworks=others, build_s=builds), f, indent=1)


if __name__ == "__main__":
    main()
