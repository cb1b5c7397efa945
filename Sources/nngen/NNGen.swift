import ArgumentParser
import Foundation
import NNGenCore

/// `nngen SPEC... -o DIR`: generates one Swift file per spec; `nngen check SPEC...` validates only.
@main
struct NNGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nngen",
        abstract: "Generates fixed-shape Swift code, forward and backward, from neural network and computational graph specs.",
        subcommands: [Generate.self, Check.self, Explain.self, Draw.self],
        defaultSubcommand: Generate.self
    )
}

/// Reads each spec and runs the pipeline; prints every diagnostic to standard error.
/// Returns the generated files, or nil when any spec had an error.
func generateAll(_ paths: [String], unrollLimit: Int, fusion: Bool = true) -> [GeneratedFile]? {
    var files: [GeneratedFile] = []
    var failed = false
    for (index, path) in paths.enumerated() {
        if let first = paths[..<index].firstIndex(where: { sameFile($0, path) }) {
            printError("error: \(path) is named twice (argument \(first + 1) is the same file); name each spec once")
            failed = true
            continue
        }
        guard let text = readSpec(path) else {
            failed = true
            continue
        }
        do {
            files.append(try Generator.generate(text, path: path, unrollLimit: unrollLimit, fusion: fusion))
        } catch {
            printError(error.description)
            failed = true
        }
    }
    for clash in GeneratedFile.nameClashes(files) {
        printError("error: \(clash)")
        failed = true
    }
    return failed ? nil : files
}

/// Whether two paths name one file (the same device and inode), or are the same text.
func sameFile(_ a: String, _ b: String) -> Bool {
    if a == b { return true }
    var x = stat(), y = stat()
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino
}

/// The text of a spec file, or nil after printing `path:1:1: error: …`: bounded, never blocking
/// on a FIFO, the reason in words (see `SpecFile.read`).
func readSpec(_ path: String) -> String? {
    do {
        return try SpecFile.read(path)
    } catch {
        printError(error.description)
        return nil
    }
}

/// Writes `targets` all or nothing (see `OutputWriter.writeAll`), printing each file written.
func writeOutputs(_ targets: [(url: URL, contents: String)], force: Bool) throws {
    do {
        for (target, outcome) in zip(targets, try OutputWriter.writeAll(targets, force: force)) where outcome == .written {
            print("wrote \(target.url.path)")
        }
    } catch {
        printError(error.description)
        throw ExitCode.failure
    }
}

/// Writes `message` and a newline to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

extension NNGen {
    /// Generates `DIR/<Name>.swift` for every spec (or one named file, as the build plugin asks);
    /// writes nothing when any spec has an error.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Generate Swift source from specs (the default).")

        @Argument(help: "Spec files (.yaml).")
        var specs: [String]

        @Option(name: .shortAndLong, help: "Output folder for the generated .swift files, each named after its model.")
        var output: String?

        @Option(help: ArgumentHelp("The file to write, for a single spec (instead of -o).", valueName: "PATH"))
        var outputFile: String?

        @Flag(help: "Validate the specs without writing anything.")
        var check = false

        @Flag(help: "Replace output files that nngen did not write (without it, such a file stops the run before anything is written).")
        var force = false

        @Option(help: "Unroll ops of at most this many scalar operations (0 to \(Generator.maximumUnrollLimit); default \(Generator.defaultUnrollLimit)).")
        var unrollLimit = Generator.defaultUnrollLimit

        @Flag(inversion: .prefixedNo, help: "Fuse ops (the fused training step, elementwise chains in one loop, the loss with its gradient); --no-fusion emits every op as a kernel of its own, the reference for differential tests.")
        var fusion = true

        func validate() throws {
            guard (0...Generator.maximumUnrollLimit).contains(unrollLimit) else {
                throw ValidationError("--unroll-limit must be between 0 and \(Generator.maximumUnrollLimit), found \(unrollLimit)")
            }
            switch (output, outputFile) {
            case (nil, nil) where !check: throw ValidationError("Give the output folder with -o DIR (or one file with --output-file PATH).")
            case (.some, .some): throw ValidationError("Give either -o DIR or --output-file PATH, not both.")
            case (nil, .some) where specs.count != 1: throw ValidationError("--output-file takes exactly one spec; use -o DIR for several.")
            default: break
            }
        }

        func run() throws {
            guard let files = generateAll(specs, unrollLimit: unrollLimit, fusion: fusion) else { throw ExitCode.failure }
            if check { return }
            let targets: [(url: URL, contents: String)]
            if let outputFile {
                targets = [(URL(fileURLWithPath: outputFile), files[0].source)]
            } else {
                let folder = URL(fileURLWithPath: output!, isDirectory: true)
                targets = files.map { (folder.appendingPathComponent($0.fileName), $0.source) }
            }
            try writeOutputs(targets, force: force)
        }
    }

    /// Validates specs and reports every error, writing nothing.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate specs without writing anything.")

        @Argument(help: "Spec files (.yaml).")
        var specs: [String]

        func run() throws {
            guard generateAll(specs, unrollLimit: Generator.defaultUnrollLimit) != nil else { throw ExitCode.failure }
        }
    }
}
