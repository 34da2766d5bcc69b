import CorridorDomain
import CorridorRules
import CorridorStore

extension PublicReport {
    /// Reads what the report needs from the store — the network, transfers, the caseload and
    /// the active profile, one read each — and builds it.
    public static func load(
        store: some EventStore, asOf: Day, from: Day? = nil, to: Day? = nil, analyseCaseload: Bool = true
    ) async throws -> PublicReport {
        let rules = RulesService(store: store)
        let network = try await store.network()
        let transfers = try await store.transfers()
        let caseload = try await rules.loadCaseload()
        let policy = try await rules.activePolicy()
        let capacity = CapacityUsage(transfers: transfers)
        return build(
            network: network, transfers: transfers, caseload: caseload, asOf: asOf, from: from, to: to, policy: policy,
            profiles: PolicyLibrary.ids.compactMap { PolicyLibrary.profiles[$0] }, analyseCaseload: analyseCaseload
        ) { code, instant, profile in
            DestinationContext(destination: code, instant: instant, policy: profile, network: network, capacity: capacity)
        }
    }
}

extension StrandedReport {
    /// The stranded caseload of the store on `instant` under `policy` (the active profile when
    /// nil), leaving out people who have already departed.
    public static func load(store: some EventStore, on instant: Instant, policy id: String? = nil) async throws -> StrandedReport {
        let rules = RulesService(store: store)
        let network = try await store.network()
        let transfers = try await store.transfers()
        let policy = try await rules.profile(id)
        let capacity = CapacityUsage(transfers: transfers)
        return compute(caseload: notYetMoved(try await rules.loadCaseload(), transfers: transfers), network: network, policy: policy, on: instant) {
            code in
            DestinationContext(destination: code, instant: instant, policy: policy, network: network, capacity: capacity)
        }
    }

    /// The caseload without the people on departed (or arrived) transfers.
    public static func notYetMoved(_ caseload: Caseload, transfers: [TransferView]) -> Caseload {
        var departed = Set<CaseRecord.ID>()
        for transfer in transfers where transfer.status == .departed || transfer.status == .arrived { departed.formUnion(transfer.onBoard) }
        guard !departed.isEmpty else { return caseload }
        var waiting = Caseload()
        for facts in caseload.cases where !departed.contains(facts.id) { waiting.insert(facts) }
        return waiting
    }

    /// The report as JSON (`corridor report stranded --json`, `/api/v1/reports/stranded`):
    /// aggregate only, counts from 1 to 4 as "<5".
    public func json(network: Network) -> JSONValue {
        func count(_ n: Int) -> JSONValue { n > 0 && n < PublicReport.threshold ? .string("<\(PublicReport.threshold)") : .number(Double(n)) }
        return .object([
            "on": .string(on.description), "policy": .string(policy), "policyVersion": .string(policyVersion),
            "partners": .array(partners.map { .string($0.rawValue) }),
            "caseload": .number(Double(total)), "allowedSomewhere": count(allowedSomewhere),
            "stranded": count(stranded), "blockedEverywhere": count(blockedEverywhere), "waitingSomewhere": count(waitingSomewhere),
            "suppression": .string(
                "counts from 1 to \(PublicReport.threshold - 1) are shown as \"<\(PublicReport.threshold)\"; a group whose stranded count is that small shows no per-country counts"
            ),
            "nationalities": .array(
                groups.map { group in
                    let small = group.stranded < PublicReport.threshold
                    return .object([
                        "nationality": .string(group.nationality.rawValue), "name": .string(network.countryName(group.nationality)),
                        "caseload": count(group.caseload), "stranded": count(group.stranded),
                        "blockedEverywhere": small ? .string("withheld") : count(group.blockedEverywhere),
                        "waitingSomewhere": small ? .string("withheld") : count(group.waitingSomewhere),
                        "candidateCountries": .number(Double(group.candidates.count)),
                        "candidates": .array(
                            group.candidates.map { c in
                                .object([
                                    "destination": .string(c.destination.rawValue),
                                    "role": .string(partners.contains(c.destination) ? "partner" : "nationality"),
                                    "blocked": small ? .string("withheld") : count(c.blocked),
                                    "waiting": small ? .string("withheld") : count(c.waiting),
                                    "blockingGate": c.blockingGate.map { .string($0.rawValue) } ?? .null,
                                    "blockingGatePeople": small ? .string("withheld") : count(c.blockingGatePeople),
                                ])
                            }),
                    ])
                }),
        ])
    }

    /// The report for a terminal.
    public func text(network: Network) -> String {
        func count(_ n: Int) -> String { n > 0 && n < PublicReport.threshold ? "<\(PublicReport.threshold)" : n.grouped }
        var out =
            "Stranded caseload on \(on) under \(policy) \(policyVersion): \(count(stranded)) of \(total.grouped) people not yet moved have no lawful destination"
        out += " (\(count(blockedEverywhere)) blocked at every candidate, \(count(waitingSomewhere)) waiting somewhere).\n"
        out +=
            "Candidates: each person's nationality countries and the \(partners.count) partners active that day (\(partners.map(\.rawValue).joined(separator: " "))).\n\n"
        var rows: [[String]] = [
            ["nationality", "stranded", "blocked everywhere", "candidates", "blocking gate at each candidate (people blocked there)"]
        ]
        for group in groups {
            let small = group.stranded < PublicReport.threshold
            let gates = group.candidates.map { c in
                "\(c.destination.rawValue) \(c.blockingGate?.rawValue ?? (c.waiting > 0 ? "waiting" : "—"))"
                    + (small || c.blockingGate == nil ? "" : " (\(count(c.blockingGatePeople)))")
            }.joined(separator: ", ")
            rows.append([
                "\(group.nationality.rawValue) \(network.countryName(group.nationality))", count(group.stranded),
                small ? "withheld" : count(group.blockedEverywhere), String(group.candidates.count), gates,
            ])
        }
        if groups.isEmpty { rows.append(["(nobody is stranded)"]) }
        return out + PublicReport.aligned(rows)
    }
}
