#!/usr/bin/env python3
"""compare.py - nngen side by side with numpy, PyTorch eager and JAX jit, in one run.

Times one training step (forward, loss, backward, SGD update) of every workload in every
framework, one thread, pinned to one core, with the same method (frameworks.py, adapted from the
shared anchors.py; nngen-timing does the same in Swift). The workloads are the five of
../shared/bench (xor, spiral, mnist-mlp, deep-tanh-svm, mnist-mlp inference at batch 1), the
sweep of sweep.py (networks of every shape, activation, loss and scalar type), and the
convolutional workloads of convnets.py (LeNet training at batch 64, its inference at batch 1;
their build time is reported too). Also measures this
machine's single-core float32 peak (peak.c), nngen's generation time per spec, the
`swift build -c release` time of each of the five's emitted files and of the largest sweep
workload's, and with --default-flags nngen built with no flags at all (what a build-plugin user
gets). Prints the tables and a summary: geometric-mean speed-up over each framework, worst case,
share of the peak; and batch-1 inference against the time to read the weights once from L2, at
the single-core L2 read bandwidth l2read.c measures. The workloads are timed in groups (--group,
6 by default): every implementation on one group before the next group, so that the core's clock,
which drifts on a shared VM, is about the same for all of them; the clock before each group is
reported. Every timed process runs with glibc's malloc keeping the memory it frees (ALLOCATOR),
so that a step's temporaries cost the same whichever workloads ran before it in the process.

    python3 Benchmarks/compare.py                  # everything (installs numpy, torch, jax in Benchmarks/.venv)
    python3 Benchmarks/compare.py --default-flags  # and nngen without -target-cpu native
    python3 Benchmarks/compare.py --quick          # shorter timing, no build times
    python3 Benchmarks/compare.py --workloads five --frameworks numpy,jax

A framework that cannot be installed from PyPI is reported as such and left out of the table.
"""
import argparse
import json
import math
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
FIVE = ["xor", "spiral", "mnist-mlp", "deep-tanh-svm", "mnist-mlp-infer-b1"]
SPECS = {"xor": "xor", "spiral": "spiral", "mnist-mlp": "mnist_mlp", "deep-tanh-svm": "deep", "mnist-mlp-infer-b1": "mnist_infer"}
sys.path.insert(0, HERE)
import sweep  # noqa: E402
import frameworks as configs  # noqa: E402  (each workload's configuration)
SWEEP = list(sweep.SWEEP)
CONV = list(configs.CONV)
# The largest sweep workload by step FLOPs: its emitted code's build time is reported too.
LARGEST = max(SWEEP, key=lambda name: sweep.flops_required(sweep.SWEEP[name]))
SPECS[LARGEST] = f"Sweep/{LARGEST}"
SPECS.update({"lenet-b64": "lenet", "lenet-infer-b1": "lenet_infer"})
PACKAGES = {"numpy": ["numpy", "threadpoolctl"], "torch": ["torch"], "jax": ["jax", "jaxlib"]}
PINNED = ["taskset", "-c", "1"] if shutil.which("taskset") else []
# glibc's malloc, told to keep freed memory: by default it returns the top of the heap to the
# system once more than a threshold is free, and raises that threshold (up to 32 MiB) only after
# freeing a larger block. A framework step that allocates and frees temporaries then page-faults
# them in again at every step, or not, depending on what ran before it in the process: numpy's
# 784x512x10-gelu-ce-b64-f64 step took 9,419 µs alone and 5,481 µs after 784x1024x1024x10. With
# these settings it takes 5,336-5,422 µs either way. Every timed process (nngen's too) gets them.
ALLOCATOR = {"MALLOC_TRIM_THRESHOLD_": str(1 << 30), "MALLOC_MMAP_THRESHOLD_": str(32 << 20)}


def say(text):
    print(f"== {text}", flush=True)


def run(command, **kwargs):
    result = subprocess.run(command, text=True, capture_output=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result


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


def peak_binary():
    """peak.c compiled, or None without gcc."""
    if not shutil.which("gcc"):
        return None
    binary = os.path.join(tempfile.mkdtemp(), "peak")
    run(["gcc", "-O3", "-march=native", "-o", binary, os.path.join(HERE, "peak.c")])
    return binary


def peak(binary):
    """Single-core float32 FMA peak in GFLOP/s (peak.c, 256-bit FMAs on 12 chains)."""
    if not binary:
        return None
    output = run(PINNED + [binary]).stdout
    match = re.search(r"fp32 FMA ymm x12 chains\s+median\s+([0-9.]+) GFLOP/s", output)
    return float(match.group(1)) if match else None


def clock(binary):
    """The pinned core's clock in GHz (peak.c's chain of dependent integer adds), or None."""
    if not binary:
        return None
    match = re.search(r"clock \(dep\. int add chain\)\s+median\s+([0-9.]+) GHz", run(PINNED + [binary, "clock"]).stdout)
    return float(match.group(1)) if match else None


def l2_bandwidth():
    """Single-core read bandwidth from L2 in GB/s (l2read.c, median of 9 runs), or None."""
    if not shutil.which("gcc"):
        return None
    binary = os.path.join(tempfile.mkdtemp(), "l2read")
    run(["gcc", "-O3", "-march=native", "-o", binary, os.path.join(HERE, "l2read.c")])
    match = re.search(r"median\s+([0-9.]+) GB/s", run(PINNED + [binary]).stdout)
    return float(match.group(1)) if match else None


def weight_bytes(name):
    """Bytes of a network's weights and biases (what inference reads once per example)."""
    cfg = configs.config(name)
    count = sum(a * w + w for a, w in sweep.layer_shapes(cfg))
    return count * (8 if cfg["dtype"] == "float64" else 4)


def print_inference_bound(workloads, nngen, others, gigabytes_per_second):
    """Batch-1 inference against reading the weights once from L2 at the measured bandwidth."""
    rows = [w for w in workloads if configs.is_infer(w) and configs.config(w)["batch"] == 1 and w not in CONV]
    if not rows or not gigabytes_per_second:
        return {}
    print(f"\nBatch-1 inference against reading the weights once from L2 ({gigabytes_per_second:.1f} GB/s, l2read.c)\n")
    print("| workload | weights | L2 bound µs | nngen µs | × bound | numpy µs | × vs numpy |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    result = {}
    for w in rows:
        size = weight_bytes(w)
        bound = size / (gigabytes_per_second * 1e3)
        ours = nngen[(w, "buffers")]["median_us"]
        numpy_us = others.get("numpy", {}).get(w)
        result[w] = dict(weight_bytes=size, bound_us=bound, times_bound=ours / bound)
        print(f"| {w} | {size / 1024:.0f} KiB | {bound:.2f} | {ours:.2f} | {ours / bound:.2f}× | "
              + (f"{numpy_us:.2f} | {numpy_us / ours:.2f}× |" if numpy_us else "– | – |"))
    return result


def timing_binary(flags):
    """Builds nngen-timing with native flags (.build) or none at all (.build-default)."""
    say(f"building the benchmarks package with {flags} flags (swift build -c release)")
    build = os.path.join(HERE, ".build" if flags == "native" else ".build-default")
    env = dict(os.environ, NNGEN_BENCH_FLAGS=flags)
    run(["swift", "build", "-c", "release", "--package-path", HERE, "--build-path", build,
         "--product", "nngen-timing"], env=env)
    return os.path.join(build, "release", "nngen-timing")


def nngen_times(binary, workloads, quick):
    """{(workload, api): record}; the array API is timed for the five only."""
    args = ["--min-time", "0.2" if quick else "0.5", "--repeats", "5" if quick else "7"]
    results = {}
    for names, apis in (([w for w in workloads if w in FIVE], "buffers,arrays"), ([w for w in workloads if w not in FIVE], "buffers")):
        if names:
            for line in run(PINNED + [binary, "--workloads", ",".join(names), "--apis", apis] + args,
                            env=dict(os.environ, **ALLOCATOR)).stdout.splitlines():
                record = json.loads(line)
                results[(record["workload"], record["api"])] = record
    return results


def time_in_groups(native, default_binary, python, frameworks, workloads, quick, size, peak_program):
    """Times every implementation on `size` workloads, then on the next ones, and so on.

    The core's clock drifts on this shared VM (3.2 to 3.4 GHz within an hour of one session):
    timing nngen on every workload and then each framework on every workload, minutes apart,
    turned a few percent of drift into a few percent of "speed-up" either way. A group of the
    full run takes 3-5 minutes for all implementations together, and the order alternates from
    one group to the next (nngen first, then last), so a steady drift favours nobody.
    Returns nngen's records, the default-flags records, {framework: {workload: µs}}, and the
    clock measured before each group."""
    nngen, default, others, clocks = {}, {}, {f: {} for f in frameworks}, []
    groups = [workloads[i:i + size] for i in range(0, len(workloads), size)]
    for index, group in enumerate(groups):
        say(f"group {index + 1} of {len(groups)}: {', '.join(group)}")
        measured = clock(peak_program)
        if measured:
            clocks.append(measured)
        steps = [("nngen, native flags", lambda: nngen.update(nngen_times(native, group, quick)))]
        if default_binary:
            steps.append(("nngen, default flags", lambda: default.update(nngen_times(default_binary, group, quick))))
        steps += [(f, lambda f=f: others[f].update(framework_times(python, f, group, quick))) for f in frameworks]
        for label, step in (steps if index % 2 == 0 else list(reversed(steps))):
            say(f"  timing {label} (one thread, pinned to one core)")
            step()
    return nngen, default, others, clocks


def generation_times(binary, workloads):
    say("timing nngen's generation of each spec")
    generation = {}
    for line in run([binary, "--generation", "--workloads", ",".join(workloads), "--min-time", "0.2", "--repeats", "5"]).stdout.splitlines():
        record = json.loads(line)
        generation[record["workload"]] = record["median_ms"]
    return generation


def framework_times(python, framework, workloads, quick):
    """{workload: median µs} of one framework, one thread, pinned."""
    out = os.path.join(tempfile.mkdtemp(), f"{framework}.jsonl")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", **ALLOCATOR)
    command = PINNED + [python, os.path.join(HERE, "frameworks.py"), "--framework", framework, "--threads", "1",
                        "--workloads", ",".join(workloads),
                        "--min-time", "0.2" if quick else "0.5", "--repeats", "5" if quick else "7", "--out", out]
    subprocess.run(command, check=True, env=env, capture_output=True, text=True)
    results = {}
    with open(out) as f:
        for line in f:
            record = json.loads(line)
            if record["framework"] == framework:  # jax also reports a "jax-sync" variant
                results[record["workload"]] = record["median_us"]
    return results


def build_times(workloads):
    """Seconds of `swift build -c release` for a package holding only one emitted model."""
    say("timing `swift build -c release` of each emitted model")
    run(["swift", "build", "-c", "release", "--package-path", ROOT, "--product", "nngen"])
    nngen = os.path.join(ROOT, ".build", "release", "nngen")
    times = {}
    for workload, spec in SPECS.items():
        if workload not in workloads:
            continue
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


def geometric_mean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def print_table(workloads, nngen, default, others, frameworks, flops, gflops_peak, generation, builds):
    """One markdown table: µs per step, speed-ups, share of the peak, flags, generation, build."""
    five = all(w in FIVE for w in workloads)
    header = ["workload", "nngen µs" + (" (buffers)" if five else "")] + (["nngen µs (arrays)"] if five else []) \
        + [f"{f} µs" for f in frameworks] + [f"× vs {f}" for f in frameworks] + ["% of peak"] \
        + (["default flags µs", "default / native"] if default else []) + ["generate ms"] \
        + (["build s"] if any(w in builds for w in workloads) else [])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for w in workloads:
        ours = nngen[(w, "buffers")]["median_us"]
        row = [w, f"{ours:.2f}"] + ([f"{nngen[(w, 'arrays')]['median_us']:.2f}"] if five else [])
        row += [f"{others[f][w]:.2f}" if w in others[f] else "–" for f in frameworks]
        row += [f"{others[f][w] / ours:.2f}×" if w in others[f] else "–" for f in frameworks]
        share = flops[w] / (ours * 1e-6) / 1e9 / gflops_peak * 100 if gflops_peak else None
        row.append(f"{share:.0f}%" if share is not None else "–")
        if default:
            theirs = default[(w, "buffers")]["median_us"]
            row += [f"{theirs:.2f}", f"{theirs / ours:.2f}×"]
        row.append(f"{generation[w]:.2f}")
        if "build s" in header:
            row.append(f"{builds[w]:.1f}" if w in builds else "–")
        print("| " + " | ".join(row) + " |")


def summarize(workloads, nngen, default, others, frameworks, flops, gflops_peak):
    """Geometric-mean speed-up over each framework, the worst case, and the share of the peak."""
    summary = {}
    for f in frameworks:
        ratios = {w: others[f][w] / nngen[(w, "buffers")]["median_us"] for w in workloads if w in others[f]}
        if not ratios:
            continue
        worst = min(ratios, key=ratios.get)
        behind = sorted(w for w, r in ratios.items() if r < 1)
        summary[f] = dict(geometric_mean=geometric_mean(list(ratios.values())), worst=worst,
                          worst_ratio=ratios[worst], behind=behind)
        print(f"- vs {f}: geometric mean {summary[f]['geometric_mean']:.2f}× over {len(ratios)} workloads; "
              f"worst {ratios[worst]:.2f}× ({worst}); behind on {len(behind)}" + (f": {', '.join(behind)}" if behind else ""))
    if gflops_peak:
        shares = sorted((flops[w] / nngen[(w, "buffers")]["median_us"] / 1e3 / gflops_peak * 100, w) for w in workloads)
        summary["peak_share"] = dict(median=shares[len(shares) // 2][0], max=shares[-1][0], max_workload=shares[-1][1])
        print(f"- share of the peak ({gflops_peak:.1f} GFLOP/s): median {shares[len(shares) // 2][0]:.0f}%, "
              f"highest {shares[-1][0]:.0f}% ({shares[-1][1]})")
    if default:
        slowdowns = {w: default[(w, "buffers")]["median_us"] / nngen[(w, "buffers")]["median_us"] for w in workloads}
        worst = max(slowdowns, key=slowdowns.get)
        summary["default_flags"] = dict(geometric_mean=geometric_mean(list(slowdowns.values())), worst=worst,
                                        worst_ratio=slowdowns[worst])
        print(f"- default flags: geometric mean {summary['default_flags']['geometric_mean']:.2f}× native time; "
              f"worst {slowdowns[worst]:.2f}× ({worst})")
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frameworks", default="numpy,torch,jax")
    parser.add_argument("--workloads", default="all", help="five, sweep, conv, all, or a comma list")
    parser.add_argument("--default-flags", action="store_true", help="also time nngen built with no flags")
    parser.add_argument("--quick", action="store_true", help="shorter timing runs and no build times")
    parser.add_argument("--json", default="", help="also write every number to this file")
    parser.add_argument("--group", type=int, default=6, help="workloads timed in every implementation before the next ones")
    args = parser.parse_args()
    wanted = [f for f in args.frameworks.split(",") if f]
    workloads = {"five": FIVE, "sweep": SWEEP, "conv": CONV, "all": FIVE + SWEEP + CONV}.get(args.workloads) or args.workloads.split(",")

    subprocess.run([sys.executable, os.path.join(HERE, "sweep.py"), "--check"], check=True)
    python, frameworks = python_with(wanted)
    peak_program = peak_binary()
    gflops_peak = peak(peak_program)
    l2 = l2_bandwidth()
    native = timing_binary("native")
    default_binary = timing_binary("default") if args.default_flags else None
    nngen, default, others, clocks = time_in_groups(native, default_binary, python, frameworks, workloads, args.quick,
                                                    args.group, peak_program)
    generation = generation_times(native, workloads)
    builds = {} if args.quick else build_times(workloads)

    flops = {w: nngen[(w, "buffers")]["flops"] for w in workloads}
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print()
    print(f"Machine: {cpu}, {os.cpu_count()} cores; one thread pinned to one core. "
          f"Peak (peak.c, fp32 FMA): {gflops_peak:.1f} GFLOP/s." if gflops_peak else f"Machine: {cpu}")
    summary = {}
    for title, group in (("The five workloads", [w for w in workloads if w in FIVE]),
                         ("The sweep", [w for w in workloads if w not in FIVE and w not in CONV]),
                         ("Convolutional networks", [w for w in workloads if w in CONV])):
        if not group:
            continue
        print(f"\n{title}\n")
        print_table(group, nngen, default, others, frameworks, flops, gflops_peak, generation, builds)
        print()
        summary[title] = summarize(group, nngen, default, others, frameworks, flops, gflops_peak)
    summary["inference_bound"] = print_inference_bound(workloads, nngen, others, l2)
    if clocks:
        print(f"\nThe pinned core's clock before each group of workloads (peak.c's integer chain): "
              f"{min(clocks):.2f}–{max(clocks):.2f} GHz over {len(clocks)} groups.")
    missing = [f for f in wanted if f not in frameworks]
    if missing:
        print(f"\nNot measured (could not be installed): {', '.join(missing)}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(peak=gflops_peak, l2_gigabytes_per_second=l2, nngen={f"{w}/{a}": r for (w, a), r in nngen.items()},
                           default_flags={f"{w}/{a}": r for (w, a), r in default.items()},
                           generation_ms=generation, frameworks=others, build_s=builds, clock_ghz=clocks,
                           summary=summary), f, indent=1)


if __name__ == "__main__":
    main()
