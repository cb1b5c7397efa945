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
    for path in paths {
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
    let names = Dictionary(grouping: files, by: \.fileName).filter { $0.value.count > 1 }.keys.sorted()
    for name in names {
        printError("error: several specs would write \(name); give their models different names")
        failed = true
    }
    return failed ? nil : files
}

/// The text of a spec file, or nil after printing `path:line:col: error: …`. A file over the size
/// limit is refused before it is read, so a huge file costs neither time nor memory.
func readSpec(_ path: String) -> String? {
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
    if let size, size > YAMLReader.maximumSize {
        printError(SpecText.tooLarge(size).rendered(path: path))
        return nil
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        printError("\(path):1:1: error: cannot read the spec file")
        return nil
    }
    do {
        return try SpecText.decode([UInt8](data), path: path)
    } catch {
        printError(error.description)
        return nil
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

        @Option(help: "Unroll ops of at most this many scalar operations (default \(Generator.defaultUnrollLimit)).")
        var unrollLimit = Generator.defaultUnrollLimit

        @Flag(inversion: .prefixedNo, help: "Fuse ops (the fused training step, elementwise chains in one loop, the loss with its gradient); --no-fusion emits every op as a kernel of its own, the reference for differential tests.")
        var fusion = true

        func validate() throws {
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
            let targets: [(URL, GeneratedFile)]
            if let outputFile {
                targets = [(URL(fileURLWithPath: outputFile), files[0])]
            } else {
                let folder = URL(fileURLWithPath: output!, isDirectory: true)
                targets = files.map { (folder.appendingPathComponent($0.fileName), $0) }
            }
            // Every target is checked before any is written, so a refusal changes nothing on disk.
            if !force {
                var refused = false
                for (url, _) in targets {
                    do { try OutputWriter.checkOwnership(of: url) } catch {
                        printError(error.description)
                        refused = true
                    }
                }
                if refused { throw ExitCode.failure }
            }
            for (url, file) in targets {
                if try OutputWriter.write(file.source, to: url) == .written { print("wrote \(url.path)") }
            }
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
