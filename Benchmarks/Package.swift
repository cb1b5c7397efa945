// swift-tools-version: 6.1
import PackageDescription

// nngen's benchmarks, a package of their own so that `swift test` at the root never builds them.
// The workloads' specs sit in Sources/Workloads and become Swift at build time (NNGenPlugin).
// Everything here is compiled for this machine's CPU with fused multiply-adds, as the README tells
// users to do for full speed. The harness's captured state needs no runtime exclusivity checks
// (the generated code does not use them either: it runs on pointers).
//
// NNGEN_BENCH_FLAGS=default in the environment builds everything with no flags at all instead:
// what a user of the build plugin gets from `swift build -c release` (compare.py --default-flags).
let native: [SwiftSetting] = Context.environment["NNGEN_BENCH_FLAGS"] == "default" ? [] : [
    .unsafeFlags(["-target-cpu", "native", "-enforce-exclusivity=unchecked"]), .define("NNGEN_FMA"),
]

let package = Package(
    name: "NNGenBenchmarks",
    dependencies: [
        .package(name: "nngen", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        /// The five workloads and the sweep (sweep.py): generated models, their data, and runners
        /// for both APIs. It links NNGenRuntime, as an application using the models would, so the
        /// models call its C kernels (NNGenKernels) where the generator's rules choose them.
        .target(
            name: "Workloads",
            dependencies: [.product(name: "NNGenRuntime", package: "nngen")],
            swiftSettings: native,
            plugins: [.plugin(name: "NNGenPlugin", package: "nngen")]
        ),
        /// The anchors.py-style timer that compare.py runs beside numpy, PyTorch and JAX.
        .executableTarget(
            name: "nngen-timing",
            dependencies: ["Workloads", .product(name: "NNGenCore", package: "nngen")],
            swiftSettings: native
        ),
        /// The overhead of NNGenRuntime's `fit` over a bare `trainStep` loop on the digits data.
        .executableTarget(
            name: "fit-overhead",
            dependencies: [.product(name: "NNGenRuntime", package: "nngen")],
            swiftSettings: native,
            plugins: [.plugin(name: "NNGenPlugin", package: "nngen")]
        ),
        /// package-benchmark suite: step time, mallocs per step, and generation time of each spec.
        .executableTarget(
            name: "NNGenBenchmarks",
            dependencies: [
                "Workloads",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NNGenCore", package: "nngen"),
            ],
            path: "Benchmarks/NNGenBenchmarks",
            swiftSettings: native,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
