#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `read(2)`, named apart from `FileIO.Reader.read`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }

/// Bounded reads and durable, atomic writes on POSIX calls (no Foundation).
enum FileIO {
    /// The system's message for `errno`.
    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// A regular file open for reading, in order. Opened without blocking and checked to be a
    /// regular file before any read, so a FIFO or a device is an error, never a hang.
    final class Reader {
        let path: String
        /// The size the file system reports; 0 may mean unknown (files under /proc).
        let reportedSize: Int
        private let fd: Int32

        init(_ path: String) throws(SafetensorsError) {
            self.path = path
            fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { throw SafetensorsError(path: path, problem: .io, message: "cannot open: \(FileIO.reason(errno))") }
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                let code = errno
                close(fd)
                throw SafetensorsError(path: path, problem: .io, message: "cannot stat: \(FileIO.reason(code))")
            }
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                close(fd)
                throw SafetensorsError(path: path, problem: .io, message: "not a regular file (a FIFO, a device, a socket or a folder)")
            }
            reportedSize = Int(info.st_size)
        }

        deinit { close(fd) }

        /// The next `count` bytes, or fewer at the end of the file. Allocates `count` bytes, so the
        /// caller bounds it first.
        func read(upTo count: Int) throws(SafetensorsError) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            var filled = 0
            while filled < count {
                let n = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + filled, count - filled) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SafetensorsError(path: path, problem: .io, message: "cannot read: \(FileIO.reason(errno))")
                }
                if n == 0 { break }
                filled += n
            }
            bytes.removeLast(count - filled)
            return bytes
        }
    }

    /// Writes `bytes` to `path` atomically: into a new temporary file in the same folder (a short
    /// name, so a `path` near the file system's name limit works), flushed to disk, then renamed
    /// over `path`. A file already at `path` keeps its permissions; a new one is 0644. On any
    /// failure the temporary file is removed and `path` is left as it was.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(SafetensorsError) {
        let folder = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        var existing = stat()
        let mode: mode_t = stat(path, &existing) == 0 ? existing.st_mode & 0o7777 : 0o644
        var template = Array((folder + ".nngen-save-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw SafetensorsError(path: path, problem: .io, message: "cannot create a temporary file beside it: \(reason(errno))") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        func fail(_ what: String, _ code: Int32) -> SafetensorsError {
            unlink(temporary)
            return SafetensorsError(path: path, problem: .io, message: "\(what): \(reason(code))")
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                throw fail("cannot write", code)
            }
            written += n
        }
        // mkstemp creates the file readable by its owner only.
        if fchmod(fd, mode) != 0 || fsync(fd) != 0 {
            let code = errno
            close(fd)
            throw fail("cannot flush to disk", code)
        }
        guard close(fd) == 0 else { throw fail("cannot close", errno) }
        guard rename(temporary, path) == 0 else { throw fail("cannot replace the file", errno) }
    }
}
