import CorridorDomain
import CorridorRules
import CorridorStore

/// Transfers as supervisors and monitors see them: each person's live verdict, holds placed by
/// court orders in force, and the manifest's history.
public struct TransferService<Store: EventStore>: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// One person on a manifest, judged now.
    public struct Passenger: Sendable {
        public var caseID: CaseRecord.ID
        public var status: ManifestEntryStatus
        public var decision: Decision?
        /// Court orders in force that cover this person for this destination.
        public var holds: [CourtOrderRecord]
    }

    public struct Detail: Sendable {
        public var transfer: TransferView
        /// The instant verdicts are judged at: the departure (actual, or scheduled).
        public var judgedAt: Instant
        public var policy: PolicyProfile
        public var passengers: [Passenger]
        public var history: [Event]
        public var loadFactor: Double { Double(transfer.onBoard.count) / Double(max(transfer.record.seats, 1)) }
    }

    /// A transfer with live verdicts for everyone on (or struck from) its manifest.
    public func detail(_ id: TransferRecord.ID, at instant: Instant? = nil, policy: String? = nil) async throws -> Detail? {
        let transfers = try await store.transfers()
        guard let transfer = transfers.first(where: { $0.id == id }) else { return nil }
        let rules = RulesService(store: store)
        let profile = try await rules.profile(policy)
        let judgedAt = instant ?? transfer.steps[.departed] ?? transfer.record.departs
        let network = try await store.network()
        let context = DestinationContext(
            destination: transfer.record.destination, instant: judgedAt, policy: profile, network: network,
            capacity: CapacityUsage(transfers: transfers.filter { $0.id != id }))
        var facts: [CaseRecord.ID: CaseFacts] = [:]
        for entry in transfer.manifest { facts[entry.caseID] = CaseFacts(records: try await store.caseRecords(entry.caseID)) }
        var families: [String: [CaseRecord.ID]] = [:]
        for person in facts.values {
            if let unit = person.person.familyUnit, families[unit] == nil { families[unit] = try await store.familyMembers(unit) }
        }
        let manifest = ManifestContext(transfer: id, cases: Set(transfer.onBoard), familyMembers: families)
        let passengers = transfer.manifest.map { entry -> Passenger in
            guard let person = facts[entry.caseID] else { return Passenger(caseID: entry.caseID, status: entry.status, decision: nil, holds: []) }
            let holds = context.ordersInForce.filter {
                CourtOrderGate.covers($0, facts: person, destination: transfer.record.destination, day: judgedAt.day)
            }
            let unit = person.person.familyUnit
            let family = unit == nil ? [] : transfer.onBoard.compactMap { facts[$0] }.filter { $0.person.familyUnit == unit && $0.id != person.id }
            return Passenger(
                caseID: entry.caseID, status: entry.status,
                decision: entry.status == .on ? RulesEngine.decide(person, context, manifest: manifest, family: family) : nil, holds: holds)
        }
        return Detail(transfer: transfer, judgedAt: judgedAt, policy: profile, passengers: passengers, history: try await store.transferHistory(id))
    }
}
