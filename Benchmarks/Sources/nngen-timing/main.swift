// nngen-timing: times one step of each workload the way ../shared/bench/anchors.py times the
// Python frameworks, so that compare.py can put them side by side: warm up for at least 0.2 s
// and 10 calls, calibrate n so that n calls take at least --min-time seconds, then --repeats
// repeats of n calls; each repeat gives a per-call mean, and the median of those is reported.
// Prints one JSON object per line: workload, api ("buffers" or "arrays"), median/min/max µs.
// With --generation it times nngen itself instead: generating each workload's spec, in process.
// The workloads are the five of ../shared/bench, then the sweep (Benchmarks/sweep.py), then the
// convolutional ones (Benchmarks/convnets.py).
//
//   swift run -c release nngen-timing [--workloads xor,spiral] [--apis buffers] [--min-time 0.5] [--repeats 7]
//   swift run -c release nngen-timing --generation
//   swift run -c release nngen-timing --list
//   swift run nngen-timing --once      # one call of each, no warm-up: CI's check that all run
import Foundation
import NNGenCore
import Workloads

var minTime = 0.5, repeats = 7
var selected: Set<String>?
var generation = false, once = false
var apis = ["buffers", "arrays"]
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--min-time": minTime = Double(arguments.next() ?? "") ?? minTime
    case "--repeats": repeats = Int(arguments.next() ?? "") ?? repeats
    case "--workloads": selected = Set((arguments.next() ?? "").split(separator: ",").map(String.init))
    case "--apis": apis = (arguments.next() ?? "").split(separator: ",").map(String.init)
    case "--generation": generation = true
    case "--once": once = true
    case "--list":
        for workload in Workload.all + Workload.sweep + Workload.convolutional { print(workload.name) }
        exit(0)
    default:
        FileHandle.standardError.write(Data("usage: nngen-timing [--workloads a,b] [--apis buffers,arrays] [--min-time s] [--repeats n] [--once] [--generation | --list]\n".utf8))
        exit(2)
    }
}

/// Seconds since an arbitrary start, from the monotonic clock.
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Per-call means of `repeats` repeats, in µs, after warm-up and calibration; with `--once`, the
/// time of one call, cold (a check that the workload runs, not a measurement).
func time(_ call: () -> Void, minTime: Double, repeats: Int, once: Bool = false) -> [Double] {
    if once {
        let start = now()
        call()
        return [(now() - start) * 1e6]
    }
    let warmEnd = now() + 0.2
    var calls = 0
    while now() < warmEnd || calls < 10 {
        call()
        calls += 1
    }
    var n = 1
    while true {
        let start = now()
        for _ in 0..<n { call() }
        let elapsed = now() - start
        if elapsed >= minTime { break }
        n = elapsed <= 0 ? n * 10 : max(n + 1, Int(Double(n) * min(10, 1.2 * minTime / elapsed)))
    }
    return (0..<repeats).map { _ in
        let start = now()
        for _ in 0..<n { call() }
        return (now() - start) / Double(n) * 1e6
    }
}

if generation {
    // The specs, from this file's place in the package.
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Workloads")
    for workload in Workload.all + Workload.sweep + Workload.convolutional where selected?.contains(workload.name) ?? true {
        let path = folder.appendingPathComponent(workload.spec).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let samples = time({ _ = try! Generator.generate(text, path: path) }, minTime: minTime, repeats: repeats, once: once).sorted()
        print("{\"workload\": \"\(workload.name)\", \"median_ms\": \(samples[samples.count / 2] / 1000)}")
    }
    exit(0)
}

for workload in Workload.all + Workload.sweep + Workload.convolutional where selected?.contains(workload.name) ?? true {
    for api in apis {
        let runner = workload.makeRunner()
        let samples = time(api == "buffers" ? runner.stepBuffers : runner.stepArrays, minTime: minTime, repeats: repeats, once: once).sorted()
        let median = samples[samples.count / 2]
        let gflops = Double(workload.requiredFLOPs) / median / 1e3
        print("{\"workload\": \"\(workload.name)\", \"api\": \"\(api)\", \"median_us\": \(median), \"min_us\": \(samples.first!), \"max_us\": \(samples.last!), \"gflops\": \(gflops), \"flops\": \(workload.requiredFLOPs), \"check\": \(runner.last())}")
    }
}
