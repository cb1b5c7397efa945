import XCTest

/// `scores(_:into:workspace:)` writes the forward pass's scores straight into the caller's buffer
/// when it does not overlap the inputs, and through the workspace when it does (docs/GENERATED-API.md,
/// "added in 1.5"). For n = 1, a batch and one, and two batches and three examples (the batch and
/// single-example paths), three placements give bit for bit the scores of a separate buffer:
/// - apart, inside a larger buffer filled with NaN: every scalar outside the `n × outputCount`
///   written is still NaN (a kernel that wrote past C's end would now write past the caller's buffer);
/// - in place, the output at the inputs' first scalar (when an example has no more outputs than
///   inputs, each block's scores then land on inputs already read);
/// - overlapping the inputs' first scalar only, from below (the last score overwrites it after
///   it was read).
func checkScoresPlacement<M: ScoringModel>(_ type: M.Type, spec: String, inputs: [M.Scalar]) throws {
    let model = M(seed: 11)
    let width = M.inputCount, outputs = M.outputCount, b = M.batchSize
    var workspace = M.Workspace()
    for n in Set([1, b + 1, 2 * b + 3]).sorted() where n * width <= inputs.count {
        let x = Array(inputs[0..<n * width])
        let expected = try model.scores(x)
        let count = n * outputs
        // Apart, with NaN on both sides.
        let margin = 24
        var padded = [M.Scalar](repeating: .nan, count: count + 2 * margin)
        try x.withUnsafeBufferPointer { x in
            try padded.withUnsafeMutableBufferPointer { all in
                try model.scores(x, into: UnsafeMutableBufferPointer(rebasing: all[margin..<margin + count]), workspace: &workspace)
            }
        }
        XCTAssertEqual(Array(padded[margin..<margin + count]), expected, "\(spec): scores of \(n) into a separate buffer")
        let touched = padded.indices.filter { ($0 < margin || $0 >= margin + count) && !padded[$0].isNaN }
        XCTAssertEqual(touched, [], "\(spec): scores of \(n) wrote outside the output buffer")
        // In place.
        if outputs <= width {
            var shared = x
            try shared.withUnsafeMutableBufferPointer { all in
                try model.scores(UnsafeBufferPointer(all), into: UnsafeMutableBufferPointer(rebasing: all[0..<count]), workspace: &workspace)
            }
            XCTAssertEqual(Array(shared[0..<count]), expected, "\(spec): scores of \(n) in place over the inputs")
        }
        // The output's last scalar is the inputs' first.
        var below = [M.Scalar](repeating: 0, count: count - 1) + x
        try below.withUnsafeMutableBufferPointer { all in
            try model.scores(UnsafeBufferPointer(rebasing: all[(count - 1)...]), into: UnsafeMutableBufferPointer(rebasing: all[0..<count]),
                             workspace: &workspace)
        }
        XCTAssertEqual(Array(below[0..<count]), expected, "\(spec): scores of \(n) into a buffer ending on the inputs' first scalar")
    }
}
