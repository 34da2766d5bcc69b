import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue #15: the Server-Sent Events stream on a real server — read across a restart with
/// `Last-Event-ID`, and a reader that stops reading is cut off instead of growing memory.
@Suite(.serialized)
struct EventStreamLiveTests {
    /// Opens a stream and reads until `events` event blocks (`id:` with `data:`) have arrived or
    /// `seconds` pass; returns the ids in order.
    static func read(port: Int, bearer: String, lastEventID: String? = nil, after: Int64? = nil, events: Int, seconds: Double = 10) throws -> [String]
    {
        let socket = try RawSocket(port: port, receiveTimeout: 0.25)
        var head =
            "GET /api/v1/events/stream\(after.map { "?after=\($0)" } ?? "") HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(bearer)\r\nAccept: text/event-stream\r\n"
        if let lastEventID { head += "Last-Event-ID: \(lastEventID)\r\n" }
        try socket.send(head + "\r\n")
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = Date().addingTimeInterval(seconds)
        func ids() -> [String] {
            // Chunked transfer encoding frames the body with CRLF lines; Swift reads "\r\n" as one character.
            text.replacingOccurrences(of: "\r", with: "").components(separatedBy: "\n\n").filter {
                $0.contains("\ndata: ") || $0.hasPrefix("data: ") || $0.contains("data: ")
            }
            .compactMap { block in block.split(separator: "\n").first { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) } }
        }
        while Date() < deadline, ids().count < events {
            let count = buffer.withUnsafeMutableBytes { recv(socket.descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { text += String(decoding: buffer[0..<count], as: UTF8.self) } else if count == 0 { break }
        }
        if ids().count < events { Self.lastText.withLock { $0 = text } }
        return ids()
    }

    /// What the last short read received (shown when a test fails).
    static let lastText = Mutex("")

    @Test("A client reading the stream across a server restart resumes with Last-Event-ID: nothing lost, nothing repeated")
    func acrossRestart() async throws {
        let temporary = try TemporarySQLiteStore()
        let world = try await Worlds.scenario(temporary.store)
        let counsel = world.tokens[.counsel]
        let start = try await world.store.head().seq
        // First server: the client reads the client's manifest addition as it happens.
        let first: [String] = try await LiveServerLimitsTests.withLiveServer(world.store) { port in
            async let ids = offPool { try Self.read(port: port, bearer: counsel, after: start, events: 1) }
            try await Task.sleep(for: .milliseconds(300))
            try await world.store.append(records: [TestRecords.manifestAdd("T2", "V3")])
            return try await ids
        }
        let added = try await #require(try await world.store.allEvents().last { $0.type == "manifest-add" }?.seq)
        #expect(first == [String(added)], "\(first): \(Self.lastText.withLock { $0 })")
        // While no server runs, more happens.
        try await world.store.append(records: [
            Scenario.notice("V3", "CRI", servedOn: "2025-06-21T09:00:00Z"),
            Scenario.notice("G1", "CRI", servedOn: "2025-06-21T09:00:00Z"),
            TestRecords.manifestStrike("T2", "V3", reason: "notice period"),
        ])
        let missed = try await world.store.allEvents().filter { $0.seq > added && $0.payload.contains("\"V3\"") && !$0.type.hasPrefix("system.") }.map
        { String($0.seq) }
        // Second server over the same file: the client reconnects with the last id it saw.
        let second: [String] = try await LiveServerLimitsTests.withLiveServer(SQLiteEventStore(path: temporary.path)) { port in
            try await offPool { try Self.read(port: port, bearer: counsel, lastEventID: first.last, events: missed.count) }
        }
        #expect(second == missed, "resumed: \(second); missed while down: \(missed)")
    }

    @Test("A reader that stops reading is cut off after the stall timeout; the server keeps answering")
    func slowReaderCutOff() async throws {
        let temporary = try TemporarySQLiteStore()
        let world = try await Worlds.scenario(temporary.store)
        // Many events, each large enough that an unread stream fills the socket's buffers.
        var records: [JSONValue] = []
        let counsel = "Synthetic counsel " + String(repeating: "c", count: 270)
        for index in 0..<8_000 {
            records.append(
                TestRecords.caseRecord(
                    "BULK-\(index)", nationalities: ["VEN"],
                    extra: ["counsel": .string(counsel), "familyUnit": .string(String(repeating: "u", count: 110) + "\(index)")]))
        }
        try await world.store.append(records: records)
        let monitor = world.tokens[.monitor]
        let log = ServerLoggingTests.FileLog()
        try await LiveServerLimitsTests.withLiveServer(
            world.store, logger: log.logger(level: .notice),
            configure: { configuration in
                configuration.streams = EventStreamSettings(poll: .milliseconds(50), heartbeat: .seconds(1), stallTimeout: .seconds(1))
            }
        ) { port in
            // The reader: a small receive window, and nothing read.
            let socket = try RawSocket(port: port, receiveTimeout: 1)
            var size: Int32 = 4_096
            setsockopt(socket.descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            try socket.send("GET /api/v1/events/stream?after=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(monitor)\r\n\r\n")
            var cutOff = false
            for _ in 0..<300 where !cutOff {
                try await Task.sleep(for: .milliseconds(100))
                log.sink.flushNow()
                cutOff = log.lines.contains { $0.contains("event stream cut off") }
            }
            #expect(cutOff, "the stalled stream was not cut off")
            withExtendedLifetime(socket) {}
            let health = try await offPool { try RawHTTP.get(port: port, "/healthz") }
            #expect(health.status == 200)
        }
    }
}
