"""Runs a model emitted by nngen: generates Swift from a spec, compiles it with a driver (a
main.swift that prints one JSON object) and returns what the driver printed. Shared by the
autograd comparisons (check_against_jax.py, check_against_pytorch.py)."""
import json
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_driver(nngen, spec, model_name, driver):
    """Generates `spec` with `nngen` (nil: the debug build, built here), compiles the emitted
    `<model_name>.swift` with `driver` as its main.swift, runs it and parses its output as JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        if nngen is None:
            subprocess.run(["swift", "build", "--product", "nngen"], cwd=ROOT, check=True, capture_output=True)
            nngen = os.path.join(ROOT, ".build", "debug", "nngen")
        subprocess.run([nngen, spec, "-o", tmp], check=True, capture_output=True)
        with open(os.path.join(tmp, "main.swift"), "w") as f:
            f.write(driver)
        binary = os.path.join(tmp, "driver")
        subprocess.run(["swiftc", "-O", os.path.join(tmp, model_name + ".swift"), os.path.join(tmp, "main.swift"), "-o", binary], check=True)
        return json.loads(subprocess.run([binary], check=True, capture_output=True, text=True).stdout)
