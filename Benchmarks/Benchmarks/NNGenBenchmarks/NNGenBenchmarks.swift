import Benchmark
import Foundation
import NNGenCore
import Workloads

/// The folder of the workloads' specs.
let specFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Sources/Workloads")

let benchmarks: @Sendable () -> Void = {
    // What the harness itself allocates while measuring: the baseline the step benchmarks are read
    // against (a step that allocates nothing shows exactly this count).
    Benchmark("baseline (measures nothing)", configuration: .init(metrics: [.mallocCountTotal], scalingFactor: .kilo)) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(0) }
        benchmark.stopMeasurement()
    }
    // 1,000 training steps (or inference calls) per sample: the malloc count of a sample is the
    // harness's baseline plus 1,000 × what one step allocates.
    for workload in Workload.all {
        for api in ["buffers", "arrays"] {
            Benchmark("\(workload.name) step (\(api))",
                      configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
                                           warmupIterations: 10, scalingFactor: .kilo, maxDuration: .seconds(2),
                                           maxIterations: 1_000)) { benchmark in
                let runner = workload.makeRunner()
                let step = api == "buffers" ? runner.stepBuffers : runner.stepArrays
                step()  // the first call may allocate lazily; not measured
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { step() }
                benchmark.stopMeasurement()
                blackHole(runner.last())
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
