#!/usr/bin/env bash
# The training driver end to end, in separate processes (CI runs this after check_interop.sh,
# which builds the digits example in release):
#   - resume: 10 epochs straight vs 4 epochs with a checkpoint, then a new process resuming the
#     other 6: the saved weights are the same bytes;
#   - progress: in a pseudo-terminal (`script`), `fit` draws a live bar (redrawn in place, with
#     steps/s and ETA); through a pipe it prints one line per epoch and no control character;
#   - curves: the SVG parses as XML and holds one polyline per metric;
#   - data files written by numpy (np.save, np.savetxt) and pandas (to_csv) load to exactly the
#     numbers Python wrote (DataFileInteropTests, with NNGEN_DATA_FILES).
# The Python side runs in the venv INTEROP_VENV (numpy and pandas from PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${INTEROP_VENV:-/tmp/nngen-interop-venv}"
if ! "$venv/bin/python" -c "import numpy, pandas" 2>/dev/null; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet numpy pandas
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
digits=.build/release/digits
[ -x "$digits" ] || swift build -c release --product digits 2>&1 | tail -n 1

echo "-- resume in a new process"
"$digits" --epochs 10 --save "$work/straight.safetensors" --curves "$work/curves.svg" > "$work/straight.log"
"$digits" --epochs 10 --checkpoint "$work/run.checkpoint" --stop-after 4 --save "$work/interrupted.safetensors" > "$work/first.log"
grep -q "^epoch 4/10" "$work/first.log" && ! grep -q "^epoch 5/10" "$work/first.log"
"$digits" --epochs 10 --checkpoint "$work/run.checkpoint" --resume --save "$work/resumed.safetensors" > "$work/resumed.log"
grep -q "resumed after epoch 4 of 10" "$work/resumed.log"
! grep -q "^epoch [1-4]/10" "$work/resumed.log"
cmp "$work/straight.safetensors" "$work/resumed.safetensors"
echo "10 epochs straight and 4 + 6 resumed in a new process: identical weights ($(wc -c < "$work/resumed.safetensors") bytes)"
tail -n 1 "$work/resumed.log"

echo "-- progress: a bar in a terminal, lines in a pipe"
script -qec "$digits --epochs 3 --save $work/tty.safetensors" "$work/tty.log" > /dev/null
grep -q $'\r\e\\[2Kepoch 1/3 \\[' "$work/tty.log" || { echo "no live bar in the terminal"; cat -v "$work/tty.log"; exit 1; }
grep -q "steps/s, ETA" "$work/tty.log"
grep -q "epoch 3/3: loss" "$work/tty.log"
[ "$(grep -c '^epoch' "$work/straight.log")" -eq 10 ]
if grep -q $'\r\|\e' "$work/straight.log"; then echo "control characters in piped output"; exit 1; fi
echo "a live bar in a pseudo-terminal; $(grep -c '^epoch' "$work/straight.log") plain lines for 10 epochs in a pipe"

echo "-- the curves"
"$venv/bin/python" - "$work/curves.svg" <<'PY'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
curves = {p.get("data-metric"): len(p.get("points").split()) for p in root.iter("{http://www.w3.org/2000/svg}polyline")}
assert curves == {"loss": 10, "val_loss": 10, "val_accuracy": 10}, curves
print("curves.svg is well-formed XML with one curve per metric:", ", ".join(sorted(curves)))
PY

echo "-- data files written by numpy and pandas"
"$venv/bin/python" Scripts/interop/write_data_files.py "$work"
NNGEN_DATA_FILES="$work" swift test --filter DataFileInteropTests 2>&1 | tee "$work/test.log" | tail -n 2
grep -q "Executed 1 test, with 0 failures" "$work/test.log"
if grep -q "skipped" "$work/test.log"; then echo "the data file test was skipped"; exit 1; fi
echo "training driver: OK"
