import CorridorDomain
import CorridorRules
import CorridorStore

/// The rules engine's use cases over a store: the active profile, one check, whole-caseload
/// passes. Each loads only what it needs: a check reads one case; `eligible`, `compare` and
/// `impact` load the caseload into memory once.
public struct RulesService<Store: EventStore>: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    public static var activePolicyKey: String { TransferRules.activePolicyKey }

    /// The store's active profile (``PolicyLibrary/defaultID`` until one is chosen).
    public func activePolicy() async throws -> PolicyProfile {
        let id = try await store.setting(Self.activePolicyKey) ?? PolicyLibrary.defaultID
        return try PolicyLibrary.profile(id)
    }

    /// Makes `id` the active profile, recording the change in the log.
    public func useProfile(_ id: String, context: AppendContext) async throws -> PolicyProfile {
        let profile = try PolicyLibrary.profile(id)
        let previous = try await store.setting(Self.activePolicyKey) ?? PolicyLibrary.defaultID
        try await store.appendSystemEvent(
            type: "system.policy-use",
            payload: .object([
                "policy": .string(profile.id), "version": .string(profile.version), "previous": .string(previous),
            ]), context: context, setting: (Self.activePolicyKey, profile.id))
        return profile
    }

    /// `policy` if given, else the active profile.
    public func profile(_ id: String?) async throws -> PolicyProfile {
        if let id { return try PolicyLibrary.profile(id) }
        return try await activePolicy()
    }

    /// People moved under each arrangement, counted from departed transfers.
    public func capacityUsage(transfers: [TransferView]? = nil) async throws -> CapacityUsage {
        if let transfers { return CapacityUsage(transfers: transfers) }
        return CapacityUsage(transfers: try await store.transfers())
    }

    /// The context for one destination at one instant.
    public func destination(
        _ code: CountryCode, at instant: Instant, policy: PolicyProfile, network: Network? = nil
    ) async throws -> DestinationContext {
        let network = if let network { network } else { try await store.network() }
        return DestinationContext(destination: code, instant: instant, policy: policy, network: network, capacity: try await capacityUsage())
    }

    /// One explained decision, reading only this case's records and those of the other members
    /// of its family unit.
    public func check(_ id: CaseRecord.ID, to destination: CountryCode, at instant: Instant, policy: String? = nil) async throws -> Decision {
        guard let facts = CaseFacts(records: try await store.caseRecords(id)) else {
            throw RecordError(code: "unknown-case", field: "case", message: "no case '\(id)' has been recorded")
        }
        let context = try await self.destination(destination, at: instant, policy: try await profile(policy))
        return RulesEngine.decide(facts, context, family: try await family(of: facts))
    }

    /// The other members of this person's family unit, read from the store (empty outside a
    /// unit): what the `vulnerability` gate needs to tell whether the person may go alone.
    public func family(of facts: CaseFacts) async throws -> [CaseFacts] {
        guard let unit = facts.person.familyUnit else { return [] }
        var family: [CaseFacts] = []
        for member in try await store.familyMembers(unit) where member != facts.id {
            if let relative = CaseFacts(records: try await store.caseRecords(member)) { family.append(relative) }
        }
        return family
    }

    /// The whole caseload, in memory (only records at or before `seq` when given), from the
    /// caseload at rest and the records after it (``CaseloadAtRest``); writes a new image when
    /// one is due, so that the next process starts from it.
    public func loadCaseload(through seq: Int64? = nil) async throws -> Caseload {
        try await CaseloadAtRest.loadAndRefresh(store, through: seq).caseload
    }

    /// Partner countries with an arrangement active on the day, for the profile's removing state.
    public static func activePartners(_ network: Network, on day: Day, removingState: CountryCode) -> [CountryCode] {
        Array(
            Set(
                network.arrangements.values.filter {
                    $0.removingState == removingState && network.status(of: $0.id, on: day)?.status == .active
                }.map(\.partner))
        ).sorted()
    }
}
