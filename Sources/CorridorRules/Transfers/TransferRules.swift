import CorridorDomain

/// The operational guarantees that need the rules engine, applied by every store inside the
/// write transaction of every append (so no import, API call or CLI command can bypass them):
///
/// - `transfer-lock` judges everyone on the manifest at the scheduled departure and records
///   each verdict;
/// - `transfer-depart` judges everyone again at its instant and is refused, naming each person
///   and gate, unless every one of them is `allowed` — and unless the arrangement has places
///   left for all of them;
/// - a `court-order` puts every covered person on an open manifest on hold, visibly; its lift
///   lifts those holds;
/// - striking one member of a family unit flags the others on the manifest for a decision;
/// - a `repatriated` disposition to a country the person is protected against is a
///   chain-refoulement incident (suspected, when a claim against it is pending).
public enum TransferRules {
    /// The setting that names the store's active policy profile.
    public static let activePolicyKey = "policy.active"

    /// What reviewing one record produced.
    public struct Review: Sendable {
        /// System events to append right after the record.
        public var events: [SystemEvent] = []
        /// For lock and depart without a `policy`: the profile used, to stamp into the payload.
        public var stamp: (policy: String, version: String)?
    }

    /// Reviews a record that passed ``StateRules``, against state as it stands before it.
    public static func review(_ record: Record, snapshot: some StateSnapshot) throws -> Review {
        switch record {
        case .transferStep(let step) where step.step == .lock || step.step == .depart:
            return try judgeManifest(step, snapshot: snapshot)
        case .courtOrder(let order):
            return Review(events: try holds(for: order, snapshot: snapshot, type: "system.hold"))
        case .courtOrderLift(let lift):
            guard let order = Network(records: try snapshot.networkRecords()).courtOrders[lift.id] else { return Review() }
            return Review(events: try holds(for: order, snapshot: snapshot, type: "system.hold-lift", on: lift.on))
        case .manifestStrike(let strike):
            return Review(events: try familyFlags(strike, snapshot: snapshot))
        case .disposition(let disposition):
            return Review(events: try incidents(disposition, snapshot: snapshot))
        default:
            return Review()
        }
    }

    // MARK: Lock and depart

    static func profile(for step: TransferStepRecord, snapshot: some StateSnapshot) throws -> PolicyProfile {
        if let named = step.policy {
            let profile = try PolicyLibrary.profile(named)
            if let version = step.policyVersion, version != profile.version {
                throw RecordError.invalid("policyVersion", "\(named) is at version \(profile.version), not \(version)")
            }
            return profile
        }
        return try PolicyLibrary.profile(try snapshot.setting(activePolicyKey) ?? PolicyLibrary.defaultID)
    }

    static func judgeManifest(_ step: TransferStepRecord, snapshot: some StateSnapshot) throws -> Review {
        let policy = try profile(for: step, snapshot: snapshot)
        let transfers = try snapshot.transfers()
        guard let transfer = transfers.first(where: { $0.id == step.transfer }) else { return Review() }
        let instant = step.step == .lock ? transfer.record.departs : step.at
        let network = Network(records: try snapshot.networkRecords())
        let context = DestinationContext(
            destination: transfer.record.destination, instant: instant, policy: policy, network: network,
            capacity: CapacityUsage(transfers: transfers))
        let onBoard = transfer.onBoard
        var families: [String: [CaseRecord.ID]] = [:]
        var decisions: [Decision] = []
        var facts: [CaseFacts] = []
        for id in onBoard {
            guard let person = CaseFacts(records: try snapshot.caseRecords(id)) else { continue }
            if let unit = person.person.familyUnit, families[unit] == nil { families[unit] = try snapshot.familyMembers(unit) }
            facts.append(person)
        }
        let manifest = ManifestContext(transfer: transfer.id, cases: Set(onBoard), familyMembers: families)
        for person in facts {
            let unit = person.person.familyUnit
            let family = unit == nil ? [] : facts.filter { $0.person.familyUnit == unit && $0.id != person.id }
            decisions.append(RulesEngine.decide(person, context, manifest: manifest, family: family))
        }

        var events = decisions.map { decision in
            SystemEvent(
                type: "system.verdict",
                payload: .object([
                    "transfer": .string(transfer.id.rawValue), "case": .string(decision.caseID.rawValue),
                    "step": .string(step.step.rawValue), "at": .string(instant.description),
                    "policy": .string(policy.id), "policyVersion": .string(policy.version),
                    "verdict": .string(decision.verdict.rawValue),
                    "gates": .object(
                        Dictionary(
                            uniqueKeysWithValues: decision.gates.filter { $0.result != .pass }.map {
                                ($0.gate.rawValue, JSONValue.string($0.result.rawValue))
                            })),
                ]))
        }
        if step.step == .depart {
            let refused = decisions.filter { $0.verdict != .allowed }
            if !refused.isEmpty {
                let people = refused.map { decision in
                    let gates = decision.gates.filter { $0.result != .pass }.map { "\($0.gate.rawValue) \($0.result.rawValue): \($0.reason)" }
                    return "\(decision.caseID) is \(decision.verdict.rawValue) (\(gates.joined(separator: "; ")))"
                }
                throw RecordError(
                    code: "departure-refused", field: "transfer",
                    message:
                        "transfer '\(transfer.id)' cannot depart at \(instant) under \(policy.id) (\(policy.version)): \(refused.count) of \(onBoard.count) on the manifest are not allowed: \(people.joined(separator: " | ")). Strike them with a reason, or wait until they clear."
                )
            }
            if let id = transfer.record.arrangement, let arrangement = network.arrangements[id] {
                try checkCapacity(
                    arrangement, carrying: onBoard.count, at: instant, usage: CapacityUsage(transfers: transfers), transfer: transfer.id)
            }
            events = [
                SystemEvent(
                    type: "system.departure-check",
                    payload: .object([
                        "transfer": .string(transfer.id.rawValue), "at": .string(instant.description), "policy": .string(policy.id),
                        "policyVersion": .string(policy.version), "allowed": .array(onBoard.map { .string($0.rawValue) }),
                    ]))
            ]
        }
        return Review(events: events, stamp: step.policy == nil || step.policyVersion == nil ? (policy.id, policy.version) : nil)
    }

    static func checkCapacity(
        _ arrangement: ArrangementRecord, carrying count: Int, at instant: Instant, usage: CapacityUsage,
        transfer: TransferRecord.ID
    ) throws {
        let day = instant.day
        if let cap = arrangement.terms.capacityTotal {
            let left = cap - usage.recordedTotal(arrangement.id)
            if count > left {
                throw RecordError(
                    code: "departure-refused", field: "transfer",
                    message: "transfer '\(transfer)' carries \(count) people but \(arrangement.id) has \(Swift.max(left, 0)) of \(cap) places left")
            }
        }
        if let perMonth = arrangement.terms.capacityPerMonth {
            let left = perMonth - usage.recordedMonth(arrangement.id, of: day)
            if count > left {
                throw RecordError(
                    code: "departure-refused", field: "transfer",
                    message:
                        "transfer '\(transfer)' carries \(count) people but \(arrangement.id) has \(Swift.max(left, 0)) of its \(perMonth) places left this month"
                )
            }
        }
    }

    // MARK: Holds

    /// Covered people on open manifests, one event each.
    static func holds(for order: CourtOrderRecord, snapshot: some StateSnapshot, type: String, on lifted: Day? = nil) throws -> [SystemEvent] {
        var events: [SystemEvent] = []
        for transfer in try snapshot.transfers() where transfer.status.isOpen {
            for id in transfer.onBoard {
                guard let facts = CaseFacts(records: try snapshot.caseRecords(id)),
                    CourtOrderGate.covers(order, facts: facts, destination: transfer.record.destination, day: order.issuedOn)
                else { continue }
                var payload: [String: JSONValue] = [
                    "order": .string(order.id.rawValue), "court": .string(order.court), "citation": .string(order.citation),
                    "transfer": .string(transfer.id.rawValue), "case": .string(id.rawValue),
                ]
                if let lifted { payload["liftedOn"] = .string(lifted.description) }
                events.append(SystemEvent(type: type, payload: .object(payload)))
            }
        }
        return events
    }

    // MARK: Families

    static func familyFlags(_ strike: ManifestRecord, snapshot: some StateSnapshot) throws -> [SystemEvent] {
        guard let person = CaseFacts(records: try snapshot.caseRecords(strike.caseID)), let unit = person.person.familyUnit,
            let transfer = try snapshot.transfers().first(where: { $0.id == strike.transfer })
        else { return [] }
        let others = try snapshot.familyMembers(unit).filter { $0 != strike.caseID && transfer.onBoard.contains($0) }
        guard !others.isEmpty else { return [] }
        return [
            SystemEvent(
                type: "system.family-flag",
                payload: .object([
                    "transfer": .string(transfer.id.rawValue), "familyUnit": .string(unit), "struck": .string(strike.caseID.rawValue),
                    "members": .array(others.map { .string($0.rawValue) }),
                    "note": .string("a member of family unit \(unit) was struck; decide whether the others travel (family units travel together)"),
                ]))
        ]
    }

    // MARK: Incidents

    static func incidents(_ disposition: DispositionRecord, snapshot: some StateSnapshot) throws -> [SystemEvent] {
        guard disposition.outcome == .repatriated, let to = disposition.to,
            let facts = CaseFacts(records: try snapshot.caseRecords(disposition.caseID))
        else { return [] }
        let transfer = try snapshot.transfers().last { $0.onBoard.contains(disposition.caseID) && ($0.status == .departed || $0.status == .arrived) }
        var payload: [String: JSONValue] = [
            "case": .string(disposition.caseID.rawValue), "to": .string(to.rawValue), "on": .string(disposition.on.description),
        ]
        if let transfer {
            payload["transfer"] = .string(transfer.id.rawValue)
            payload["host"] = .string(transfer.record.destination.rawValue)
            if let arrangement = transfer.record.arrangement { payload["arrangement"] = .string(arrangement.rawValue) }
        }
        guard let incident = incident(for: disposition, facts: facts) else { return [] }
        payload["kind"] = .string(incident.kind.rawValue)
        payload["protection"] = .string(incident.basis)
        return [SystemEvent(type: "system.incident", payload: .object(payload))]
    }

    /// A chain-refoulement incident: onward return to a country the person was protected
    /// against (or had a pending claim against: suspected).
    public struct Incident: Sendable, Equatable {
        public enum Kind: String, Sendable, CaseIterable {
            case chainRefoulement = "chain-refoulement"
            case suspected = "suspected-chain-refoulement"
        }
        public var kind: Kind
        public var caseID: CaseRecord.ID
        public var to: CountryCode
        public var on: Day
        /// The protection or pending claim that makes it an incident.
        public var basis: String
    }

    /// The incident a disposition reveals, if any.
    public static func incident(for disposition: DispositionRecord, facts: CaseFacts) -> Incident? {
        guard disposition.outcome == .repatriated, let to = disposition.to else { return nil }
        if let protection = facts.protection(against: to, on: disposition.on) {
            return Incident(
                kind: .chainRefoulement, caseID: disposition.caseID, to: to, on: disposition.on,
                basis: "\(protection.claim.rawValue) against \(to) granted \(protection.on)")
        }
        if let pending = facts.pendingClaim(against: to, on: disposition.on) {
            return Incident(
                kind: .suspected, caseID: disposition.caseID, to: to, on: disposition.on,
                basis: "\(pending.claim.rawValue) claim against \(to) pending since \(pending.on)")
        }
        return nil
    }
}
