import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory nngen-generate [--specs DIR] [--output DIR]`:
/// regenerates a package's checked-in generated code, every `*.yaml` spec of the specs folder
/// (default `Specs`) into the output folder (default `Generated`), as this repository refreshes
/// its `Generated/` from `Specs/`. Files are rewritten only when their bytes change; nothing is
/// written when any spec has an error.
@main
struct NNGenGenerate: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var extractor = ArgumentExtractor(arguments)
        let specsFolder = extractor.extractOption(named: "specs").last ?? "Specs"
        let outputFolder = extractor.extractOption(named: "output").last ?? "Generated"
        guard extractor.remainingArguments.isEmpty else {
            throw GenerateError("unexpected arguments \(extractor.remainingArguments); use --specs DIR and --output DIR")
        }
        let root = context.package.directoryURL
        let specs = root.appendingPathComponent(specsFolder, isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: specs.path)) ?? []
        let files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { specs.appendingPathComponent($0).path }
        guard !files.isEmpty else { throw GenerateError("no .yaml specs in \(specs.path)") }
        let process = Process()
        process.executableURL = try context.tool(named: "nngen").url
        process.arguments = files + ["-o", root.appendingPathComponent(outputFolder, isDirectory: true).path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GenerateError("nngen failed (exit status \(process.terminationStatus)); nothing was written")
        }
    }
}

/// Why `nngen-generate` stopped.
struct GenerateError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
