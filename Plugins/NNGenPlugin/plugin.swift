import Foundation
import PackagePlugin

/// The build-tool plugin: every `*.nngen.yaml` (or `*.nngen.yml`) file of a target is run
/// through nngen at build time, and the emitted Swift is compiled into that target.
///
/// One build command per spec, with the spec as its input and one file as its output, so the
/// build system reruns nngen only when that spec (or nngen itself) changed. A spec with an error
/// makes nngen exit with status 1 after printing `path:line:col: error: …`, which fails the build
/// and points the IDE at the YAML line.
@main
struct NNGenPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        return try commands(
            specs: target.sourceFiles.map(\.url), root: target.directoryURL,
            workDirectory: context.pluginWorkDirectoryURL, nngen: try context.tool(named: "nngen").url)
    }

    /// The build commands for the specs among `files`; `root` is the target's folder.
    func commands(specs files: [URL], root: URL, workDirectory: URL, nngen: URL) throws -> [Command] {
        let specs = files.filter { isSpec($0) }.sorted { $0.path < $1.path }
        let output = workDirectory.appendingPathComponent("GeneratedSources", isDirectory: true)
        return specs.map { spec in
            let file = output.appendingPathComponent(outputName(spec, root: root))
            return .buildCommand(
                displayName: "nngen: generating \(file.lastPathComponent) from \(spec.lastPathComponent)",
                executable: nngen,
                arguments: [spec.path, "--output-file", file.path],
                inputFiles: [spec],
                outputFiles: [file])
        }
    }

    func isSpec(_ url: URL) -> Bool {
        url.lastPathComponent.hasSuffix(".nngen.yaml") || url.lastPathComponent.hasSuffix(".nngen.yml")
    }

    /// `Models/tiny.nngen.yaml` → `Models_tiny.nngen.swift`: named after the path inside the
    /// target, so that two specs of the same name in different folders do not collide.
    func outputName(_ spec: URL, root: URL) -> String {
        let rootPath = root.standardizedFileURL.path
        var relative = spec.standardizedFileURL.path
        if relative.hasPrefix(rootPath + "/") { relative.removeFirst(rootPath.count + 1) }
        let base = relative.hasSuffix(".yaml") ? String(relative.dropLast(5)) : String(relative.dropLast(4))
        return base.replacingOccurrences(of: "/", with: "_") + ".swift"
    }
}

#if canImport(XcodeProjectPlugin)
import XcodeProjectPlugin

extension NNGenPlugin: XcodeBuildToolPlugin {
    func createBuildCommands(context: XcodePluginContext, target: XcodeTarget) throws -> [Command] {
        try commands(
            specs: target.inputFiles.map(\.url), root: context.xcodeProject.directoryURL,
            workDirectory: context.pluginWorkDirectoryURL, nngen: try context.tool(named: "nngen").url)
    }
}
#endif
