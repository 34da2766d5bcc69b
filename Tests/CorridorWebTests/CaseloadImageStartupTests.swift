import CorridorDomain
import CorridorServices
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Synchronization
import Testing

/// A server on a store that keeps a caseload image starts from it: `/readyz` says not ready
/// until the caseload is in memory, then ready; the log says where the caseload came from.
struct CaseloadImageStartupTests {
    @Test("On a store with an image, /readyz is a 503 not-ready problem until the warmer has loaded the caseload from it, then 200")
    func readyFromImage() async throws {
        let base = InMemoryEventStore()
        _ = try await Worlds.scenario(base)
        try await CaseloadAtRest.loadAndRefresh(base)
        let imageSeq = try #require(try await base.caseloadImage()).seq
        let store = ImageGatedStore(base)
        let log = ServerLoggingTests.FileLog()
        try await LiveServerLimitsTests.withLiveServer(store, logger: log.logger()) { port in
            // The warmer asks for the image and waits for it: nothing is in memory yet.
            for _ in 0..<200 where store.imageReads == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(store.imageReads == 1, "the warmer did not ask for the image once")
            let loading = try await offPool { try RawHTTP.get(port: port, "/readyz") }
            #expect(loading.status == 503)
            #expect(loading.headers.lowercased().contains("content-type: application/problem+json"), "\(loading.headers)")
            #expect(loading.body.contains("\"not-ready\""), "\(loading.body)")

            store.open()
            var ready = loading
            for _ in 0..<200 where ready.status != 200 {
                try await Task.sleep(for: .milliseconds(50))
                ready = try await offPool { try RawHTTP.get(port: port, "/readyz") }
                #expect(ready.status == 200 || ready.status == 503)
            }
            #expect(ready.status == 200, "not ready 10 s after the image was released")
            #expect(ready.body.contains("\"ready\""), "\(ready.body)")
        }
        log.sink.flushNow()
        let line = log.lines.first { $0.contains("caseload in memory") }
        #expect(line?.contains("image at seq \(imageSeq) and 0 records after it") == true, "\(line ?? "no caseload line")")
        // Started from the image, the server had no new image to write.
        #expect(try await base.caseloadImage()?.seq == imageSeq)
    }
}

/// A store that holds back ``caseloadImage()`` until the test opens it (everything else is
/// the wrapped store's).
final class ImageGatedStore<Base: EventStore & TokenStore>: EventStore, TokenStore {
    let base: Base
    private let state = Mutex<(open: Bool, reads: Int, waiting: [CheckedContinuation<Void, Never>])>((false, 0, []))

    init(_ base: Base) { self.base = base }

    var imageReads: Int { state.withLock { $0.reads } }

    func open() {
        let waiting = state.withLock { state in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func caseloadImage() async throws -> CaseloadImage? {
        await withCheckedContinuation { continuation in
            let go = state.withLock { state in
                state.reads += 1
                if state.open { return true }
                state.waiting.append(continuation)
                return false
            }
            if go { continuation.resume() }
        }
        return try await base.caseloadImage()
    }

    func append(context: AppendContext, _ produce: @Sendable (_ emit: (SourcedRecord) throws -> Void) throws -> Void) async throws -> AppendReceipt {
        try await base.append(context: context, produce)
    }
    func head() async throws -> ChainHead { try await base.head() }
    func events(from seq: Int64, limit: Int) async throws -> [Event] { try await base.events(from: seq, limit: limit) }
    func caseload(through seq: Int64?, from cursor: CaseloadCursor, limit: Int) async throws -> CaseloadPage {
        try await base.caseload(through: seq, from: cursor, limit: limit)
    }
    func saveCaseloadImage(_ image: CaseloadImage) async throws { try await base.saveCaseloadImage(image) }
    func discardCaseloadImage() async throws { try await base.discardCaseloadImage() }
    func derivedValue(_ key: String) async throws -> [UInt8]? { try await base.derivedValue(key) }
    func saveDerivedValue(_ key: String, _ bytes: [UInt8]) async throws { try await base.saveDerivedValue(key, bytes) }
    func discardDerivedValue(_ key: String) async throws { try await base.discardDerivedValue(key) }
    func stateDigest() async throws -> StateDigest { try await base.stateDigest() }
    func networkEvents() async throws -> [Event] { try await base.networkEvents() }
    func transfers() async throws -> [TransferView] { try await base.transfers() }
    func familyMembers(_ unit: String) async throws -> [CaseRecord.ID] { try await base.familyMembers(unit) }
    func transferHistory(_ id: TransferRecord.ID) async throws -> [Event] { try await base.transferHistory(id) }
    @discardableResult
    func appendSystemEvent(type: String, payload: JSONValue, context: AppendContext, setting: (key: String, value: String)?) async throws -> Event {
        try await base.appendSystemEvent(type: type, payload: payload, context: context, setting: setting)
    }
    func appendSystemEvents(_ events: [(event: SystemEvent, actor: String)], at recordedAt: Instant) async throws {
        try await base.appendSystemEvents(events, at: recordedAt)
    }
    func changeMarker() async throws -> Int64 { try await base.changeMarker() }
    func setting(_ key: String) async throws -> String? { try await base.setting(key) }
    func summary() async throws -> StoreSummary { try await base.summary() }
    func caseEvents(_ id: CaseRecord.ID) async throws -> [Event] { try await base.caseEvents(id) }
    func withExclusiveSetup<Result>(_ body: () async throws -> Result) async throws -> Result { try await base.withExclusiveSetup(body) }

    func createToken(id: String, name: String, role: Role, counsel: String?, hash: String, context: AppendContext) async throws -> TokenInfo {
        try await base.createToken(id: id, name: name, role: role, counsel: counsel, hash: hash, context: context)
    }
    func token(hash: String) async throws -> TokenInfo? { try await base.token(hash: hash) }
    func tokens() async throws -> [TokenInfo] { try await base.tokens() }
    func revokeToken(id: String, context: AppendContext) async throws -> Bool { try await base.revokeToken(id: id, context: context) }
}
