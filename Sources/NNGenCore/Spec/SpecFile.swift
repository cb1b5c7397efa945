/// Reads a spec file for the CLI: bounded, never blocking, every failure a diagnostic at 1:1 that
/// names the reason in words.
public enum SpecFile {
    /// The text of the spec at `path` ("-" reads standard input). A FIFO, a folder or a device is
    /// refused before anything is read; at most `YAMLReader.maximumSize` + 1 bytes are read,
    /// whatever size the file claims; then the bytes must be UTF-8 (`SpecText.decode`).
    public static func read(_ path: String) throws(SpecErrors) -> String {
        let bytes: [UInt8]?
        do {
            bytes = try FileSystem.readBounded(path, limit: YAMLReader.maximumSize)
        } catch {
            throw SpecErrors(path: path, diagnostics: [.error("cannot read the spec: \(error.reason)", at: .start)])
        }
        guard let bytes else {
            throw SpecErrors(path: path, diagnostics: [.error("the spec is over the limit of \(YAMLReader.maximumSize) bytes", at: .start)])
        }
        return try SpecText.decode(bytes, path: path)
    }
}
