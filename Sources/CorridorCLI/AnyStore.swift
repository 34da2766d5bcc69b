import CorridorDomain
import CorridorStore

/// The store a command opened, whichever backend `--db` chose (SQLite or PostgreSQL), as one
/// concrete type: the services are generic over their store, and an existential cannot stand
/// for a generic parameter. Every requirement forwards to the store inside — subscriptions too:
/// the server finds its webhook store by asking whether its store is a ``SubscriptionStore``.
struct AnyStore: EventStore, TokenStore, SubscriptionStore {
    let base: any EventStore & TokenStore & SubscriptionStore

    init(_ base: any EventStore & TokenStore & SubscriptionStore) { self.base = base }

    func append(context: AppendContext, _ produce: @Sendable (_ emit: (SourcedRecord) throws -> Void) throws -> Void) async throws -> AppendReceipt {
        try await base.append(context: context, produce)
    }
    func head() async throws -> ChainHead { try await base.head() }
    func events(from seq: Int64, limit: Int) async throws -> [Event] { try await base.events(from: seq, limit: limit) }
    func caseload(through seq: Int64?, from cursor: CaseloadCursor, limit: Int) async throws -> CaseloadPage {
        try await base.caseload(through: seq, from: cursor, limit: limit)
    }
    func caseloadImage() async throws -> CaseloadImage? { try await base.caseloadImage() }
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

    func createSubscription(_ subscription: Subscription) async throws { try await base.createSubscription(subscription) }
    func subscriptions() async throws -> [Subscription] { try await base.subscriptions() }
    func subscription(id: String) async throws -> Subscription? { try await base.subscription(id: id) }
    func deleteSubscription(id: String, at: Instant) async throws -> Bool { try await base.deleteSubscription(id: id, at: at) }
    func saveProgress(id: String, _ progress: Subscription.Progress, attempt: DeliveryAttempt?) async throws {
        try await base.saveProgress(id: id, progress, attempt: attempt)
    }
    func deliveries(subscription id: String, limit: Int) async throws -> [DeliveryAttempt] {
        try await base.deliveries(subscription: id, limit: limit)
    }
    func lease(_ id: String, holder: String, until: Instant, now: Instant) async throws -> Bool {
        try await base.lease(id, holder: holder, until: until, now: now)
    }
    func releaseLease(_ id: String, holder: String) async throws { try await base.releaseLease(id, holder: holder) }
}
