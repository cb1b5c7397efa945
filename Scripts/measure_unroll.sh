#!/usr/bin/env bash
# Measures where the unroll threshold should go: for each --unroll-limit, the run time of one
# training step (allocation-free entry point) and the `swiftc -O -wmo` compile time of the
# emitted code, for xor (tiny) and spiral (2 → 100 → 3, batch 300).
# Usage: Scripts/measure_unroll.sh [limits...]   (default: 0 16 64 256, the largest nngen accepts)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product nngen >/dev/null
limits=("$@")
[ ${#limits[@]} -gt 0 ] || limits=(0 16 64 256)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-8s %-8s %8s %12s %12s\n' spec limit lines "µs/step" "compile s"
for spec in xor spiral; do
  for limit in "${limits[@]}"; do
    dir="$work/$spec-$limit"; mkdir -p "$dir"
    .build/release/nngen "Specs/$spec.yaml" -o "$dir" --unroll-limit "$limit" >/dev/null
    model=$(basename "$dir"/*.swift .swift)
    cat > "$dir/main.swift" <<SWIFT
import Foundation
var model = $model()
var workspace = $model.Workspace()
let inputs = (0..<($model.batchSize * $model.inputCount)).map { $model.Scalar(sin(Double(\$0))) }
let labels = (0..<$model.batchSize).map { \$0 % $model.outputCount }
let steps = "$spec" == "xor" ? 2_000_000 : 5_000
var best = Double.infinity
try inputs.withUnsafeBufferPointer { x in
    try labels.withUnsafeBufferPointer { y in
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<steps { _ = try model.trainStep(inputs: x, labels: y, workspace: &workspace) }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(steps) / 1000)
        }
    }
}
print(best)
SWIFT
    start=$(date +%s.%N)
    swiftc -O -wmo "$dir/$model.swift" "$dir/main.swift" -o "$dir/run" 2>/dev/null
    compile=$(echo "$(date +%s.%N) - $start" | bc)
    us=$("$dir/run")
    printf '%-8s %-8s %8s %12.3f %12.1f\n' "$spec" "$limit" "$(wc -l < "$dir/$model.swift")" "$us" "$compile"
  done
done
