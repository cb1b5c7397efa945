import Benchmark
import Foundation
import NNGenCore
import Workloads

/// The folder of the workloads' specs.
let specFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Sources/Workloads")

let benchmarks: @Sendable () -> Void = {
    // One training step (or inference call) per iteration; mallocs are counted per iteration, so
    // the allocation-free entry point must show 0.
    for workload in Workload.all {
        for api in ["buffers", "arrays"] {
            Benchmark("\(workload.name) step (\(api))",
                      configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
                                           warmupIterations: 10, scalingFactor: .one, maxDuration: .seconds(2),
                                           maxIterations: 100_000)) { benchmark in
                let runner = workload.makeRunner()
                let step = api == "buffers" ? runner.stepBuffers : runner.stepArrays
                step()  // the first call may allocate lazily; not measured
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { step() }
                benchmark.stopMeasurement()
                blackHole(runner.last)
            }
        }
    }
    // Generation time of each spec: parse, validate, lower, differentiate, emit.
    for workload in Workload.all {
        Benchmark("generate \(workload.spec)", configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(2))) { benchmark in
            let path = specFolder.appendingPathComponent(workload.spec).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(try Generator.generate(text, path: path)) }
        }
    }
}
