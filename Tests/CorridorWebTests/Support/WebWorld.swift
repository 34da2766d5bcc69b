import CorridorDomain
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Hummingbird
import HummingbirdTesting
import Logging

/// A server over a seeded store, with a live token for every role, one revoked token, and the
/// real ids of the world's records to fill path parameters with.
struct WebWorld<Store: EventStore>: Sendable {
    let store: Store
    let state: AppState<Store>
    let tokens: TestTokens
    /// A token that was issued (as an officer's) and then revoked.
    let revokedSecret: String
    let ids: SampleIDs

    /// Event streams end after a moment here, so a test reading one through the router gets its whole body.
    static var quickStreams: EventStreamSettings {
        EventStreamSettings(poll: .milliseconds(20), heartbeat: .milliseconds(100), maximumDuration: .milliseconds(250))
    }

    init(store: Store, ids: SampleIDs, webhooks: WebhookSettings = WebhookSettings(), streams: EventStreamSettings = quickStreams) async throws
    where Store: TokenStore {
        self.store = store
        tokens = try await TestTokens.issue(in: store)
        let (revoked, info) = try await Tokens.issue(name: "revoked-officer", role: .officer, in: store, context: .test)
        guard try await store.revokeToken(id: info.id, context: .test) else { throw WorldError("could not revoke the test token") }
        revokedSecret = revoked
        state = try await AppState(store: store, clock: { TestClock.instant }, logger: Self.logger, streams: streams, webhooks: webhooks)
        // Routes are judged as a ready server answers them, whether or not the warming service
        // has finished (ReadinessTests builds a state of its own to see /readyz before that).
        state.readiness.markReady()
        self.ids = ids
    }

    /// Quiet: requests are logged at info, and a failing test should not drown in them.
    static var logger: Logger {
        var logger = Logger(label: "corridor-web-tests")
        logger.logLevel = .error
        return logger
    }

    /// Runs `body` against the application `serve` runs, through its router in process (no
    /// sockets, no services).
    func test<Value: Sendable>(logger: Logger = Self.logger, _ body: @Sendable (Caller) async throws -> Value) async throws -> Value {
        let app = buildApplication(state: state, logger: logger)
        let tokens = tokens
        let revoked = revokedSecret
        return try await app.test(.router) { client in
            try await body(Caller(client: client, tokens: tokens, revokedSecret: revoked))
        }
    }

    /// Every event of the log.
    func events() async throws -> [Event] { try await store.allEvents() }

    /// Events appended after `seq`.
    func events(after seq: Int64) async throws -> [Event] { try await store.allEvents().filter { $0.seq > seq } }
}

/// Real ids for path parameters, so that allowed calls reach their handler.
struct SampleIDs: Sendable {
    var caseID: String
    var country: String
    var arrangement: String
    var courtOrder: String
    var transfer: String
    /// A case on `transfer`'s manifest (to strike).
    var manifestCase: String
}

struct WorldError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The two worlds the tests use.
enum Worlds {
    static let syntheticCount = 300
    static let syntheticSeed: UInt64 = 2025

    /// The reference network (every country and arrangement of network-facts, with sources)
    /// with 300 synthetic cases, a court order, and a scheduled transfer to El Salvador under
    /// CECOT's arrangement carrying the first three synthetic cases.
    static func reference<Store: EventStore & TokenStore>(_ store: Store) async throws -> WebWorld<Store> {
        _ = try await Seeding.seedReference(into: store, context: .test(actor: "seed"))
        _ = try await Seeding.seedSynthetic(count: syntheticCount, seed: syntheticSeed, into: store, context: .test(actor: "seed"))
        let onBoard = (0..<3).map(SyntheticCaseload.caseID)
        try await store.append(
            records: [
                TestRecords.courtOrder("CO-WEB-1", issuedOn: "2025-04-01", scope: ["nationalities": ["VEN"], "destinations": ["SLV"]]),
                TestRecords.transfer("T-WEB-1", destination: "SLV", seats: 20, departs: "2025-07-01T10:00:00Z", arrangement: "us-slv-cecot-2025"),
            ] + onBoard.map { TestRecords.manifestAdd("T-WEB-1", $0) })
        return try await WebWorld(
            store: store,
            ids: .init(
                caseID: SyntheticCaseload.caseID(0), country: "SLV", arrangement: "us-slv-cecot-2025",
                courtOrder: "CO-WEB-1", transfer: "T-WEB-1", manifestCase: onBoard[2]))
    }

    static func reference() async throws -> WebWorld<InMemoryEventStore> { try await reference(InMemoryEventStore()) }

    /// A small hand-written world where departures can succeed (see ``Scenario``).
    static func scenario<Store: EventStore & TokenStore>(
        _ store: Store, webhooks: WebhookSettings = WebhookSettings(),
        streams: EventStreamSettings = WebWorld<Store>.quickStreams
    ) async throws -> WebWorld<Store> {
        try await store.append(records: Scenario.records)
        return try await WebWorld(
            store: store,
            ids: .init(
                caseID: "V1", country: "SLV", arrangement: "arr-slv", courtOrder: "CO-1",
                transfer: "T1", manifestCase: "V2"), webhooks: webhooks, streams: streams)
    }

    static func scenario() async throws -> WebWorld<InMemoryEventStore> { try await scenario(InMemoryEventStore()) }
}

/// A hand-written world (synthetic, like every test world).
///
/// - Venezuela and Cuba refuse returns, so a third country is permitted for their nationals;
///   Guatemala accepts returns. El Salvador (`arr-slv`: detention, repatriation, no assurances)
///   and Costa Rica (`arr-cri`: release) are partners with active arrangements.
/// - `V1`, `V2`, `C1` (final orders, written notice naming El Salvador served on 2025-06-01)
///   are allowed to El Salvador on 2025-07-01 under the default `us-dvd-2025`; `V3` has no
///   notice (the notice gate waits). `R1`…`R6` (Venezuela) were served notice naming Costa Rica.
///   `V1` holds withholding against Venezuela. `G1` (Guatemala) has a final order.
/// - `V1`, `V2` and `V3` name ``TestTokens/counselName`` as their counsel: the `counsel` test
///   token's clients.
/// - A court order `CO-1` blocks removals of Cuban nationals to Mexico.
/// - Transfer `T1` to El Salvador (10:00 on 2025-07-01) carries `V1`, `V2`, `C1`; transfer `T2`
///   to Costa Rica carries `R1`…`R6`. Nothing is locked or departed.
enum Scenario {
    static let departs = "2025-07-01T10:00:00Z"
    static let lockAt = "2025-06-28T12:00:00Z"
    static let departAt = "2025-07-01T09:00:00Z"
    static let costaRicaCases = (1...6).map { "R\($0)" }
    /// The cases whose counsel of record is ``TestTokens/counselName`` (the `counsel` token's clients).
    static let counselClients: Set<String> = ["V1", "V2", "V3"]

    static func country(_ code: String, returns: String? = nil, risk: Double? = nil) -> JSONValue {
        var extra: [String: JSONValue] = [:]
        if let returns { extra["returns"] = .string(returns) }
        if let risk {
            extra["risk"] = ["score": .number(risk), "basis": "test fixture", "source": "Corridor web tests", "assessedOn": "2025-01-01"]
        }
        return TestRecords.country(code, extra: extra)
    }

    static func arrangement(_ id: String, partner: String, kind: String, terms: JSONValue) -> JSONValue {
        let source: JSONValue = [
            "title": .string("test fixture for \(id)"), "url": .string("https://example.org/corridor/\(id)"), "date": "2025-01-01",
        ]
        return TestRecords.arrangement(id, partner: partner, kind: kind, extra: ["terms": terms, "sources": [source]])
    }

    static func notice(_ caseID: String, _ destination: String, servedOn: String = "2025-06-01T09:00:00Z") -> JSONValue {
        var notice: JSONValue = [
            "type": "notice", "case": .string(caseID), "destination": .string(destination), "servedOn": .string(servedOn), "language": "es",
        ]
        // A represented person's notice goes to their counsel too (as us-dvd-2025 requires).
        if counselClients.contains(caseID), case .object(var fields) = notice { fields["counselNotified"] = true; notice = .object(fields) }
        return notice
    }

    static var records: [JSONValue] {
        var records: [JSONValue] = [
            country("USA"), country("VEN", returns: "refuses", risk: 0.85), country("CUB", returns: "refuses", risk: 0.8),
            country("GTM", returns: "accepts", risk: 0.45), country("SLV", returns: "accepts", risk: 0.55),
            country("CRI", returns: "accepts", risk: 0.1), country("MEX", returns: "accepts", risk: 0.5),
            arrangement(
                "arr-slv", partner: "SLV", kind: "detention",
                terms: [
                    "nationalities": "any", "hostHandling": ["detention", "repatriation"], "assurances": ["nonReturn": false],
                    "payment": ["lumpSumUSD": 1_000_000, "perPersonUSD": 5_000],
                ]),
            TestRecords.arrangementStatus("arr-slv", "active", on: "2025-03-01"),
            arrangement(
                "arr-cri", partner: "CRI", kind: "transit",
                terms: ["nationalities": "any", "hostHandling": ["release"], "payment": ["lumpSumUSD": 250_000]]),
            TestRecords.arrangementStatus("arr-cri", "active", on: "2025-02-20"),
        ]
        let people: [(String, String)] =
            [("V1", "VEN"), ("V2", "VEN"), ("V3", "VEN"), ("C1", "CUB"), ("G1", "GTM")]
            + costaRicaCases.map { ($0, "VEN") }
        for (id, nationality) in people {
            // V1…V3 are the clients of the `counsel` test token; nobody else names that counsel.
            let counsel: [String: JSONValue] = counselClients.contains(id) ? ["counsel": .string(TestTokens.counselName)] : [:]
            records.append(TestRecords.caseRecord(id, nationalities: [nationality], extra: counsel))
            records.append(TestRecords.order(id, kind: "final", on: "2025-01-10"))
        }
        records.append(TestRecords.claim("V1", "withholding", against: "VEN", status: "granted", on: "2024-03-01"))
        for id in ["V1", "V2", "C1"] { records.append(notice(id, "SLV")) }
        for id in costaRicaCases { records.append(notice(id, "CRI")) }
        records.append(TestRecords.courtOrder("CO-1", issuedOn: "2025-04-01", scope: ["nationalities": ["CUB"], "destinations": ["MEX"]]))
        records.append(TestRecords.transfer("T1", destination: "SLV", seats: 10, departs: departs, arrangement: "arr-slv"))
        for id in ["V1", "V2", "C1"] { records.append(TestRecords.manifestAdd("T1", id)) }
        records.append(TestRecords.transfer("T2", destination: "CRI", seats: 8, departs: departs, arrangement: "arr-cri"))
        for id in costaRicaCases { records.append(TestRecords.manifestAdd("T2", id)) }
        return records
    }
}
