// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// The golden files that the examples (spiral, digits, wine, wine-alcohol) train.
let exampleModels = ["SpiralNet.swift", "DigitsNet.swift", "DigitsCNN.swift", "DigitsBatchNormCNN.swift", "WineNet.swift", "WineAlcoholNet.swift"]
/// Every other file of `Generated/`, which `ExampleModels` leaves out.
let otherGoldens = ((try? FileManager.default.contentsOfDirectory(atPath: Context.packageDirectory + "/Generated")) ?? [])
    .filter { !exampleModels.contains($0) }.sorted()

let package = Package(
    name: "nngen",
    products: [
        .executable(name: "nngen", targets: ["nngen"]),
        .library(name: "NNGenCore", targets: ["NNGenCore"]),
        /// What generated models use when their target links it: safetensors files, data sets,
        /// `fit`, and product kernels in C (NNGenKernels).
        .library(name: "NNGenRuntime", targets: ["NNGenRuntime"]),
        /// Build-tool plugin: `*.nngen.yaml` files of a target become Swift at build time.
        .plugin(name: "NNGenPlugin", targets: ["NNGenPlugin"]),
        /// Command plugin `nngen-generate`: refreshes checked-in generated code from its specs.
        .plugin(name: "NNGenGenerate", targets: ["NNGenGenerate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        /// libyaml, the C library that reads every spec (pkg-config `yaml-0.1`).
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        /// The pipeline: YAML -> Spec -> IR -> adjoints -> Swift source.
        .target(name: "NNGenCore", dependencies: ["CYaml"]),
        /// The command-line front end.
        .executableTarget(
            name: "nngen",
            dependencies: [
                "NNGenCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .plugin(name: "NNGenPlugin", capability: .buildTool(), dependencies: ["nngen"]),
        .plugin(
            name: "NNGenGenerate",
            capability: .command(
                intent: .custom(verb: "nngen-generate", description: "Regenerate the checked-in Swift of every spec in Specs/ (or --specs DIR) into Generated/ (or --output DIR)."),
                permissions: [.writeToPackageDirectory(reason: "nngen-generate rewrites the package's generated Swift files")]
            ),
            dependencies: ["nngen"]
        ),
        /// Product kernels in C that emitted models call when their target links NNGenRuntime:
        /// instructions chosen at load time for the running CPU, whatever the model's flags.
        .target(name: "NNGenKernels"),
        /// safetensors files, data sets and training for generated models (standard library and
        /// the C library only), and the C kernels above.
        .target(name: "NNGenRuntime", dependencies: ["NNGenKernels"]),
        /// The golden files: the emitted code of every spec in `Specs/`, compiled as-is, but the
        /// examples' models.
        .target(name: "GeneratedModels", dependencies: ["NNGenRuntime"], path: "Generated", exclude: exampleModels),
        /// The examples' models, golden files too: a module of their own, so that building an
        /// example in release compiles six models instead of every golden (44 s against 228 s).
        .target(name: "ExampleModels", dependencies: ["NNGenRuntime"], path: "Generated", exclude: otherGoldens, sources: exampleModels),
        /// The same specs emitted with `--no-fusion` (every op a kernel of its own): the reference of
        /// the differential tests, a module of its own so that the type names can repeat. Built with
        /// `NNGEN_FMA`, so that the tests also run the fused multiply-adds of the emitted code (here
        /// without `-target-cpu`: correct, through libm's fma, only slower), and with
        /// `NNGEN_SWIFT_KERNELS`, so that the reference runs the emitted Swift kernels where the fused
        /// models call NNGenKernels' C kernels.
        .target(name: "GeneratedUnfusedModels", dependencies: ["NNGenRuntime"], path: "GeneratedUnfused",
                swiftSettings: [.define("NNGEN_FMA"), .define("NNGEN_SWIFT_KERNELS")]),
        /// The main example: trains the model of `Specs/spiral.yaml` on the spiral data set.
        .executableTarget(name: "spiral", dependencies: ["ExampleModels"]),
        /// Trains the model of `Specs/digits.yaml` on the UCI digits in Data/digits and saves its weights.
        .executableTarget(name: "digits", dependencies: ["ExampleModels", "NNGenRuntime", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        /// The tabular example: the cultivar of a wine from a CSV file (Data/wine), standardized.
        .executableTarget(name: "wine", dependencies: ["ExampleModels", "NNGenRuntime"]),
        /// The regression example: the alcohol content of a wine (mean squared error).
        .executableTarget(name: "wine-alcohol", dependencies: ["ExampleModels", "NNGenRuntime"]),
        .testTarget(name: "NNGenCoreTests", dependencies: ["NNGenCore"]),
        .testTarget(name: "GeneratedModelsTests", dependencies: ["GeneratedModels", "ExampleModels", "GeneratedUnfusedModels", "NNGenCore", "NNGenRuntime"]),
        .testTarget(name: "NNGenRuntimeTests", dependencies: ["NNGenRuntime", "GeneratedModels", "ExampleModels"]),
    ]
)
