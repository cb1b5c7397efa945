#!/usr/bin/env bash
# Fuzzes nngen's front end and emitter with libFuzzer under AddressSanitizer (Fuzz/ package).
#   Scripts/fuzz.sh [SECONDS] [CORPUS_DIR]
# Seeds: every spec of Specs/, Benchmarks/, Examples/ and Fuzz/Seeds/, plus the regression inputs
# of Fuzz/Regressions/. The corpus grows in CORPUS_DIR (default: a temporary folder). An input that
# crashes, hangs (> 10 s) or trips the sanitizer is written to Fuzz/Regressions/ and the script
# fails; swift test then replays it (FuzzRegressionTests) once the bug is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
corpus="${2:-$(mktemp -d)}"
mkdir -p "$corpus"
# -sanitize=fuzzer alone did not always instrument the Swift modules for coverage here; ask for it.
swift build -c release --package-path Fuzz --sanitize=fuzzer --sanitize=address \
  -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table 2>&1 | tail -n 1
find Specs Benchmarks/Sources Examples Fuzz/Seeds Fuzz/Regressions -name '.build*' -prune -o -type f \
  \( -name '*.yaml' -o -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) -print \
  | while read -r seed; do cp "$seed" "$corpus/seed-$(basename "$seed")"; done
log="$corpus.log"
before=$(ls Fuzz/Regressions | wc -l)
status=0
Fuzz/.build/release/nngen-fuzz "$corpus" -dict=Fuzz/nngen.dict -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix=Fuzz/Regressions/ >"$log" 2>&1 || status=$?
grep -E "^#[0-9]+\s+(INITED|DONE)|stat::|ERROR|SUMMARY|Test unit written" "$log" || true
if [ "$status" -ne 0 ] || [ "$(ls Fuzz/Regressions | wc -l)" -ne "$before" ]; then
  echo "fuzz: FAILED (exit $status); the input is in Fuzz/Regressions/, the log in $log"
  exit 1
fi
echo "fuzz: no crash, hang or sanitizer report in ${seconds} s"
