import NNGenCore

/// One fuzz input: the bytes of a spec file, through the whole pipeline short of writing files.
/// Every input must end in diagnostics or Swift source (never a crash, a hang or a sanitizer
/// report); the same input must give the same bytes twice; and emitted source must pass
/// `EmittedSourceCheck` (no spec text can break out of identifiers and comments).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    let first = try? Generator.generate(bytes: bytes, path: "fuzz.yaml")
    guard let first else { return 0 }
    let problems = EmittedSourceCheck.problems(in: first.source)
    if !problems.isEmpty { fatalError("emitted source fails its check: \(problems)") }
    let second = try? Generator.generate(bytes: bytes, path: "fuzz.yaml")
    if second != first { fatalError("the same spec gave different output") }
    return 0
}
