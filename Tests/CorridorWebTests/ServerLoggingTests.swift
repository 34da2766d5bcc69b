import CorridorStore
import CorridorTestSupport
import Foundation
import Logging
import Testing

@testable import CorridorWeb

/// The server's own log: logfmt lines on a batching sink, and one access line per answered
/// request (without the query string).
@Suite("Server log: logfmt lines, batching, the access log")
struct ServerLoggingTests {
    /// A sink writing into a fresh temporary file, and a way to read it back.
    final class FileLog: Sendable {
        let url: URL
        let sink: LogSink
        private let descriptor: Int32

        init(interval: DispatchTimeInterval = .milliseconds(100)) {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("corridor-log-\(UUID().uuidString).log")
            descriptor = open(url.path, O_CREAT | O_WRONLY | O_APPEND, 0o600)
            sink = LogSink(descriptor: descriptor, interval: interval)
        }

        deinit {
            close(descriptor)
            try? FileManager.default.removeItem(at: url)
        }

        var lines: [String] { ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }

        func logger(level: Logger.Level = .info) -> Logger {
            var logger = Logger(label: "corridor") { [sink] in LogfmtLogHandler(label: $0, sink: sink) }
            logger.logLevel = level
            return logger
        }
    }

    @Test("A line is logfmt: timestamp, level, logger, message, then metadata sorted by key, quoted only when it must be")
    func lineFormat() async throws {
        let log = FileLog()
        var logger = log.logger()
        logger[metadataKey: "zone"] = "handler"
        logger.info("caseload in memory", metadata: ["cases": "1000000", "note": "a \"quoted\" = value\nnext", "zone": "explicit"])
        log.sink.flushNow()
        let line = try await #require(log.lines.first)
        let pattern =
            #/^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=info logger=corridor msg="caseload in memory" cases=1000000 note="a \\"quoted\\" = value\\nnext" zone=explicit$/#
        #expect(line.wholeMatch(of: pattern) != nil, "\(line)")
        #expect(log.lines.count == 1)
    }

    @Test("Informational lines wait for the batch; warnings are written at once, with their source")
    func batching() async throws {
        let log = FileLog(interval: .seconds(60))
        let logger = log.logger()
        logger.info("first")
        logger.info("second")
        #expect(log.lines.isEmpty, "written before the batch interval: \(log.lines)")
        logger.warning("disk nearly full")
        var waited = 0
        while log.lines.count < 3, waited < 100 {
            try await Task.sleep(for: .milliseconds(20))
            waited += 1
        }
        let lines = log.lines
        #expect(lines.count == 3, "\(lines)")
        #expect(
            lines.map { $0.contains("msg=first") || $0.contains("msg=second") || $0.contains("msg=\"disk nearly full\"") } == [true, true, true],
            "order kept: \(lines)")
        #expect(lines.last?.contains(" source=") == true, "\(lines)")
    }

    @Test("Below the logger's level nothing is written")
    func levels() {
        let log = FileLog()
        let logger = log.logger(level: .warning)
        logger.info("not written")
        logger.error("written")
        log.sink.flushNow()
        #expect(log.lines.count == 1 && log.lines[0].contains("level=error"), "\(log.lines)")
    }

    @Test("Every answered request gets one access line: method, path without the query, status, duration")
    func accessLog() async throws {
        let world = try await Worlds.scenario()
        let log = FileLog()
        try await world.test(logger: log.logger()) { caller in
            _ = try await caller.get("/api/v1/cases/V1/check?to=SLV&on=2025-07-01", as: .role(.officer))
            _ = try await caller.get("/api/v1/cases/V1", as: .anonymous)
            _ = try await caller.get("/api/v1/cases/NOBODY/check?to=SLV", as: .role(.officer))
        }
        log.sink.flushNow()
        let requests = log.lines.filter { $0.contains("msg=request ") }
        #expect(requests.count == 3, "\(log.lines)")
        let expected = [("/api/v1/cases/V1/check", 200), ("/api/v1/cases/V1", 401), ("/api/v1/cases/NOBODY/check", 404)]
        for (line, (path, status)) in zip(requests, expected) {
            #expect(line.contains(" method=GET ") && line.contains(" path=\(path) ") && line.hasSuffix(" status=\(status)"), "\(line)")
            #expect(line.wholeMatch(of: #/.* ms=\d+\.\d{3} .*/#) != nil, "\(line)")
            #expect(!line.contains("2025-07-01") && !line.contains("to=SLV"), "the query string is not logged: \(line)")
        }
    }

    @Test("Values with blanks, quotes, equals signs or control characters are quoted and escaped")
    func quoting() {
        #expect(LogfmtLogHandler.value("plain") == "plain")
        #expect(LogfmtLogHandler.value("") == "\"\"")
        #expect(LogfmtLogHandler.value("two words") == "\"two words\"")
        #expect(LogfmtLogHandler.value("a=b") == "\"a=b\"")
        #expect(LogfmtLogHandler.value("back\\slash") == "\"back\\\\slash\"")
        #expect(LogfmtLogHandler.value("bell\u{07}") == "\"bell\\u0007\"")
        #expect(LogfmtLogHandler.key("bad key=") == "bad_key_")
    }
}

extension ServerLoggingTests {
    @Test("A read-log commit slower than the threshold is a warning naming its duration and how many reads waited; a fast one is silent")
    func slowReadLogCommit() async throws {
        let store = InMemoryEventStore()
        let principal = Principal(tokenID: "tok_test", name: "test", role: .officer)
        for (threshold, warns) in [(Duration.zero, true), (Duration.seconds(60), false)] {
            let log = FileLog()
            let readLog = ReadAuditLog(store: store, clock: { TestClock.instant }, logger: log.logger(), slowCommit: threshold)
            let before = try await store.head().seq
            try await readLog.record(principal, caseID: "C1", route: "GET /api/v1/cases/{id}")
            #expect(try await store.head().seq == before + 1, "the read was not recorded")
            log.sink.flushNow()
            let warnings = log.lines.filter { $0.contains("level=warning") }
            if warns {
                #expect(
                    warnings.count == 1 && warnings[0].contains("msg=\"slow read-log commit: the reads waiting for it were delayed\"")
                        && warnings[0].contains(" reads=1") && warnings[0].wholeMatch(of: #/.* ms=\d+ .*/#) != nil, "\(log.lines)")
            } else {
                #expect(warnings.isEmpty, "\(log.lines)")
            }
        }
    }
}
