import Foundation
import NNGenCore
import XCTest

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The specs of `Specs/`, sorted by name.
func specFiles() throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: repositoryRoot.appendingPathComponent("Specs"), includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == "yaml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
}

/// `Generated/` holds exactly what nngen emits for `Specs/` today, and `GeneratedUnfused/` what it
/// emits with `--no-fusion`: regenerates every spec into a temporary folder and byte-compares,
/// showing a diff on mismatch. To refresh the goldens: `swift run nngen Specs/*.yaml -o Generated/`
/// and `swift run nngen Specs/*.yaml --no-fusion -o GeneratedUnfused/`, and review `git diff`.
final class GoldenTests: XCTestCase {
    func testGeneratedMatchesSpecs() throws { try checkGoldens(in: "Generated", fusion: true) }

    func testGeneratedUnfusedMatchesSpecs() throws { try checkGoldens(in: "GeneratedUnfused", fusion: false) }

    private func checkGoldens(in folder: String, fusion: Bool) throws {
        let command = "swift run nngen Specs/*.yaml\(fusion ? "" : " --no-fusion") -o \(folder)/"
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("nngen-golden-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        var expectedFiles: Set<String> = []
        for spec in try specFiles() {
            let text = try String(contentsOf: spec, encoding: .utf8)
            let file = try Generator.generate(text, path: "Specs/" + spec.lastPathComponent, fusion: fusion)
            expectedFiles.insert(file.fileName)
            let fresh = temporary.appendingPathComponent(file.fileName)
            _ = try OutputWriter.write(file.source, to: fresh)
            let golden = repositoryRoot.appendingPathComponent("\(folder)/\(file.fileName)")
            let goldenText = (try? String(contentsOf: golden, encoding: .utf8)) ?? ""
            if goldenText != file.source {
                XCTFail("\(folder)/\(file.fileName) is out of date with \(spec.lastPathComponent); regenerate with `\(command)`.\n\(diff(golden, fresh))")
            }
        }
        let present = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent(folder).path)
            .filter { $0.hasSuffix(".swift") }
        XCTAssertEqual(Set(present), expectedFiles, "\(folder)/ holds files no spec produces, or misses some")
    }

    /// The same spec gives byte-identical output every time.
    func testGenerationIsDeterministic() throws {
        for spec in try specFiles() {
            let text = try String(contentsOf: spec, encoding: .utf8)
            let first = try Generator.generate(text, path: spec.path)
            for _ in 0..<3 { XCTAssertEqual(try Generator.generate(text, path: spec.path), first) }
            let unfused = try Generator.generate(text, path: spec.path, fusion: false)
            XCTAssertEqual(try Generator.generate(text, path: spec.path, fusion: false), unfused)
            // The header names the file, not the folder it was read from.
            XCTAssertEqual(try Generator.generate(text, path: "elsewhere/" + spec.lastPathComponent), first)
        }
    }

    private func diff(_ a: URL, _ b: URL) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["diff", "-u", a.path, b.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "(diff unavailable)" }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output.prefix(20_000), as: UTF8.self)
    }
}
