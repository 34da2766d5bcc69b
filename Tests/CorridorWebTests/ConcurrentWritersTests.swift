import CorridorDomain
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Foundation
import Synchronization
import Testing

/// Fifty writers at once through the API of a live server on a SQLite file: every acknowledged
/// record is in the log exactly once, the chain is one line, nothing answers 5xx.
struct ConcurrentWritersTests {
    static let writers = 50
    static let recordsPerWriter = 8

    @Test("50 concurrent writers: each acknowledged record exactly once, a linear chain, no 5xx, verify passes")
    func fiftyWriters() async throws {
        let file = try TemporarySQLiteStore()
        let world = try await Worlds.scenario(file.store)
        let officer = try #require(world.tokens.secrets[.officer])
        let before = try await file.store.head()
        let acknowledged = Collected(), failures = Collected()
        try await LiveServerLimitsTests.withLiveServer(file.store) { port in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<Self.writers {
                    group.addTask {
                        try await offPool {
                            for index in 0..<Self.recordsPerWriter {
                                let id = "CW-\(writer)-\(index)"
                                let body = #"{"type":"case","case":"\#(id)","nationalities":["GTM"]}"#
                                let answer = try RawHTTP.post(port: port, "/api/v1/records", json: body, bearer: officer)
                                if answer.status == 201 {
                                    acknowledged.append(id)
                                } else {
                                    failures.append("\(id): \(answer.status) \(answer.body.prefix(200))")
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let refused = failures.values
        #expect(refused.isEmpty, "\(refused.count) writes refused: \(refused.prefix(5))")
        let ids = acknowledged.values
        #expect(ids.count == Self.writers * Self.recordsPerWriter)

        // Read back from a fresh connection to the file: each id once, seqs contiguous, chain intact.
        let reopened = try file.reopen()
        var seen: [String: Int] = [:]
        var previous = before.seq
        var gaps = 0
        for try await event in reopened.events(from: before.seq + 1) {
            if event.seq != previous + 1 { gaps += 1 }
            previous = event.seq
            guard event.type == "case", case .object(let fields)? = try? JSONParser.parse(event.payload),
                let id = fields["case"]?.stringValue
            else { continue }
            seen[id, default: 0] += 1
        }
        #expect(gaps == 0)
        for id in ids where seen[id] != 1 { Issue.record("\(id) is in the log \(seen[id] ?? 0) times") }
        #expect(seen.count == ids.count)
        let verification = try await reopened.verifyChain()
        #expect(verification.isIntact, "first bad: \(String(describing: verification.firstBad))")
    }
}

/// Strings gathered from several threads.
final class Collected: Sendable {
    private let items = Mutex<[String]>([])
    func append(_ item: String) { items.withLock { $0.append(item) } }
    var values: [String] { items.withLock { $0 } }
}
