#!/usr/bin/env bash
# Shows that the allocation-free `trainStep(inputs:labels:workspace:)` performs no heap
# allocation: valgrind counts the allocations of a program running 10 and then 100 steps of the
# spiral model; the counts must be equal. Exit status 1 when they differ.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/main.swift" <<'SWIFT'
var model = SpiralNet()
var workspace = SpiralNet.Workspace()
let steps = Int(CommandLine.arguments[1])!
let inputs = (0..<(SpiralNet.batchSize * SpiralNet.inputCount)).map { Float($0 % 7) / 7 - 0.5 }
let labels = (0..<SpiralNet.batchSize).map { $0 % SpiralNet.outputCount }
var total: Float = 0
try inputs.withUnsafeBufferPointer { x in
    try labels.withUnsafeBufferPointer { y in
        for _ in 0..<steps { total += try model.trainStep(inputs: x, labels: y, workspace: &workspace) }
    }
}
print(total)
SWIFT
swiftc -O Generated/SpiralNet.swift "$work/main.swift" -o "$work/run"
count() { valgrind "$work/run" "$1" 2>&1 | sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,; }
few=$(count 10)
many=$(count 100)
echo "heap allocations: $few with 10 training steps, $many with 100"
[ "$few" = "$many" ] && echo "0 allocations per step" || { echo "trainStep allocates"; exit 1; }
