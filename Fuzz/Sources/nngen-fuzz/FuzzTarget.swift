import NNGenCore

/// One fuzz input: the bytes of a spec file, through everything nngen does short of writing
/// files (`PipelineCheck`). Every input must end in diagnostics or output, never a crash, a hang
/// or a sanitizer report, and the output must pass `PipelineCheck`'s checks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    let problems = PipelineCheck.problems(bytes: bytes)
    if !problems.isEmpty { fatalError("nngen's output fails its checks: \(problems)") }
    return 0
}
