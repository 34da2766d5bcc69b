import CorridorDomain
import CorridorRules
import CorridorStore

/// A handful of synthetic transfers around the current date, so that a newcomer opening the
/// transfers page sees what the system does: three departed (with dispositions after arrival,
/// one an onward return), one locked and then refused at departure because a (synthetic) court
/// order holds one person, one locked with live verdicts, one planned.
///
/// Everything goes through the normal guarded path — `StateRules` and `TransferRules` inside
/// each append. Where too few people may go, the demo serves written notice (synthetic, 30
/// days before departure) on people who wait for nothing else, as an officer would; only
/// people the rules allow at each departure instant are put on a
/// manifest (picked from the end of the caseload, so the same store and day give the same demo). Every id
/// begins `SYN-` and every record is labelled synthetic.
public enum DemoOperations {
    public struct Receipt: Sendable {
        public var transfers: [String] = []
        public var records = 0
        /// The refusal the guard gave the demo's held transfer (nil if it could not be staged).
        public var refusal: String?
    }

    public static let courtOrderID = "SYN-ORDER-1"

    /// Seeds the demo into a store holding the reference network and a synthetic caseload.
    /// Refused when the demo is already there.
    public static func seed(into store: some EventStore, now: Instant, context: AppendContext) async throws -> Receipt {
        if try await store.transfers().contains(where: { $0.id.rawValue.hasPrefix("SYN-T") }) {
            throw StoreError(code: .alreadySeeded, message: "the store already holds the demo transfers (SYN-T…)")
        }
        let rules = RulesService(store: store)
        let network = try await store.network()
        let policy = try await rules.activePolicy()
        var caseload = try await rules.loadCaseload()
        let today = now.day
        let partners = RulesService<InMemoryEventStore>.activePartners(network, on: today, removingState: policy.removingState)
        var used = Set<CaseRecord.ID>()
        var receipt = Receipt()

        func at(_ days: Int, hour: Int = 10) -> Instant {
            Instant(epochMilliseconds: today.adding(days: days).startInstant.epochMilliseconds + Int64(hour) * 3_600_000)
        }
        func arrangement(for partner: CountryCode) -> ArrangementRecord? {
            network.sortedArrangements.first {
                $0.partner == partner && $0.removingState == policy.removingState && network.status(of: $0.id, on: today)?.status == .active
            }
        }
        func append(_ values: [JSONValue]) async throws {
            _ = try await store.append(context: context) { emit in
                for (line, value) in values.enumerated() { try emit(try SourcedRecord.make(value, file: "demo (synthetic)", line: line + 1)) }
            }
            receipt.records += values.count
        }
        /// Up to `count` people allowed to go to `partner` at `instant` (not its nationals, not in
        /// a family unit, not unaccompanied minors, not already used), in caseload order.
        func pick(_ count: Int, to partner: CountryCode, at instant: Instant) async throws -> [CaseFacts] {
            let destination = DestinationContext(
                destination: partner, instant: instant, policy: policy, network: network,
                capacity: CapacityUsage(transfers: try await store.transfers()))
            func eligible(_ facts: CaseFacts) -> Bool {
                !facts.isNational(of: partner) && facts.person.familyUnit == nil && facts.person.unaccompaniedMinor != true
                    && !used.contains(facts.id)
            }
            var out: [CaseFacts] = []
            // From the end of the caseload, leaving its first cases to whoever tries the system next.
            let outcomes = caseload.outcomes(destination)
            for (index, outcome) in outcomes.enumerated().reversed() where outcome.verdict == .allowed && eligible(caseload.cases[index]) {
                out.append(caseload.cases[index])
                used.insert(caseload.cases[index].id)
                if out.count == count { return out }
            }
            // Too few: as an officer would, serve written notice naming the partner (to counsel
            // too) on people who wait for nothing else, 30 days before the departure, and judge
            // them again.
            var notices: [JSONValue] = []
            var noticed: [CaseRecord.ID] = []
            for (index, outcome) in outcomes.enumerated().reversed() where out.count + noticed.count < count {
                let facts = caseload.cases[index]
                guard outcome.failed == 0, outcome.result(.notice) == .pending, eligible(facts),
                    GateID.allCases.allSatisfy({ $0 == .notice || outcome.result($0) == .pass })
                else { continue }
                noticed.append(facts.id)
                notices.append(
                    .object([
                        "type": "notice", "case": .string(facts.id.rawValue), "destination": .string(partner.rawValue),
                        "servedOn": .string(Instant(epochMilliseconds: instant.epochMilliseconds - 30 * 86_400_000).description),
                        "language": "en", "counselNotified": true,
                    ]))
            }
            guard !notices.isEmpty else { return out }
            try await append(notices)
            for notice in notices { caseload.add(try SourcedRecord.make(notice).record) }
            for id in noticed {
                guard let facts = caseload.facts(id), let decision = caseload.decide(id, destination), decision.verdict == .allowed else { continue }
                out.append(facts)
                used.insert(id)
            }
            return out
        }
        func transfer(_ id: String, to partner: CountryCode, departs: Instant, seats: Int, people: [CaseFacts]) -> [JSONValue] {
            var fields: [String: JSONValue] = [
                "type": "transfer", "id": .string(id), "destination": .string(partner.rawValue), "departs": .string(departs.description),
                "seats": .number(Double(seats)),
            ]
            if let arrangement = arrangement(for: partner) { fields["arrangement"] = .string(arrangement.id.rawValue) }
            var records: [JSONValue] = [.object(fields)]
            records += people.map { .object(["type": "manifest-add", "transfer": .string(id), "case": .string($0.id.rawValue)]) }
            return records
        }
        func step(_ kind: String, _ id: String, at instant: Instant, reason: String? = nil) -> JSONValue {
            var object: [String: JSONValue] = ["type": .string(kind), "transfer": .string(id), "at": .string(instant.description)]
            if let reason { object["reason"] = .string(reason) }
            return .object(object)
        }

        // Prefer the partners that took the most people in the reference network, then the rest.
        let preferred: [CountryCode] = ["MEX", "HND", "SWZ", "GNQ", "RWA", "GTM", "CMR", "GHA"]
        let order = preferred.filter(partners.contains) + partners.filter { !preferred.contains($0) }
        guard !order.isEmpty else { return receipt }
        /// The first partner, from the `n`th in order on, with at least `minimum` people allowed
        /// at `instant`, and up to `count` of them.
        func pickPartner(_ n: Int, _ count: Int, at instant: Instant, minimum: Int = 2) async throws -> (CountryCode, [CaseFacts]) {
            for step in 0..<order.count {
                let partner = order[(n + step) % order.count]
                let people = try await pick(count, to: partner, at: instant)
                if people.count >= min(minimum, count) { return (partner, people) }
                for person in people { used.remove(person.id) }
            }
            return (order[n % order.count], [])
        }

        // Three departed transfers, with what happened after arrival.
        let departed: [(String, Int, Int, [DispositionRecord.Outcome])] = [
            ("SYN-T-001", -42, 6, [.released, .released, .asylumPending, .asylumPending, .released, .repatriated]),
            ("SYN-T-002", -21, 5, [.asylumPending, .asylumPending, .asylumPending, .detained, .asylumPending]),
            ("SYN-T-003", -10, 5, [.detained, .detained, .detained, .detained, .detained]),
        ]
        for (index, (id, day, size, outcomes)) in departed.enumerated() {
            let departs = at(day)
            let (destination, people) = try await pickPartner(index, size, at: departs)
            guard !people.isEmpty else { continue }
            var records = transfer(id, to: destination, departs: departs, seats: size + 2, people: people)
            records.append(step("transfer-lock", id, at: at(day - 2)))
            records.append(step("transfer-depart", id, at: departs))
            records.append(step("transfer-arrive", id, at: at(day, hour: 16)))
            var returnedOnward = false
            for (person, outcome) in zip(people, outcomes) {
                var disposition: [String: JSONValue] = [
                    "type": "disposition", "case": .string(person.id.rawValue), "on": .string(today.adding(days: day + 3).description),
                    "source": "synthetic demo record",
                ]
                let home = person.person.nationalities.first!
                let protectedAtHome = person.protection(against: home, on: today) != nil || person.pendingClaim(against: home, on: today) != nil
                if outcome == .repatriated, !returnedOnward, !protectedAtHome {
                    disposition["outcome"] = "repatriated"
                    disposition["to"] = .string(home.rawValue)
                    returnedOnward = true
                } else {
                    disposition["outcome"] = .string((outcome == .repatriated ? DispositionRecord.Outcome.released : outcome).rawValue)
                }
                records.append(.object(disposition))
            }
            try await append(records)
            receipt.transfers.append(id)
        }

        // Locked, then refused at departure: a court order issued after the lock holds one person.
        do {
            let id = "SYN-T-004"
            let departs = Instant(epochMilliseconds: (now.epochMilliseconds / 3_600_000 - 1) * 3_600_000)  // the last full hour
            let (destination, people) = try await pickPartner(0, 5, at: departs)
            if let held = people.first {
                try await append(transfer(id, to: destination, departs: departs, seats: 8, people: people) + [step("transfer-lock", id, at: at(-2))])
                try await append([
                    .object([
                        "type": "court-order", "id": .string(courtOrderID), "court": "Synthetic demo court (not a real court)",
                        "citation": "SYN-ORDER-1, a synthetic demo order (no real case)", "issuedOn": .string(today.adding(days: -1).description),
                        "scope": .object(["cases": .array([.string(held.id.rawValue)])]), "effect": "block",
                    ])
                ])
                do {
                    try await append([step("transfer-depart", id, at: departs)])
                } catch let error as RecordError {
                    receipt.refusal = error.message
                }
                receipt.transfers.append(id)
            }
        }

        // Locked with live verdicts, departing in a few days.
        do {
            let id = "SYN-T-005"
            let departs = at(4)
            let (destination, people) = try await pickPartner(1, 6, at: departs)
            if !people.isEmpty {
                try await append(transfer(id, to: destination, departs: departs, seats: 10, people: people) + [step("transfer-lock", id, at: now)])
                receipt.transfers.append(id)
            }
        }

        // Planned: scheduled with a manifest, not locked.
        do {
            let id = "SYN-T-006"
            let departs = at(12)
            let (destination, people) = try await pickPartner(0, 4, at: departs)
            if !people.isEmpty {
                try await append(transfer(id, to: destination, departs: departs, seats: 12, people: people))
                receipt.transfers.append(id)
            }
        }
        return receipt
    }
}
