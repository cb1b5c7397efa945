// swift-tools-version: 6.1
import PackageDescription

// libFuzzer over nngen's whole front end and emitter: YAML text in, diagnostics or Swift source
// out, nothing written to disk. A package of its own, built with
// `swift build -c release --package-path Fuzz --sanitize=fuzzer --sanitize=address` with coverage flags
// (see Scripts/fuzz.sh), so that `swift test` at the root never builds it.
let package = Package(
    name: "NNGenFuzz",
    dependencies: [.package(name: "nngen", path: "..")],
    targets: [
        .executableTarget(
            name: "nngen-fuzz",
            dependencies: [.product(name: "NNGenCore", package: "nngen")],
            // libFuzzer brings its own main().
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
