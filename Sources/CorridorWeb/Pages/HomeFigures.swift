import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Synchronization

/// People in the caseload blocked by each gate: the caseload evaluated against every partner
/// with an active arrangement for the active profile's removing state, today. Computed once per
/// live-view version and day (not per request) and kept here.
struct HomeFigures: Sendable {
    var partners: [CountryCode]
    var policy: String
    var total: Int
    /// Per gate: people that gate fails for at one or more of the partners.
    var blockedBy: [(gate: GateID, people: Int)]
    /// People blocked at every active partner.
    var blockedEverywhere: Int

    private static let cache = Mutex<[String: HomeFigures]>([:])

    static func current<Store: EventStore>(_ state: AppState<Store>) async throws -> HomeFigures {
        let now = state.clock()
        let view = try await state.live.withCaseload()
        let key = "\(ObjectIdentifier(state).hashValue)|\(view.version)|\(now.day)"
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let caseload = view.caseload!
        let partners = RulesService<Store>.activePartners(view.network, on: now.day, removingState: view.policy.removingState)
        var failing = Dictionary(uniqueKeysWithValues: GateID.allCases.map { ($0, [Bool](repeating: false, count: caseload.count)) })
        var blockedAt = [Int](repeating: 0, count: caseload.count)
        // One pass: each person is decoded once and judged at every partner.
        let contexts = partners.map { state.destination($0, at: now, policy: view.policy, state: view) }
        for outcomes in caseload.outcomes(contexts) {
            for (index, outcome) in outcomes.enumerated() where outcome.failed != 0 {
                blockedAt[index] += 1
                for gate in GateID.allCases where outcome.result(gate) == .fail { failing[gate]![index] = true }
            }
        }
        let figures = HomeFigures(
            partners: partners, policy: view.policy.id, total: caseload.count,
            blockedBy: GateID.allCases.map { gate in (gate, failing[gate]!.lazy.filter { $0 }.count) },
            blockedEverywhere: partners.isEmpty ? 0 : blockedAt.lazy.filter { $0 == partners.count }.count
        )
        cache.withLock { cache in
            if cache.count > 16 { cache.removeAll() }
            cache[key] = figures
        }
        return figures
    }
}
