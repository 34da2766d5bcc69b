import Dispatch
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the server's log lines go: a file descriptor written in batches. A request appends its
/// line to a buffer and goes on; the buffer is written at most `interval` later, at once when it
/// passes `limit` bytes, and at once for warnings and errors (`LogfmtLogHandler`). At 10,000+
/// requests a second one `write(2)` per line costs the server about an eighth of its capacity;
/// batching costs almost nothing. What can be lost in a crash is the last `interval` of
/// informational lines: nothing the audit relies on (reads are logged in the store, not here).
///
/// As a `Service` (listed first in the group, so it stops last) it writes what is buffered when
/// the group shuts down, after every other service's last lines.
public final class LogSink: Service, Sendable {
    private let descriptor: Int32
    private let interval: DispatchTimeInterval
    private let limit: Int
    private let buffer = Mutex<(bytes: [UInt8], scheduled: Bool)>(([], false))
    /// Serialises writes so batches reach the descriptor in order.
    private let writer = DispatchQueue(label: "corridor.log-sink")

    /// Standard error, flushed every 100 ms (or at 64 KiB).
    public static let standardError = LogSink(descriptor: 2)

    public init(descriptor: Int32, interval: DispatchTimeInterval = .milliseconds(100), limit: Int = 64 * 1024) {
        self.descriptor = descriptor
        self.interval = interval
        self.limit = limit
    }

    /// Queues one line (without its newline); `urgent` lines and a full buffer are written now.
    public func append(_ line: String, urgent: Bool = false) {
        append(bytes: Array(line.utf8), urgent: urgent)
    }

    /// Queues one line given as UTF-8 bytes (without its newline).
    public func append(bytes line: [UInt8], urgent: Bool = false) {
        let schedule = buffer.withLock { state -> Bool in
            state.bytes.append(contentsOf: line)
            state.bytes.append(UInt8(ascii: "\n"))
            if urgent || state.bytes.count >= limit { return true }
            if state.scheduled { return false }
            state.scheduled = true
            writer.asyncAfter(deadline: .now() + interval) { self.flush() }
            return false
        }
        if schedule { writer.async { self.flush() } }
    }

    /// Waits for the group's graceful shutdown, then writes what is buffered.
    public func run() async throws {
        try? await gracefulShutdown()
        flushNow()
    }

    /// Writes whatever is buffered and returns once it is written.
    public func flushNow() {
        writer.sync { flush() }
    }

    private func flush() {
        let bytes = buffer.withLock { state -> [UInt8] in
            let bytes = state.bytes
            state.bytes = []
            state.bytes.reserveCapacity(bytes.count)
            state.scheduled = false
            return bytes
        }
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return  // nowhere left to report a failing log descriptor
                }
                offset += written
            }
        }
    }
}
