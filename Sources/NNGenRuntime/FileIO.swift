#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whole-file reads and atomic writes on POSIX calls (no Foundation).
enum FileIO {
    /// The system's message for `errno`.
    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Every byte of the file at `path`.
    static func readAll(_ path: String) throws(SafetensorsError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SafetensorsError(path: path, problem: .io, message: "cannot open: \(reason(errno))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SafetensorsError(path: path, problem: .io, message: "cannot stat: \(reason(errno))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw SafetensorsError(path: path, problem: .io, message: "not a regular file") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SafetensorsError(path: path, problem: .io, message: "cannot read: \(reason(errno))")
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    /// Writes `bytes` to `path` atomically: into a new temporary file in the same folder, flushed
    /// to disk, then renamed over `path`. On any failure the temporary file is removed and `path`
    /// is left as it was.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(SafetensorsError) {
        var template = Array((path + ".tmp-XXXXXX").utf8CString)
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
        // mkstemp creates the file readable by its owner only; a saved model is an ordinary file.
        if fchmod(fd, 0o644) != 0 || fsync(fd) != 0 {
            let code = errno
            close(fd)
            throw fail("cannot flush to disk", code)
        }
        guard close(fd) == 0 else { throw fail("cannot close", errno) }
        guard rename(temporary, path) == 0 else { throw fail("cannot replace the file", errno) }
    }
}
