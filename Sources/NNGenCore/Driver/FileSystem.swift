import Foundation

/// A file operation that failed: the path and the reason in words, such as `No space left on
/// device` or `is a FIFO (named pipe), not a regular file`.
public struct FileError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "error: \(path): \(reason)" }
}

/// The POSIX calls nngen reads and writes through: no call here blocks on a FIFO, reads more than
/// a stated limit whatever the file's size claims, or reports an error without its path and reason.
enum FileSystem {
    /// What is at a path, following symbolic links.
    enum Kind: Equatable {
        case absent
        case regular(mode: mode_t)
        case folder
        /// A FIFO, a device or a socket, described in words.
        case special(String)
    }

    /// The system's message for an `errno` value.
    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// The words for a file type that is neither a regular file nor a folder.
    static func describe(mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "is a FIFO (named pipe), not a regular file"
        case S_IFCHR, S_IFBLK: "is a device, not a regular file"
        case S_IFSOCK: "is a socket, not a regular file"
        case S_IFDIR: "is a folder, not a file"
        default: "is not a regular file"
        }
    }

    /// What `path` names (after symbolic links).
    static func kind(of path: String) throws(FileError) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return .absent }
            throw FileError(path: path, reason: reason(errno))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular(mode: info.st_mode & 0o7777)
        case S_IFDIR: return .folder
        default: return .special(describe(mode: info.st_mode))
        }
    }

    /// At most `limit` bytes of the regular file at `path` (standard input for "-"); nil when it
    /// holds more. See `prefix`.
    static func readBounded(_ path: String, limit: Int) throws(FileError) -> [UInt8]? {
        let bytes = try prefix(of: path, count: limit + 1)
        return bytes.count <= limit ? bytes : nil
    }

    /// The first `count` bytes of the regular file at `path` (standard input for "-"), or all of
    /// it when shorter. The file is opened without blocking and its type checked before any read,
    /// so a FIFO or a device is an error rather than a hang; it is read until `count` bytes or its
    /// end, whatever its size claims (files under /proc report 0).
    static func prefix(of path: String, count: Int) throws(FileError) -> [UInt8] {
        if path == "-" { return try prefix(ofDescriptor: 0, path: "<stdin>", count: count) }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, reason: reason(errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileError(path: path, reason: reason(errno)) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw FileError(path: path, reason: describe(mode: info.st_mode)) }
        return try prefix(ofDescriptor: fd, path: path, count: count)
    }

    private static func prefix(ofDescriptor fd: Int32, path: String, count: Int) throws(FileError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, reason: reason(errno))
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeLast(count - filled)
        return bytes
    }

    /// Creates `path` and every missing folder above it.
    static func createFolder(_ path: String) throws(FileError) {
        if case .folder = try kind(of: path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try createFolder(parent) }
        guard mkdir(path, 0o777) == 0 || errno == EEXIST else { throw FileError(path: path, reason: reason(errno)) }
        guard case .folder = try kind(of: path) else { throw FileError(path: path, reason: "exists and is not a folder") }
    }

    /// Writes `bytes` to a new file at `path` (which must not exist) with permissions `mode`, and
    /// flushes it to disk. On failure the file is removed.
    static func createDurably(_ path: String, _ bytes: [UInt8], mode: mode_t?, reportedAs target: String) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw FileError(path: target, reason: "cannot create a file beside it: \(reason(errno))") }
        func fail(_ what: String, _ code: Int32) -> FileError {
            close(fd)
            unlink(path)
            return FileError(path: target, reason: "\(what): \(reason(code))")
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("cannot write", errno)
            }
            written += n
        }
        if let mode, fchmod(fd, mode) != 0 { throw fail("cannot keep its permissions", errno) }
        guard fsync(fd) == 0 else { throw fail("cannot flush to disk", errno) }
        guard close(fd) == 0 else {
            unlink(path)
            throw FileError(path: target, reason: "cannot close: \(reason(errno))")
        }
    }

    /// Flushes a folder's entries (the renames into it) to disk. Some file systems refuse fsync
    /// on a folder; the data itself was flushed before the rename, so that is not an error.
    static func syncFolder(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// The names in the folder at `path` (none when it cannot be listed).
    static func names(in path: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    }

    /// Whether a process with this id runs on this machine.
    static func isRunning(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }
}
