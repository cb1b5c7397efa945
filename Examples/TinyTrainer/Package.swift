// swift-tools-version: 6.1
import PackageDescription

// An app that keeps its model spec beside its code: the NNGenPlugin turns
// Sources/TinyTrainer/tiny.nngen.yaml into Swift at build time.
let package = Package(
    name: "TinyTrainer",
    dependencies: [
        // nngen by path (this repository). The name is the one the plugin reference below uses;
        // from git it would be .package(url: "<nngen's repository URL>", branch: "main").
        .package(name: "nngen", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "TinyTrainer",
            // Optional: with NNGenRuntime the generated model can save and load its weights, and
            // calls the runtime's C kernels where they are faster than its own Swift ones.
            dependencies: [.product(name: "NNGenRuntime", package: "nngen")],
            // For full speed: this CPU's vector instructions (AVX2 instead of x86-64's SSE2) and
            // fused multiply-adds in the generated kernels. Without them the model still builds
            // and runs, 1.2–4.7× slower (README, "Performance"). For a binary that must run on
            // other x86-64 machines, use "haswell" (AVX2 and FMA, 2013 on) instead of "native".
            swiftSettings: [.unsafeFlags(["-target-cpu", "native"]), .define("NNGEN_FMA")],
            plugins: [.plugin(name: "NNGenPlugin", package: "nngen")]
        ),
    ]
)
