import CorridorDomain
import CorridorRules
import CorridorSQLiteTestSupport
import CorridorServices
import CorridorStore

/// The services over whatever store a ``StoreBackend`` hands out. The services are generic over
/// their store; these generic functions open the `any EventStore` and return plain values.
enum Services {
    /// One person on a manifest, as `TransferService.detail` shows them.
    struct Passenger {
        var caseID: CaseRecord.ID
        var status: ManifestEntryStatus
        var decision: Decision?
        var holds: [CourtOrderRecord]
    }

    /// `TransferService.Detail`, unwrapped.
    struct Detail {
        var transfer: TransferView
        var judgedAt: Instant
        var policy: PolicyProfile
        var passengers: [Passenger]
        var history: [Event]
        var loadFactor: Double

        func passenger(_ id: CaseRecord.ID) -> Passenger? { passengers.first { $0.caseID == id } }
    }

    static func detail(_ store: some EventStore, _ id: TransferRecord.ID, at instant: Instant? = nil, policy: String? = nil) async throws -> Detail? {
        guard let detail = try await TransferService(store: store).detail(id, at: instant, policy: policy) else { return nil }
        return Detail(
            transfer: detail.transfer, judgedAt: detail.judgedAt, policy: detail.policy,
            passengers: detail.passengers.map { Passenger(caseID: $0.caseID, status: $0.status, decision: $0.decision, holds: $0.holds) },
            history: detail.history, loadFactor: detail.loadFactor)
    }

    static func check(
        _ store: some EventStore, _ id: CaseRecord.ID, to destination: CountryCode, at instant: Instant,
        policy: String? = nil
    ) async throws -> Decision {
        try await RulesService(store: store).check(id, to: destination, at: instant, policy: policy)
    }

    @discardableResult
    static func useProfile(_ store: some EventStore, _ id: String) async throws -> PolicyProfile {
        try await RulesService(store: store).useProfile(id, context: .test)
    }

    static func caseload(_ store: some EventStore) async throws -> Caseload {
        try await RulesService(store: store).loadCaseload()
    }

    static func capacityUsage(_ store: some EventStore) async throws -> CapacityUsage {
        try await RulesService(store: store).capacityUsage()
    }
}
