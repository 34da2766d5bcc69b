import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Logging
import Synchronization

/// People in the caseload blocked by each gate: the caseload evaluated against every partner
/// with an active arrangement for the active profile's removing state, today. Computed once per
/// live-view version and day (not per request) and kept here — and kept at rest in the store
/// (``AtRest``), so that a restart on the same day starts from them instead of judging the
/// whole caseload at every partner again.
struct HomeFigures: Sendable, Equatable {
    var partners: [CountryCode]
    var policy: String
    var total: Int
    /// Per gate: people that gate fails for at one or more of the partners.
    var blockedBy: [GateCount]
    /// People blocked at every active partner.
    var blockedEverywhere: Int

    struct GateCount: Sendable, Equatable {
        var gate: GateID
        var people: Int
    }

    private static let cache = Mutex<[String: HomeFigures]>([:])

    private static func key<Store: EventStore>(_ state: AppState<Store>, version: Int64, day: Day) -> String {
        "\(ObjectIdentifier(state).hashValue)|\(version)|\(day)"
    }

    static func current<Store: EventStore>(_ state: AppState<Store>) async throws -> HomeFigures {
        let now = state.clock()
        let view = try await state.live.withCaseload()
        let key = key(state, version: view.version, day: now.day)
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let figures = compute(state, view: view, at: now)
        remember(figures, key: key)
        // Kept at rest for the next start; a failed write only costs that start the work.
        try? await AtRest(figures: figures, day: now.day, policyVersion: view.policy.version, changeMarker: view.marker).save(to: state.store)
        return figures
    }

    static func compute<Store: EventStore>(_ state: AppState<Store>, view: LiveView<Store>.State, at now: Instant) -> HomeFigures {
        let caseload = view.caseload!
        let partners = RulesService<Store>.activePartners(view.network, on: now.day, removingState: view.policy.removingState)
        var failing = [UInt16](repeating: 0, count: caseload.count)
        var blockedAt = [Int32](repeating: 0, count: caseload.count)
        // One pass: each person is decoded once and judged at every partner.
        let contexts = partners.map { state.destination($0, at: now, policy: view.policy, state: view) }
        for outcomes in caseload.outcomes(contexts) {
            for (index, outcome) in outcomes.enumerated() where outcome.failed != 0 {
                blockedAt[index] += 1
                failing[index] |= outcome.failed
            }
        }
        return HomeFigures(
            partners: partners, policy: view.policy.id, total: caseload.count,
            blockedBy: GateID.allCases.map { gate in
                let bit = UInt16(1) << GateOutcome.index(gate)
                return GateCount(gate: gate, people: failing.lazy.filter { $0 & bit != 0 }.count)
            },
            blockedEverywhere: partners.isEmpty ? 0 : blockedAt.lazy.filter { $0 == partners.count }.count
        )
    }

    /// Works the figures out again now (whatever is cached) and keeps them: how a server that
    /// started from figures at rest brings them up to date with records about people that came
    /// since, in the background.
    static func recompute<Store: EventStore>(_ state: AppState<Store>) async throws {
        let now = state.clock()
        let view = try await state.live.withCaseload()
        let figures = compute(state, view: view, at: now)
        remember(figures, key: key(state, version: view.version, day: now.day))
        try await AtRest(figures: figures, day: now.day, policyVersion: view.policy.version, changeMarker: view.marker).save(to: state.store)
    }

    private static func remember(_ figures: HomeFigures, key: String) {
        cache.withLock { cache in
            if cache.count > 16 { cache.removeAll() }
            cache[key] = figures
        }
    }

    /// At start: takes the figures kept at rest when they are today's, under the active profile,
    /// and nothing that they depend on besides the caseload (the network, transfers, the active
    /// profile) has changed since they were worked out. Returns whether it did, and whether
    /// records about people have come since (then the caller works them out again, in the
    /// background, while the kept ones are served — as a running server does until the next
    /// change of version or day).
    static func startFromRest<Store: EventStore>(_ state: AppState<Store>) async throws -> (used: Bool, stale: Bool) {
        let now = state.clock()
        let view = try await state.live.withCaseload()
        guard let kept = try await AtRest.read(from: state.store), kept.day == now.day, kept.figures.policy == view.policy.id,
            kept.policyVersion == view.policy.version, kept.figures.total > 0 || view.caseload?.count == 0
        else { return (false, false) }
        guard let change = try await changeSince(kept.changeMarker, in: state.store, through: view.marker) else { return (false, false) }
        // The partners active today come from the network, unchanged since; the total from the caseload.
        var figures = kept.figures
        if change == .peopleOnly { figures.total = view.caseload?.count ?? figures.total }
        remember(figures, key: key(state, version: view.version, day: now.day))
        return (true, change == .peopleOnly)
    }

    private enum Change { case none, peopleOnly }

    /// What changed in the log between two change markers: nothing, only records about people,
    /// or (nil) something the figures depend on otherwise — or too much to look through.
    private static func changeSince(_ marker: Int64, in store: some EventStore, through now: Int64) async throws -> Change? {
        if marker == now { return Change.none }
        guard marker < now, now - marker <= 200_000 else { return nil }
        var change = Change.none
        for try await event in store.events(from: marker + 1) {
            if event.seq > now { break }
            if event.type.hasPrefix("system.") {
                if event.type == "system.policy-use" { return nil }
                continue
            }
            guard let kind = Record.Kind(rawValue: event.type) else { continue }
            guard kind.isAboutOnePerson else { return nil }
            change = .peopleOnly
        }
        return change
    }

    /// The figures as kept in the store's derived values (not part of the record: rebuilt
    /// whenever missing or unreadable).
    struct AtRest: Equatable {
        static let key = "home-figures"
        var figures: HomeFigures
        var day: Day
        var policyVersion: String
        /// The store's change marker when they were worked out.
        var changeMarker: Int64

        func save(to store: some EventStore) async throws {
            let value: JSONValue = .object([
                "day": .string(day.description), "policyVersion": .string(policyVersion), "changeMarker": .number(Double(changeMarker)),
                "policy": .string(figures.policy), "total": .number(Double(figures.total)),
                "blockedEverywhere": .number(Double(figures.blockedEverywhere)),
                "partners": .array(figures.partners.map { .string($0.rawValue) }),
                "blockedBy": .object(Dictionary(uniqueKeysWithValues: figures.blockedBy.map { ($0.gate.rawValue, .number(Double($0.people))) })),
            ])
            try await store.saveDerivedValue(Self.key, Array(value.canonicalString.utf8))
        }

        static func read(from store: some EventStore) async throws -> AtRest? {
            guard let bytes = try await store.derivedValue(key),
                case .object(let o)? = try? JSONParser.parse(String(decoding: bytes, as: UTF8.self)),
                case .string(let dayText)? = o["day"], let day = Day(dayText),
                case .string(let policyVersion)? = o["policyVersion"], case .number(let marker)? = o["changeMarker"],
                case .string(let policy)? = o["policy"], case .number(let total)? = o["total"],
                case .number(let everywhere)? = o["blockedEverywhere"], case .array(let partners)? = o["partners"],
                case .object(let blocked)? = o["blockedBy"]
            else { return nil }
            var counts: [GateCount] = []
            for gate in GateID.allCases {
                guard case .number(let people)? = blocked[gate.rawValue] else { return nil }
                counts.append(GateCount(gate: gate, people: Int(people)))
            }
            let codes = partners.compactMap { value -> CountryCode? in if case .string(let code) = value { CountryCode(code) } else { nil } }
            return AtRest(
                figures: HomeFigures(partners: codes, policy: policy, total: Int(total), blockedBy: counts, blockedEverywhere: Int(everywhere)),
                day: day, policyVersion: policyVersion, changeMarker: Int64(marker))
        }
    }
}

/// The home page's figures, worked out ahead of a server: `seed` and `import` call it once
/// they have brought the caseload image up to date, so that a server started afterwards on the
/// same day is ready as soon as its caseload is in memory.
public enum HomeFiguresAtRest {
    /// Works out today's figures (by `clock`) under the store's active profile and keeps them
    /// at rest; returns how many partners they cover.
    @discardableResult
    public static func prepare<Store: EventStore & TokenStore>(
        _ store: Store, clock: @escaping @Sendable () -> Instant, logger: Logger
    ) async throws -> Int {
        let state = try await AppState(store: store, clock: clock, logger: logger)
        try await HomeFigures.recompute(state)
        return try await HomeFigures.current(state).partners.count
    }
}
