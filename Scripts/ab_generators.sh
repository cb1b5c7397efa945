#!/usr/bin/env bash
# The same spec from two builds of nngen, timed side by side in one program: for measuring a
# change to the generator on one workload, with the machine's drift shared by both sides.
#
#   Scripts/ab_generators.sh OLD_NNGEN NEW_NNGEN SPEC [ROUNDS]
#
# Generates SPEC with both nngen executables, renames the old model's type (Name → NameOld),
# compiles the two into one program as the benchmarks build models (swiftc -O -wmo -target-cpu
# native -enforce-exclusivity=unchecked -DNNGEN_FMA) and times one step through the buffer API
# (`lossAndGradient` with labels or targets, or `scores` for an inference-only spec; with
# AB_STEP=train, `trainStep`, so the optimizer's update is timed too), the two
# interleaved, ROUNDS rounds (default 80) of about 20 ms each, pinned to core 1. Prints the best
# time of each, their ratio, and whether the two results are bit for bit the same.
#
# The program runs four times, with the stack moved by 0, 16, 32 and 48 bytes (an environment
# variable of that length, address randomization off where `setarch -R` exists): code that
# spills vectors to the stack can take two different times depending on where the stack starts
# (the spiral's step 15.4 or 18.2 µs, docs/performance/spiral.md), and both sides of one run share
# that start: read the four lines, not one.
#
# An executable of an earlier commit:
#   git worktree add /tmp/before COMMIT && (cd /tmp/before && swift build --product nngen)
#   Scripts/ab_generators.sh /tmp/before/.build/debug/nngen .build/debug/nngen SPEC
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 OLD_NNGEN NEW_NNGEN SPEC [ROUNDS]" >&2; exit 2; }
old=$1 new=$2 spec=$3 rounds=${4:-80}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/old" "$work/new" "$work/main"
"$old" "$spec" -o "$work/old" >/dev/null
"$new" "$spec" -o "$work/new" >/dev/null
name=$(basename "$work"/new/*.swift .swift)
sed "s/\b$name\b/${name}Old/g" "$work/old/$name.swift" > "$work/old/${name}Old.swift"
rm "$work/old/$name.swift"

# The step of each side, as a Swift expression of the model `m`, its workspace `w`, the inputs
# `xp` and the labels or targets `yp` (or the output buffer `op`); its result goes to `r`.
if ! grep -q '^loss:' "$spec"; then
  setup='var out = [Scalar](repeating: 0, count: New.batchSize * New.outputCount), outOld = out'
  step='try! m.scores(xp, into: op, workspace: &w); r = op[0]'
  buffers='out.withUnsafeMutableBufferPointer { op in outOld.withUnsafeMutableBufferPointer { opOld in'
  old_step='try! mOld.scores(xp, into: opOld, workspace: &wOld); rOld = opOld[0]'
elif grep -q 'mean_squared_error' "$spec"; then
  setup='let y = (0..<New.batchSize * New.outputCount).map { Scalar($0 % 7) / 7 }'
  step='r = try! m.lossAndGradient(inputs: xp, targets: yp, workspace: &w)'
  buffers='y.withUnsafeBufferPointer { yp in do {'
  old_step='rOld = try! mOld.lossAndGradient(inputs: xp, targets: yp, workspace: &wOld)'
else
  setup='let y = (0..<New.batchSize).map { $0 % New.outputCount }'
  step='r = try! m.lossAndGradient(inputs: xp, labels: yp, workspace: &w)'
  buffers='y.withUnsafeBufferPointer { yp in do {'
  old_step='rOld = try! mOld.lossAndGradient(inputs: xp, labels: yp, workspace: &wOld)'
fi

if [ "${AB_STEP:-}" = train ] && grep -q '^loss:' "$spec"; then
  step=${step/lossAndGradient/trainStep}
  old_step=${old_step/lossAndGradient/trainStep}
fi

cat > "$work/main/main.swift" <<SWIFT
import Foundation
typealias New = $name
typealias Scalar = New.Scalar
func now() -> Double { var t = timespec(); clock_gettime(CLOCK_MONOTONIC, &t); return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9 }
var m = New(), mOld = ${name}Old()
var w = New.Workspace(), wOld = ${name}Old.Workspace()
var x = [Scalar](repeating: 0, count: New.batchSize * New.inputCount)
// Uniform in [−1, 1) from a fixed linear congruential sequence, as the benchmarks' data: the
// order of the values is random, so branches on them are as predictable as on real activations.
var seed: UInt64 = 5
for i in 0..<x.count {
    seed = seed &* 6364136223846793005 &+ 1442695040888963407
    x[i] = Scalar(Double(seed >> 11) / Double(1 << 53) * 2 - 1)
}
$setup
var r: Scalar = 0, rOld: Scalar = 0
var best = 1e9, bestOld = 1e9
// About 20 ms per round and side, from one timed call.
var reps = 1
x.withUnsafeBufferPointer { xp in $buffers
    let t0 = now(); $step; reps = max(1, Int(0.02 / max(now() - t0, 1e-7))); $old_step  // one call each
    for _ in 0..<$rounds {
        var t = now(); for _ in 0..<reps { $step }; best = min(best, (now() - t) / Double(reps))
        t = now(); for _ in 0..<reps { $old_step }; bestOld = min(bestOld, (now() - t) / Double(reps))
    }
}}}
print("$name: " + String(format: "old %.4g µs, new %.4g µs, old/new %.2f×", bestOld * 1e6, best * 1e6, bestOld / best),
      r == rOld ? "(same result)" : "(results differ: \(rOld) vs \(r))")
SWIFT
swiftc -O -wmo -target-cpu native -enforce-exclusivity=unchecked -DNNGEN_FMA \
  "$work/main/main.swift" "$work/old/${name}Old.swift" "$work/new/$name.swift" -o "$work/ab" 2>&1 | grep -v warning || true
norandom=$(command -v setarch >/dev/null && setarch -R true 2>/dev/null && echo "setarch -R" || true)
for shift in 0 16 32 48; do
  printf 'stack +%2d: ' "$shift"
  env NNGEN_AB_STACK_SHIFT="$(printf '%*s' "$shift" '')" $norandom taskset -c 1 "$work/ab"
done
