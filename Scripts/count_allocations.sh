#!/usr/bin/env bash
# Shows that the allocation-free entry points perform no heap allocation: valgrind counts the
# allocations of a program making 10 and then 100 calls on the spiral model (batch 300); the
# counts must be equal. The calls: a training step on a full batch, one on a short batch (the
# single-example path, 7 examples), scoring one example, scoring 333 (a batch and 33 single
# examples) and predicting one. Then the same for a network with batch norm and dropout
# (DigitsBatchNormCNN: a training step, which draws its dropout masks into the workspace and
# moves the running statistics, and scoring 37 examples). Exit status 1 when any differs.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/main.swift" <<'SWIFT'
var model = SpiralNet()
var workspace = SpiralNet.Workspace()
let mode = CommandLine.arguments[1], calls = Int(CommandLine.arguments[2])!
let inputs = (0..<(2 * SpiralNet.batchSize * SpiralNet.inputCount)).map { Float($0 % 7) / 7 - 0.5 }
let labels = (0..<2 * SpiralNet.batchSize).map { $0 % SpiralNet.outputCount }
var scores = [Float](repeating: 0, count: 2 * SpiralNet.batchSize * SpiralNet.outputCount)
var classes = [Int](repeating: 0, count: 1)
var total: Float = 0
try inputs.withUnsafeBufferPointer { x in
    try labels.withUnsafeBufferPointer { y in
        try scores.withUnsafeMutableBufferPointer { s in
            try classes.withUnsafeMutableBufferPointer { c in
                func examples(_ n: Int) -> UnsafeBufferPointer<Float> { UnsafeBufferPointer(rebasing: x[0..<n * SpiralNet.inputCount]) }
                func out(_ n: Int) -> UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(rebasing: s[0..<n * SpiralNet.outputCount]) }
                for _ in 0..<calls {
                    switch mode {
                    case "train": total += try model.trainStep(inputs: examples(SpiralNet.batchSize), labels: UnsafeBufferPointer(rebasing: y[0..<SpiralNet.batchSize]), workspace: &workspace)
                    case "short": total += try model.trainStep(inputs: examples(7), labels: UnsafeBufferPointer(rebasing: y[0..<7]), workspace: &workspace)
                    case "score1": try model.scores(examples(1), into: out(1), workspace: &workspace)
                    case "score333": try model.scores(examples(333), into: out(333), workspace: &workspace)
                    default: try model.predictions(examples(1), into: c, workspace: &workspace)
                    }
                    total += s[0] + Float(c[0])
                }
            }
        }
    }
}
print(total)
SWIFT
swiftc -O Generated/SpiralNet.swift "$work/main.swift" -o "$work/run"
count() { valgrind "$work/run" "$1" "$2" 2>&1 | sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,; }
status=0
for mode in train short score1 score333 predict1; do
  few=$(count "$mode" 10)
  many=$(count "$mode" 100)
  if [ "$few" = "$many" ]; then
    echo "$mode: heap allocations $few with 10 calls, $many with 100: 0 per call"
  else
    echo "$mode: heap allocations $few with 10 calls, $many with 100: allocates"; status=1
  fi
done

mkdir "$work/bn"
cat > "$work/bn/main.swift" <<'SWIFT'
typealias Net = DigitsBatchNormCNN
var model = Net()
var workspace = Net.Workspace()
let mode = CommandLine.arguments[1], calls = Int(CommandLine.arguments[2])!
let inputs = (0..<(2 * Net.batchSize * Net.inputCount)).map { Float($0 % 7) / 7 }
let labels = (0..<2 * Net.batchSize).map { $0 % Net.outputCount }
var scores = [Float](repeating: 0, count: 2 * Net.batchSize * Net.outputCount)
var total: Float = 0
try inputs.withUnsafeBufferPointer { x in
    try labels.withUnsafeBufferPointer { y in
        try scores.withUnsafeMutableBufferPointer { s in
            for _ in 0..<calls {
                if mode == "bn-train" {
                    total += try model.trainStep(inputs: UnsafeBufferPointer(rebasing: x[0..<Net.batchSize * Net.inputCount]),
                                                 labels: UnsafeBufferPointer(rebasing: y[0..<Net.batchSize]), workspace: &workspace)
                } else {
                    try model.scores(UnsafeBufferPointer(rebasing: x[0..<37 * Net.inputCount]), into: UnsafeMutableBufferPointer(rebasing: s[0..<37 * Net.outputCount]), workspace: &workspace)
                }
                total += s[0]
            }
        }
    }
}
print(total)
SWIFT
swiftc -O Generated/DigitsBatchNormCNN.swift "$work/bn/main.swift" -o "$work/run"
for mode in bn-train bn-score37; do
  few=$(count "$mode" 10)
  many=$(count "$mode" 100)
  if [ "$few" = "$many" ]; then
    echo "$mode: heap allocations $few with 10 calls, $many with 100: 0 per call"
  else
    echo "$mode: heap allocations $few with 10 calls, $many with 100: allocates"; status=1
  fi
done
exit $status
