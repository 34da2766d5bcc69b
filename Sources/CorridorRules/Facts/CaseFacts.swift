import CorridorDomain

/// Everything recorded about one person, as the gates read it.
public struct CaseFacts: Sendable, Equatable {
    public var person: CaseRecord
    public var orders: [OrderRecord] = []
    public var claims: [ClaimRecord] = []
    public var designations: [DesignationRecord] = []
    public var notices: [NoticeRecord] = []
    public var fears: [FearRecord] = []
    public var screenings: [ScreeningRecord] = []
    public var dispositions: [DispositionRecord] = []

    public init(person: CaseRecord) { self.person = person }

    /// Builds facts from a case's records in log order (the `case` record among them).
    /// Returns nil when no `case` record is present.
    public init?(records: some Sequence<Record>) {
        var person: CaseRecord?
        var facts = CaseFacts(person: CaseRecord(id: "", nationalities: []))
        for record in records {
            if case .caseRecord(let r) = record { person = r } else { facts.add(record) }
        }
        guard let person else { return nil }
        facts.person = person
        self = facts
    }

    /// Adds one per-case record (ignored when it is of another kind).
    public mutating func add(_ record: Record) {
        switch record {
        case .caseRecord(let r): person = r
        case .order(let r): orders.append(r)
        case .claim(let r): claims.append(r)
        case .designation(let r): designations.append(r)
        case .notice(let r): notices.append(r)
        case .fear(let r): fears.append(r)
        case .screening(let r): screenings.append(r)
        case .disposition(let r): dispositions.append(r)
        default: break
        }
    }

    public var id: CaseRecord.ID { person.id }

    public func isNational(of country: CountryCode) -> Bool { person.nationalities.contains(country) }

    /// Each claim's standing on `day`: for every (kind, country) the latest record dated on or
    /// before it (log order breaks ties).
    public func claimStandings(on day: Day) -> [ClaimRecord] {
        // Most people have at most one claim: no bookkeeping needed then.
        if claims.count <= 1 { return claims.filter { $0.on <= day } }
        var latest: [String: ClaimRecord] = [:]
        var order: [String] = []
        for claim in claims where claim.on <= day {
            let key = claim.claim.rawValue + "|" + claim.against.rawValue
            if let existing = latest[key], existing.on > claim.on { continue }
            if latest[key] == nil { order.append(key) }
            latest[key] = claim
        }
        return order.compactMap { latest[$0] }
    }

    /// Granted withholding, CAT or deferral against `country` on `day` (else a granted asylum
    /// claim against it, which protects from return there too).
    public func protection(against country: CountryCode, on day: Day) -> ClaimRecord? {
        guard claims.contains(where: { $0.against == country }) else { return nil }
        let standings = claimStandings(on: day)
        return standings.first { $0.against == country && $0.status == .granted && $0.claim != .asylum }
            ?? standings.first { $0.against == country && $0.status == .granted }
    }

    /// A pending claim against `country` on `day`.
    public func pendingClaim(against country: CountryCode, on day: Day) -> ClaimRecord? {
        guard claims.contains(where: { $0.against == country }) else { return nil }
        return claimStandings(on: day).first { $0.against == country && $0.status == .pending }
    }

    /// The order in force on `day`: the latest-dated order on or before it (log order breaks
    /// ties), whatever order the records were entered in.
    public func order(on day: Day) -> OrderRecord? {
        var best: OrderRecord?
        for order in orders where order.on <= day {
            if best == nil || order.on >= best!.on { best = order }
        }
        return best
    }

    public func designation(_ kind: String, on day: Day) -> DesignationRecord? {
        designations.last { $0.kind == kind && $0.on <= day }
    }

    /// The latest notice naming `destination` served at or before `instant`.
    public func notice(for destination: CountryCode, at instant: Instant) -> NoticeRecord? {
        notices(for: destination, at: instant).last
    }

    /// Every notice naming `destination` served at or before `instant`, oldest first. A later
    /// re-service never cancels an earlier notice that met the requirements.
    public func notices(for destination: CountryCode, at instant: Instant) -> [NoticeRecord] {
        if notices.isEmpty { return [] }
        return notices.filter { $0.destination == destination && $0.servedOn <= instant }.sorted { $0.servedOn < $1.servedOn }
    }

    public func fear(of destination: CountryCode, on day: Day) -> FearRecord? {
        fears.last { $0.destination == destination && $0.on <= day }
    }

    /// The latest screening for `destination` dated on or before `day`.
    public func screening(for destination: CountryCode, on day: Day) -> ScreeningRecord? {
        screenings.filter { $0.destination == destination && $0.on <= day }.max { $0.on < $1.on }
    }
}
