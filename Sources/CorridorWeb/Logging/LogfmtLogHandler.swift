#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CorridorDomain
import Logging
import Synchronization

/// A swift-log handler writing one logfmt line per message (`ts=… level=… logger=… msg=… key=value…`),
/// which log tools parse without configuration, into a batching `LogSink`. Warnings and worse
/// are written at once.
public struct LogfmtLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: LogSink

    public init(label: String, sink: LogSink = .standardError, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sink = sink
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // Explicit metadata wins over the provider's, which wins over the handler's; keys sorted.
        var pairs: [(key: String, value: Logger.MetadataValue)] = []
        pairs.reserveCapacity(metadata.count + (event.metadata?.count ?? 0))
        func add(_ more: Logger.Metadata) {
            for (key, value) in more {
                if let index = pairs.firstIndex(where: { $0.key == key }) { pairs[index].value = value } else { pairs.append((key, value)) }
            }
        }
        add(metadata)
        if let provided = metadataProvider?.get() { add(provided) }
        if let explicit = event.metadata { add(explicit) }
        pairs.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }

        var line = ""
        line.reserveCapacity(160)
        line += "ts="
        line += Timestamp.now()
        line += " level="
        line += event.level.rawValue
        line += " logger="
        line += Self.value(label)
        line += " msg="
        line += Self.value(event.message.description)
        for (key, value) in pairs {
            line += " "
            line += Self.key(key)
            line += "="
            line += Self.value(value.description)
        }
        if event.level >= .warning { line += " source=" + Self.value(event.source) }
        sink.append(line, urgent: event.level >= .warning)
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
                    file: String, function: String, line: UInt) {
        log(event: LogEvent(level: level, message: message, metadata: metadata, source: source, file: file, function: function, line: line))
    }

    /// A logfmt key: characters that would break the line become `_`.
    static func key(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\"") }) else { return text.isEmpty ? "_" : text }
        return String(text.map { $0.isWhitespace || $0 == "=" || $0 == "\"" ? "_" : $0 })
    }

    /// A logfmt value: bare when it is safe, else quoted with JSON's escapes (which logfmt
    /// parsers read as Go-style quoted strings).
    static func value(_ text: String) -> String {
        let needsQuotes = text.isEmpty || text.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0x7F }
        guard needsQuotes else { return text }
        var bytes: [UInt8] = []
        JSONValue.writeString(text, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// UTC timestamps with milliseconds (`2026-11-30T06:42:04.123Z`); the date and time part is
/// formatted once per second.
enum Timestamp {
    private static let cache = Mutex<(second: Int, text: String)>((-1, ""))

    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let second = Int(spec.tv_sec)
        let milliseconds = Int(spec.tv_nsec) / 1_000_000
        let prefix = cache.withLock { cached -> String in
            if cached.second == second { return cached.text }
            var time = time_t(second)
            var parts = tm()
            gmtime_r(&time, &parts)
            let text = pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
                + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2) + "."
            cached = (second, text)
            return text
        }
        return prefix + pad(milliseconds, 3) + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
