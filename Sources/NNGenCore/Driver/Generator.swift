/// The pipeline from spec text to emitted Swift source, without touching the file system.
public enum Generator {
    /// Ops doing at most this many scalar operations are unrolled into straight-line code; larger
    /// ones become loops with constant bounds. Measured: see README, "Unrolling".
    public static let defaultUnrollLimit = 16

    /// Parses, validates, lowers, differentiates and emits the spec in `text`.
    /// `path` appears in diagnostics; its last component in the emitted header. Without `fusion`,
    /// every op is a kernel of its own (no fused training step, no elementwise chain in one loop,
    /// no one-pass loss and gradient, no helper written inline): the reference that differential
    /// tests compare the fused code with, and what fusion gains is measured against.
    public static func generate(_ text: String, path: String, unrollLimit: Int = defaultUnrollLimit,
                                fusion: Bool = true) throws(SpecErrors) -> GeneratedFile {
        let spec = try SpecParser.parse(text, path: path)
        switch spec {
        case .network(let network):
            let model = NetworkLowering.lower(network)
            let source = NetworkEmitter(model: model, sourceName: fileName(path), unrollLimit: unrollLimit, fusion: fusion).render()
            return GeneratedFile(typeName: network.name, source: source)
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
    /// The file name the CLI writes.
    public var fileName: String { typeName + ".swift" }
}
