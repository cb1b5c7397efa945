#!/usr/bin/env bash
# Generates the largest network specs the limits accept and compiles each with
# `swiftc -O -wmo`, as an app would; fails when one takes longer than the bound (60 s).
#
#   Scripts/check_compile_times.sh [NNGEN] [--graphs]   (default .build/release/nngen)
#
# --graphs also times graph specs of 50, 200 and 1,000 nodes over 8-element vectors, reported
# but not checked: graph code is not outlined yet (issue "Reliability, round 2", point 5).
set -uo pipefail
nngen=$(realpath "${1:-.build/release/nngen}")
graphs=false
[ "${2:-}" = --graphs ] && graphs=true
bound=60
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# network NAME LAYERS: writes NAME.yaml from layer lines on standard input.
network() {
  { printf 'nngen: 1\nname: %s\nbatch: 8\ninput: 16\nlayers:\n' "$1"; cat; printf 'loss: softmax_cross_entropy\n'; } > "$work/$1.yaml"
}
graph() {
  { printf 'nngen: 1\nname: %s\ninputs:\n  x: [8]\n  y: [8]\ngraph:\n  n0: add(x, y)\n  n1: mul(n0, x)\n' "$1"
    for ((i = 2; i < $2; i++)); do
      case $((i % 4)) in
        0) printf '  n%d: add(n%d, n%d)\n' $i $((i - 1)) $((i - 2)) ;;
        1) printf '  n%d: mul(n%d, n%d)\n' $i $((i - 1)) $((i - 2)) ;;
        2) printf '  n%d: tanh(n%d)\n' $i $((i - 1)) ;;
        3) printf '  n%d: max(n%d, n%d)\n' $i $((i - 1)) $((i - 2)) ;;
      esac
    done
    printf '  out: sum(n%d)\noutput: out\n' $(($2 - 1)); } > "$work/$1.yaml"
}

# The limits: 1,000 layers, 1,000 affine maps.
for ((i = 1; i < 1000; i++)); do echo "  - { dense: 16, activation: tanh }"; done | { cat; echo "  - dense: 4"; } | network Dense1000
for ((i = 1; i < 500; i++)); do printf '  - dense: 32\n  - activation: relu\n'; done | { cat; echo "  - dense: 4"; } | network Mixed1000
for ((i = 1; i < 333; i++)); do echo "  - { maxout: 8, pieces: 3 }"; done | { cat; echo "  - dense: 4"; } | network Maxout999
specs=(Dense1000 Mixed1000 Maxout999)
if $graphs; then
  for n in 50 200 1000; do graph "Graph$n" $n; done
  specs+=(Graph50 Graph200 Graph1000)
fi

printf '%-12s %10s %12s %10s\n' spec "KB emitted" "compile s" "peak MB"
for spec in "${specs[@]}"; do
  "$nngen" "$work/$spec.yaml" -o "$work/out" >/dev/null || { echo "FAIL: $spec was not generated"; failures=$((failures + 1)); continue; }
  limit=$bound; [[ $spec == Graph* ]] && limit=600
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$work/rss" timeout "$limit" swiftc -O -wmo -parse-as-library -emit-library \
    "$work/out/$spec.swift" -o "$work/lib$spec.so" 2>"$work/err.log"
  status=$?
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  printf '%-12s %10d %12.1f %10d\n' "$spec" $(( $(wc -c < "$work/out/$spec.swift") / 1024 )) "$seconds" $(( $(tail -1 "$work/rss" 2>/dev/null || echo 0) / 1024 ))
  if [[ $spec != Graph* ]] && { [ "$status" -ne 0 ] || (( $(echo "$seconds > $bound" | bc) )); }; then
    echo "FAIL: $spec: status $status after ${seconds}s (bound ${bound}s)"; head -5 "$work/err.log"; failures=$((failures + 1))
  fi
done
[ "$failures" -eq 0 ] || exit 1
echo "every network at the limits compiles within ${bound}s"
