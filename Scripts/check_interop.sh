#!/usr/bin/env bash
# Safetensors interop of the digits example, both ways (CI runs this):
#   Swift trains and saves → Python (numpy + safetensors) recomputes the Swift scores;
#   Python writes PyTorch's layout → Swift loads it with `layout: .pytorch` → numpy agrees.
# The Python side runs in a venv (INTEROP_VENV, default /tmp/nngen-interop-venv) with numpy and
# safetensors from PyPI; pass --torch to write the PyTorch file with PyTorch itself.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${INTEROP_VENV:-/tmp/nngen-interop-venv}"
if ! "$venv/bin/python" -c "import numpy, safetensors" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet numpy safetensors
fi
torch_flag=""
if [[ "${1:-}" == "--torch" ]]; then
  "$venv/bin/python" -c "import torch" 2>/dev/null || "$venv/bin/pip" install --quiet torch
  torch_flag="--torch"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
script=Scripts/interop/safetensors_interop.py

swift build -c release --product digits 2>&1 | tail -n 1
digits=.build/release/digits
"$digits" --save "$work/digits.safetensors" --scores "$work/swift_scores.csv" | tail -n 3
accuracy=$(grep -o "test accuracy: [0-9.]*" <<<"$("$digits" --load "$work/digits.safetensors")" | grep -o "[0-9.]*$")
echo "reloaded in Swift: test accuracy $accuracy%"
awk -v a="$accuracy" 'BEGIN { exit !(a >= 97) }' || { echo "FAIL: test accuracy $accuracy% < 97%"; exit 1; }
"$venv/bin/python" "$script" swift-to-numpy "$work/digits.safetensors" "$work/swift_scores.csv"

"$venv/bin/python" "$script" write-pytorch "$work/pytorch.safetensors" $torch_flag
"$digits" --load "$work/pytorch.safetensors" --pytorch --scores "$work/pytorch_scores.csv" | tail -n 1
"$venv/bin/python" "$script" pytorch-to-swift "$work/pytorch.safetensors" "$work/pytorch_scores.csv"
echo "interop: OK"
