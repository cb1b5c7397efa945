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
            // Optional: with NNGenRuntime the generated model can save and load its weights.
            dependencies: [.product(name: "NNGenRuntime", package: "nngen")],
            plugins: [.plugin(name: "NNGenPlugin", package: "nngen")]
        ),
    ]
)
