import Foundation

/// Writes generated files atomically, and only when their bytes changed.
public enum OutputWriter {
    /// What happened to one file.
    public enum Outcome: Equatable, Sendable { case written, unchanged }

    /// Writes `contents` to `url` unless it already holds exactly those bytes. The new bytes go to a
    /// temporary file in the same folder first and are renamed over the target, so a reader never
    /// sees a half-written file.
    public static func write(_ contents: String, to url: URL) throws -> Outcome {
        let data = Data(contents.utf8)
        if let existing = try? Data(contentsOf: url), existing == data { return .unchanged }
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).nngen-\(UUID().uuidString)")
        do {
            try data.write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        return .written
    }
}
