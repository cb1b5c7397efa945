#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `write(2)` to standard output, named apart from `ProgressReporter.write`.
private func writeToStandardOutput(_ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(STDOUT_FILENO, bytes, count) }

/// What `fit` prints: a line per epoch, or on a terminal a bar redrawn in place during the epoch
/// (steps done, steps/s, time left) that the epoch's line then replaces.
struct ProgressReporter {
    let style: ProgressStyle
    let epochs: Int
    private var epochStart = ContinuousClock.now
    private var lastDraw = ContinuousClock.now

    init(style: ProgressStyle, epochs: Int) {
        if style == .automatic {
            self.style = isatty(STDOUT_FILENO) != 0 ? .bar : .lines
        } else {
            self.style = style
        }
        self.epochs = epochs
    }

    mutating func startEpoch() {
        epochStart = .now
        lastDraw = epochStart
    }

    /// After each step: redraws the bar at most 20 times a second, and at the last step.
    mutating func step(_ done: Int, of steps: Int, epoch: Int, loss: Double) {
        guard style == .bar else { return }
        let now = ContinuousClock.now
        guard done == steps || now - lastDraw >= .milliseconds(50) else { return }
        lastDraw = now
        let elapsed = Self.seconds(now - epochStart)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(steps - done) / rate : 0
        let width = 24, filled = steps > 0 ? width * done / steps : width
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" + String(repeating: " ", count: width - filled - 1) : "")
        write("\r\u{1B}[2Kepoch \(epoch)/\(epochs) [\(bar)] \(done)/\(steps) steps, \(Self.fixed(rate, 0)) steps/s, ETA \(Self.fixed(left, 1)) s, loss \(Self.fixed(loss, 4))")
    }

    /// The epoch's line.
    func endEpoch(_ record: EpochRecord, names: [String]) {
        guard style != .silent else { return }
        let metrics = names.compactMap { name in record.metrics[name].map { "\(name) \(Self.fixed($0, 4))" } }.joined(separator: ", ")
        write((style == .bar ? "\r\u{1B}[2K" : "") + "epoch \(record.epoch)/\(epochs): \(metrics) (\(Self.fixed(record.seconds, 2)) s)\n")
    }

    func note(_ text: String) {
        guard style != .silent else { return }
        write(text + "\n")
    }

    private func write(_ text: String) {
        fflush(nil)  // what the program printed before comes first
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { writeToStandardOutput($0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }  // output closed: progress is not worth failing the run
            written += n
        }
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, attoseconds) = d.components
        return Double(s) + Double(attoseconds) * 1e-18
    }

    /// `v` with `digits` decimals (no Foundation formatting).
    static func fixed(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return String(v) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let n = (v.magnitude * scale).rounded()
        guard n < 1e15 else { return String(v) }
        let whole = Int(n / scale), fraction = Int(n - Double(whole) * scale)
        var text = (v < 0 && n > 0 ? "-" : "") + String(whole)
        if digits > 0 {
            let f = String(fraction)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return text
    }
}
