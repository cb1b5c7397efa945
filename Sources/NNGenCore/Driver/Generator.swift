/// The pipeline from spec text to emitted Swift source, without touching the file system.
public enum Generator {
    /// Ops doing at most this many scalar operations are unrolled into straight-line code; larger
    /// ones become loops with constant bounds. Measured: see README, "Unrolling".
    public static let defaultUnrollLimit = 16
    /// The largest unroll limit accepted: past it, unrolled code only compiles slower (spiral at
    /// 1,024 took 75 s to compile, at 256 11 s) and runs no faster (README, "Unrolling").
    public static let maximumUnrollLimit = 256

    /// Parses, validates, lowers, differentiates and emits the spec in `text`.
    /// `path` appears in diagnostics; its last component in the emitted header. Without `fusion`,
    /// every op is a kernel of its own (no fused training step, no elementwise chain in one loop,
    /// no one-pass loss and gradient, no helper written inline): the reference that differential
    /// tests compare the fused code with, and what fusion gains is measured against.
    /// `unrollLimit` is clamped to 0...`maximumUnrollLimit` (the CLI refuses values outside).
    public static func generate(_ text: String, path: String, unrollLimit: Int = defaultUnrollLimit,
                                fusion: Bool = true) throws(SpecErrors) -> GeneratedFile {
        let unrollLimit = min(max(unrollLimit, 0), maximumUnrollLimit)
        let spec = try SpecParser.parse(text, path: path)
        switch spec {
        case .network(let network):
            let model = NetworkLowering.lower(network, rewrites: fusion)
            let emitter = NetworkEmitter(model: model, sourceName: fileName(path), unrollLimit: unrollLimit, fusion: fusion)
            if let problem = WorkspaceLimit.check(network, workspaceCount: emitter.workspaceCount) {
                throw SpecErrors(path: path, diagnostics: [problem])
            }
            return GeneratedFile(typeName: network.name, source: emitter.render())
        case .graph(let graph):
            let model = GraphLowering.lower(graph)
            let source = GraphEmitter(model: model, sourceName: fileName(path), unrollLimit: unrollLimit, fusion: fusion).render()
            return GeneratedFile(typeName: graph.name, source: source)
        }
    }

    /// `generate` on a file's bytes: too large or not UTF-8 is a diagnostic with a position.
    public static func generate(bytes: [UInt8], path: String, unrollLimit: Int = defaultUnrollLimit,
                                fusion: Bool = true) throws(SpecErrors) -> GeneratedFile {
        try generate(SpecText.decode(bytes, path: path), path: path, unrollLimit: unrollLimit, fusion: fusion)
    }

    /// The last path component.
    static func fileName(_ path: String) -> String {
        String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(path))
    }
}

/// One emitted file: `<typeName>.swift` with `source`.
public struct GeneratedFile: Sendable, Equatable {
    public var typeName: String
    public var source: String

    public init(typeName: String, source: String) {
        self.typeName = typeName
        self.source = source
    }

    /// The file name the CLI writes.
    public var fileName: String { typeName + ".swift" }
}

extension GeneratedFile {
    /// Why `files` cannot all be written into one folder: two with the same file name, or with
    /// names that differ only in case (one file on a case-insensitive file system, macOS's default).
    public static func nameClashes(_ files: [GeneratedFile]) -> [String] {
        var clashes: [String] = []
        for (_, group) in Dictionary(grouping: files, by: { $0.fileName.lowercased() }).sorted(by: { $0.key < $1.key }) where group.count > 1 {
            let names = Set(group.map(\.fileName)).sorted()
            clashes.append(names.count == 1
                ? "several specs would write \(names[0]); give their models different names"
                : "the models would write \(names.joined(separator: " and ")), which differ only in case: one file on a case-insensitive file system (macOS's default); give them names that differ in more than case")
        }
        return clashes
    }
}
