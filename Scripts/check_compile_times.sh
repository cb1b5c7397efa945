#!/usr/bin/env bash
# Generates the largest specs the limits accept and compiles each with `swiftc -O -wmo`, as an
# app would; fails when one takes longer than the bound (60 s).
#
#   Scripts/check_compile_times.sh [NNGEN] [--all]   (default .build/release/nngen)
#
# Always (CI): 1,000 dense layers, 1,000 layers of dense and relu, 999 maxout layers, and a graph
# of 1,000 nodes over 8-element vectors. With --all also: a graph of 1,000 nodes over 250 inputs
# of distinct lengths (the most stored properties the limits allow), a graph applying eight
# different functions to each of 111 vectors of distinct lengths (999 nodes, the most distinct
# ops), and the 1,000-node graph over 256-element vectors with `--unroll-limit 256`.
set -uo pipefail
nngen=$(realpath "${1:-.build/release/nngen}")
all=false
[ "${2:-}" = --all ] && all=true
bound=60
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# network NAME LAYERS: writes NAME.yaml from layer lines on standard input.
network() {
  { printf 'nngen: 1\nname: %s\nbatch: 8\ninput: 16\nlayers:\n' "$1"; cat; printf 'loss: softmax_cross_entropy\n'; } > "$work/$1.yaml"
}
# chain NAME WIDTH: 1,000 nodes over WIDTH-element vectors, every fourth node with a constant of
# its own (outlined kernels take constants as parameters, so these share functions).
chain() {
  { printf 'nngen: 1\nname: %s\ninputs:\n  x: [%d]\n  y: [%d]\ngraph:\n  n0: add(x, y)\n  n1: mul(n0, x)\n' "$1" "$2" "$2"
    for ((i = 2; i < 999; i++)); do
      case $((i % 4)) in
        0) printf '  n%d: add(n%d, n%d)\n' $i $((i - 1)) $((i - 2)) ;;
        1) printf '  n%d: mul(n%d, 1.%04d)\n' $i $((i - 1)) $i ;;
        2) printf '  n%d: tanh(n%d)\n' $i $((i - 1)) ;;
        3) printf '  n%d: max(n%d, n%d)\n' $i $((i - 1)) $((i - 2)) ;;
      esac
    done
    printf '  out: sum(n998)\noutput: out\n'; } > "$work/$1.yaml"
}
# shapes NAME: 250 inputs of lengths 1 to 250, each summed, the sums added in a chain: 1,000 nodes.
shapes() {
  { printf 'nngen: 1\nname: %s\ninputs:\n' "$1"
    for ((i = 1; i <= 250; i++)); do printf '  x%d: [%d]\n' $i $i; done
    printf 'graph:\n'
    for ((i = 1; i <= 250; i++)); do printf '  s%d: sum(x%d)\n' $i $i; done
    printf '  a1: mul(s1, 2)\n'
    for ((i = 2; i <= 750; i++)); do printf '  a%d: add(a%d, s%d)\n' $i $((i - 1)) $(( (i - 1) % 250 + 1 )); done
    printf 'output: a750\n'; } > "$work/$1.yaml"
}

# functions NAME: 111 inputs of lengths 6 to 116, through eight functions each, summed: 999 nodes.
functions() {
  { printf 'nngen: 1\nname: %s\ninputs:\n' "$1"
    for ((i = 1; i <= 111; i++)); do printf '  x%d: [%d]\n' $i $((i + 5)); done
    printf 'graph:\n'
    for ((i = 1; i <= 111; i++)); do
      printf '  t%d: tanh(x%d)\n  g%d: sigmoid(t%d)\n  e%d: exp(g%d)\n  p%d: softplus(e%d)\n' $i $i $i $i $i $i $i $i
      printf '  l%d: leaky_relu(p%d)\n  u%d: elu(l%d)\n  w%d: gelu(u%d)\n  s%d: sum_squares(w%d)\n' $i $i $i $i $i $i $i $i
    done
    printf '  a1: mul(s1, 2)\n'
    for ((i = 2; i <= 111; i++)); do printf '  a%d: add(a%d, s%d)\n' $i $((i - 1)) $i; done
    printf 'output: a111\n'; } > "$work/$1.yaml"
}

# The limits: 1,000 layers, 1,000 affine maps.
for ((i = 1; i < 1000; i++)); do echo "  - { dense: 16, activation: tanh }"; done | { cat; echo "  - dense: 4"; } | network Dense1000
for ((i = 1; i < 500; i++)); do printf '  - dense: 32\n  - activation: relu\n'; done | { cat; echo "  - dense: 4"; } | network Mixed1000
for ((i = 1; i < 333; i++)); do echo "  - { maxout: 8, pieces: 3 }"; done | { cat; echo "  - dense: 4"; } | network Maxout999
chain Graph1000 8
specs=(Dense1000 Mixed1000 Maxout999 Graph1000)
if $all; then
  shapes Shapes1000
  functions Functions999
  chain Wide1000 256
  specs+=(Shapes1000 Functions999 Wide1000)
fi

printf '%-12s %10s %12s %10s\n' spec "KB emitted" "compile s" "peak MB"
for spec in "${specs[@]}"; do
  flags=(); [ "$spec" = Wide1000 ] && flags=(--unroll-limit 256)
  "$nngen" "$work/$spec.yaml" "${flags[@]}" -o "$work/out" >/dev/null || { echo "FAIL: $spec was not generated"; failures=$((failures + 1)); continue; }
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$work/rss" timeout 600 swiftc -O -wmo -parse-as-library -emit-library \
    "$work/out/$spec.swift" -o "$work/lib$spec.so" 2>"$work/err.log"
  status=$?
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  printf '%-12s %10d %12.1f %10d\n' "$spec" $(( $(wc -c < "$work/out/$spec.swift") / 1024 )) "$seconds" $(( $(tail -1 "$work/rss" 2>/dev/null || echo 0) / 1024 ))
  if [ "$status" -ne 0 ] || (( $(echo "$seconds > $bound" | bc) )); then
    echo "FAIL: $spec: status $status after ${seconds}s (bound ${bound}s)"; head -5 "$work/err.log"; failures=$((failures + 1))
  fi
done
[ "$failures" -eq 0 ] || exit 1
echo "every spec at the limits compiles within ${bound}s"
