import CorridorDomain
import CorridorRules
import CorridorStore

/// The stranded caseload: people with no lawful destination on a day — no candidate country
/// where their verdict is `allowed` — grouped by nationality, with the candidate countries and
/// the gate that blocks most of them at each. The gap an agency looks for new partners to fill,
/// and a monitor watches.
///
/// A person's candidates are their nationality countries and every partner with an arrangement
/// active that day for the profile's removing state. Everyone is judged against every candidate
/// in one columnar pass per destination (family units together), never per person from the
/// database. A person is grouped under the first nationality they hold.
public struct StrandedReport: Sendable {
    /// One candidate country for a nationality group.
    public struct Candidate: Sendable {
        public var destination: CountryCode
        /// Stranded people of the group for whom it is a candidate.
        public var people: Int
        /// Of them, blocked there (some gate fails).
        public var blocked: Int
        /// Of them, waiting there (no gate fails, some wait).
        public var waiting: Int
        /// The gate failing for most of the blocked ones (nil when none is blocked), and how many it blocks.
        public var blockingGate: GateID?
        public var blockingGatePeople: Int
        /// Per gate, the people it blocks there.
        public var blockedBy: [GateID: Int]
    }

    /// The stranded people of one nationality.
    public struct Group: Sendable {
        public var nationality: CountryCode
        /// People of this nationality in the caseload.
        public var caseload: Int
        /// With no destination allowed.
        public var stranded: Int
        /// Of them, blocked at every candidate.
        public var blockedEverywhere: Int
        /// Of them, waiting at one or more candidates (a notice period, a pending claim …).
        public var waitingSomewhere: Int
        public var candidates: [Candidate]
        /// Positions in the caseload of the stranded people (for suppression checks; never published).
        public var members: [Int]
    }

    public var on: Instant
    public var policy: String
    public var policyVersion: String
    public var partners: [CountryCode]
    public var total: Int
    public var allowedSomewhere: Int
    public var groups: [Group]
    /// Per destination: people each gate blocks there (everyone judged, not only the stranded).
    public var failingAt: [CountryCode: [GateID: Int]]

    public var stranded: Int { groups.reduce(0) { $0 + $1.stranded } }
    public var blockedEverywhere: Int { groups.reduce(0) { $0 + $1.blockedEverywhere } }
    public var waitingSomewhere: Int { groups.reduce(0) { $0 + $1.waitingSomewhere } }

    /// Judges `caseload` on `instant` under `policy`; `context` gives the destination context
    /// for a country (the live view's, or one built from the store's network and capacity).
    public static func compute(
        caseload: Caseload, network: Network, policy: PolicyProfile, on instant: Instant,
        context: (CountryCode) -> DestinationContext
    ) -> StrandedReport {
        let partners = RulesService<InMemoryEventStore>.activePartners(network, on: instant.day, removingState: policy.removingState)
        let cases = caseload.cases
        let nationalityCountries = Set(cases.flatMap(\.person.nationalities))
        let destinations = Set(partners).union(nationalityCountries).sorted()
        let partnerSet = Set(partners)
        // Best verdict per person over their candidates: 0 allowed, 1 pending, 2 blocked.
        var best = [UInt8](repeating: 3, count: cases.count)
        var outcomesAt: [CountryCode: [GateOutcome]] = [:]
        var failingAt: [CountryCode: [GateID: Int]] = [:]
        // A country that is only someone's nationality is judged for its nationals alone (a
        // smaller caseload holding them and their family units), a partner for everyone.
        var nationals: [CountryCode: [Int]] = [:]
        for (index, facts) in cases.enumerated() {
            for code in facts.person.nationalities where !partnerSet.contains(code) { nationals[code, default: []].append(index) }
        }
        func outcomes(at destination: CountryCode) -> [GateOutcome] {
            guard let positions = nationals[destination] else { return caseload.outcomes(context(destination)) }
            var subset = Caseload()
            var included = Set<Int>()
            for index in positions {
                included.insert(index)
                subset.insert(cases[index])
                for member in caseload.family(of: cases[index]) {
                    if let position = caseload.position(of: member.id), included.insert(position).inserted { subset.insert(member) }
                }
            }
            let judged = subset.outcomes(context(destination))
            var all = [GateOutcome](repeating: GateOutcome(), count: cases.count)
            for (offset, facts) in subset.cases.enumerated() {
                if let position = caseload.position(of: facts.id) { all[position] = judged[offset] }
            }
            return all
        }
        for destination in destinations {
            let outcomes = outcomes(at: destination)
            var failing: [GateID: Int] = [:]
            for (index, outcome) in outcomes.enumerated() {
                let candidate = partnerSet.contains(destination) || cases[index].person.nationalities.contains(destination)
                guard candidate else { continue }
                let rank: UInt8 =
                    switch outcome.verdict {
                    case .allowed: 0;
                    case .pending: 1;
                    case .blocked: 2
                    }
                best[index] = min(best[index], rank)
                if outcome.failed != 0 {
                    for gate in GateID.allCases where outcome.result(gate) == .fail { failing[gate, default: 0] += 1 }
                }
            }
            outcomesAt[destination] = outcomes
            failingAt[destination] = failing
        }
        var byNationality: [CountryCode: Group] = [:]
        var allowed = 0
        for (index, facts) in cases.enumerated() {
            guard let nationality = facts.person.nationalities.first else { continue }
            var group =
                byNationality[nationality]
                ?? Group(
                    nationality: nationality, caseload: 0, stranded: 0, blockedEverywhere: 0,
                    waitingSomewhere: 0, candidates: [], members: [])
            group.caseload += 1
            switch best[index] {
            case 0: allowed += 1
            case 1: group.stranded += 1; group.waitingSomewhere += 1; group.members.append(index)
            default: group.stranded += 1; group.blockedEverywhere += 1; group.members.append(index)
            }
            byNationality[nationality] = group
        }
        for (nationality, var group) in byNationality where group.stranded > 0 {
            var candidates: [Candidate] = []
            for destination in destinations {
                guard let outcomes = outcomesAt[destination] else { continue }
                var candidate = Candidate(
                    destination: destination, people: 0, blocked: 0, waiting: 0, blockingGate: nil, blockingGatePeople: 0, blockedBy: [:])
                for index in group.members {
                    guard partnerSet.contains(destination) || cases[index].person.nationalities.contains(destination) else { continue }
                    candidate.people += 1
                    let outcome = outcomes[index]
                    if outcome.failed != 0 {
                        candidate.blocked += 1
                        for gate in GateID.allCases where outcome.result(gate) == .fail { candidate.blockedBy[gate, default: 0] += 1 }
                    } else if outcome.pending != 0 {
                        candidate.waiting += 1
                    }
                }
                guard candidate.people > 0 else { continue }
                if let top = GateID.allCases.compactMap({ gate in candidate.blockedBy[gate].map { (gate, $0) } }).max(by: { $0.1 < $1.1 }) {
                    candidate.blockingGate = top.0
                    candidate.blockingGatePeople = top.1
                }
                candidates.append(candidate)
            }
            group.candidates = candidates
            byNationality[nationality] = group
        }
        let groups = byNationality.values.filter { $0.stranded > 0 }.sorted {
            ($1.stranded, $0.nationality.rawValue) < ($0.stranded, $1.nationality.rawValue)
        }
        return StrandedReport(
            on: instant, policy: policy.id, policyVersion: policy.version, partners: partners, total: cases.count,
            allowedSomewhere: allowed, groups: groups, failingAt: failingAt)
    }
}
