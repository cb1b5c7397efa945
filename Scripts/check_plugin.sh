#!/usr/bin/env bash
# The build plugin as a new user meets it (README, "Use nngen in your package"): a package outside
# this repository depends on nngen by path and keeps tiny.nngen.yaml in its target. Checks that it
# builds and runs, that a build without changes does not run the generator, that editing the spec
# changes the model, that a spec error fails the build with the spec's path:line:col, and that two
# specs named alike in different folders do not collide.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
app="$work/TinyTrainer"
cp -R "$repo/Examples/TinyTrainer" "$app"
rm -rf "$app/.build" "$app/Package.resolved"
# The example refers to nngen as ../..; from outside the repository it is an absolute path.
sed -i "s|path: \"../..\"|path: \"$repo\"|" "$app/Package.swift"
grep -q "path: \"$repo\"" "$app/Package.swift"
spec="$app/Sources/TinyTrainer/tiny.nngen.yaml"

echo "-- first build and run"
swift build --package-path "$app" 2>&1 | tee "$work/build1.log" | grep -E "nngen:|error|Build complete" || true
grep -q "nngen: generating tiny.nngen.swift from tiny.nngen.yaml" "$work/build1.log"
swift run --package-path "$app" 2>&1 | tee "$work/run1.log" | tail -n 3
grep -q "TinyNet: 2 inputs, 2 classes, 42 parameters" "$work/run1.log"
grep -q "same parameters: true" "$work/run1.log"
grep -q "predictions \[0, 1, 1, 0\], expected \[0, 1, 1, 0\]" "$work/run1.log"

echo "-- a build without changes runs nothing"
swift build --package-path "$app" 2>&1 | tee "$work/build2.log" | tail -n 1
if grep -q "nngen: generating" "$work/build2.log"; then echo "the generator ran again without a change"; exit 1; fi

echo "-- editing the spec changes the model"
sed -i 's/dense: 8/dense: 6/' "$spec"
swift build --package-path "$app" 2>&1 | tee "$work/build3.log" | grep -E "nngen:|Build complete" || true
grep -q "nngen: generating" "$work/build3.log"
swift run --package-path "$app" 2>&1 | tee "$work/run2.log" | grep parameters
grep -q "TinyNet: 2 inputs, 2 classes, 32 parameters" "$work/run2.log"

echo "-- a spec error fails the build at the spec's line and column"
sed -i 's/activation: tanh/activation: tanhh/' "$spec"
if swift build --package-path "$app" > "$work/build4.log" 2>&1; then echo "the build succeeded with a broken spec"; exit 1; fi
grep -F "$spec:9:17: error: unknown activation 'tanhh'; did you mean 'tanh'?" "$work/build4.log"

echo "-- two specs of the same file name in different folders both compile"
sed -i 's/activation: tanhh/activation: tanh/' "$spec"
mkdir -p "$app/Sources/TinyTrainer/Extra"
sed 's/name: TinyNet/name: OtherNet/' "$spec" > "$app/Sources/TinyTrainer/Extra/tiny.nngen.yaml"
echo 'print("OtherNet: \(OtherNet.parameterCount) parameters")' >> "$app/Sources/TinyTrainer/main.swift"
swift run --package-path "$app" 2>&1 | tee "$work/run3.log" | grep -E "error|parameters"
grep -q "OtherNet: 32 parameters" "$work/run3.log"
echo "plugin checks passed"
