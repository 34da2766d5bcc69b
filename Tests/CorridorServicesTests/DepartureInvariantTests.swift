import CorridorDomain
import CorridorRules
import CorridorSQLite
import CorridorServices
import CorridorStore
import CorridorTestSupport
import PropertyBased
import Testing

/// The issue's core guarantee: no sequence of records can produce a departed person whose
/// verdict at that instant was not `allowed`.
///
/// Random sequences (``PropertyWorld``) are appended record by record to an in-memory store and
/// to an in-memory SQLite store, ignoring refusals. The log is then checked without trusting
/// the guard: the record events are replayed, in order, into a fresh `InMemoryEventStore`; at
/// each `transfer-depart` the replay holds exactly the records before it, and everyone on that
/// manifest is judged with `RulesEngine.decide` at the departure's instant, under the profile
/// stamped in its payload, with the manifest's family context and capacity counted from the
/// departures before it. Every verdict must be `allowed`.
///
/// A failure prints the shrunk sequence and a `.fixedSeed(…)` that reproduces it.
@Suite("Departure invariant (property-based)")
struct DepartureInvariantTests {
    /// What the run exercised, so the property cannot pass vacuously.
    struct Tally {
        var sequences = 0
        var sequencesWithDeparture = 0
        var departures = 0
        var emptyDepartures = 0
        var peopleDeparted = 0
        var refusedDepartures = 0
        var refusedByGate: [String: Int] = [:]
        var capacityOverruns: [String] = []
    }

    @Test("no departed person was anything but allowed at the departure instant, on either store")
    func departedPeopleWereAllowed() async {
        var tally = Tally()
        await propertyCheck(count: 200, input: PropertyWorld.sequences) { steps in
            do {
                try await Self.check(steps, tally: &tally)
            } catch {
                Issue.record(error, "the sequence could not be played or checked")
            }
        }

        print(
            "departure property: \(tally.sequences) sequences × \(PropertyWorld.length) steps, \(tally.sequencesWithDeparture) with a departure; "
                + "\(tally.departures) departures with people (\(tally.peopleDeparted) people), \(tally.emptyDepartures) empty departures, "
                + "\(tally.refusedDepartures) departures refused (gates named: "
                + tally.refusedByGate.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                + "); \(tally.capacityOverruns.count) overdrawn arrangement places")
        // A fixed seed runs one sequence; the minimums hold for a full run.
        if tally.sequences >= 200 {
            #expect(tally.departures >= 120, "too few departures with people on board: the property would pass vacuously")
            #expect(tally.peopleDeparted >= 150)
            #expect(tally.sequencesWithDeparture * 2 >= tally.sequences, "fewer than half the sequences depart anyone")
            #expect(tally.refusedDepartures >= 100, "the guard was hardly exercised")
            for gate in ["court-order", "notice", "arrangement", "human-rights-risk", "vulnerability"] {
                #expect(tally.refusedByGate[gate, default: 0] > 0, "no departure was refused by \(gate)")
            }
        }
        do {
            #expect(tally.capacityOverruns.isEmpty, "\(tally.capacityOverruns.prefix(5).joined(separator: "\n"))")
        }
    }

    /// Plays one sequence on both stores and checks it.
    static func check(_ steps: [PropertyWorld.Step], tally: inout Tally) async throws {
        let memory = InMemoryEventStore()
        let sqlite = try await SQLiteEventStore()
        let memoryRun = try await play(steps, on: memory, checkingSeats: true)
        let sqliteRun = try await play(steps, on: sqlite, checkingSeats: false)

        // Both stores decide every record alike and end in the same state.
        #expect(memoryRun.outcomes == sqliteRun.outcomes, "the stores disagree on which records to accept")
        #expect(try await memory.stateDigest() == sqlite.stateDigest())
        #expect(try await recordPayloads(memory) == recordPayloads(sqlite))
        #expect(try await sqlite.verifyChain().isIntact)

        // The logs hold the same records, so one independent check covers both.
        let checked = try await checkDepartures(in: memory)

        tally.sequences += 1
        if checked.departures > 0 { tally.sequencesWithDeparture += 1 }
        tally.departures += checked.departures
        tally.emptyDepartures += checked.empty
        tally.peopleDeparted += checked.people
        tally.refusedDepartures += memoryRun.refusedDepartures
        for (gate, count) in memoryRun.refusedByGate { tally.refusedByGate[gate, default: 0] += count }
        tally.capacityOverruns += try await capacityOverruns(memory)
    }

    // MARK: Playing a sequence

    struct Run {
        /// "ok" or the refusal's code, per step.
        var outcomes: [String] = []
        var refusedDepartures = 0
        var refusedByGate: [String: Int] = [:]
    }

    /// Appends each step on its own, ignoring refusals; checks seats after every accepted addition.
    static func play(_ steps: [PropertyWorld.Step], on store: some EventStore, checkingSeats: Bool) async throws -> Run {
        try await store.append(records: PropertyWorld.baseRecords)
        var run = Run()
        for step in steps {
            switch step {
            case .useProfile(let id):
                _ = try await RulesService(store: store).useProfile(id, context: .test)
                run.outcomes.append("ok")
            case .record(let value):
                let sourced = try TestRecords.sourced(value)  // the generator writes only well-formed records
                do {
                    try await store.append([sourced], context: .test)
                    run.outcomes.append("ok")
                } catch let error as RecordError {
                    run.outcomes.append(error.code)
                    if error.code == "departure-refused" {
                        run.refusedDepartures += 1
                        for gate in GateID.allCases
                        where error.message.contains("\(gate.rawValue) fail") || error.message.contains("\(gate.rawValue) pending") {
                            run.refusedByGate[gate.rawValue, default: 0] += 1
                        }
                        if error.message.contains("places left") { run.refusedByGate["capacity", default: 0] += 1 }
                    }
                    continue
                }
                if checkingSeats, case .manifestAdd(let add) = sourced.record, let transfer = try await store.transfer(add.transfer) {
                    #expect(transfer.onBoard.count <= transfer.record.seats, "seats exceeded on \(transfer.id)")
                }
            }
        }
        return run
    }

    static func recordPayloads(_ store: some EventStore) async throws -> [String] {
        try await store.allEvents().filter(\.isRecord).map(\.payload)
    }

    // MARK: The independent check

    /// Replays the log's record events into a fresh in-memory store and judges every departure
    /// against the state just before it. Returns how many departures carried people.
    static func checkDepartures(in store: some EventStore) async throws -> (departures: Int, empty: Int, people: Int) {
        let events = try await store.allEvents()
        let replay = InMemoryEventStore()
        var departed: [CaseRecord.ID: TransferRecord.ID] = [:]
        var counts = (departures: 0, empty: 0, people: 0)

        for (index, event) in events.enumerated() where event.isRecord {
            let sourced = try SourcedRecord.make(try JSONParser.parse(event.payload))
            if case .transferStep(let step) = sourced.record, step.step == .depart {
                let people = try await judgeDeparture(step, seq: event.seq, replay: replay)
                let check = events.indices.contains(index + 1) ? events[index + 1] : nil
                #expect(
                    check?.type == "system.departure-check" && check?.strings("allowed") == people.map(\.rawValue),
                    "departure \(event.seq) is not followed by its departure check")
                for person in people {
                    if let earlier = departed[person] {
                        Issue.record("\(person) departed twice: on \(earlier) and on \(step.transfer) (event \(event.seq))")
                    }
                    departed[person] = step.transfer
                }
                if people.isEmpty { counts.empty += 1 } else { counts.departures += 1 }
                counts.people += people.count
            }
            do {
                try await replay.append([sourced], context: .test)
            } catch {
                Issue.record("event \(event.seq) (\(event.type)) is refused on replay: \(error)")
                return counts
            }
        }

        // The replayed state is the live state, and no manifest is over its seats.
        #expect(try await replay.stateDigest() == store.stateDigest(), "replaying the log does not rebuild the state")
        for transfer in try await store.transfers() {
            #expect(transfer.onBoard.count <= transfer.record.seats, "seats exceeded on \(transfer.id)")
        }
        return counts
    }

    /// Judges everyone on the departing manifest as the law would at that instant. Returns them.
    static func judgeDeparture(_ step: TransferStepRecord, seq: Int64, replay: InMemoryEventStore) async throws -> [CaseRecord.ID] {
        let policyID = try await #require(step.policy, "departure \(seq) does not name its profile")
        let profile = try PolicyLibrary.profile(policyID)
        if let version = step.policyVersion {
            #expect(version == profile.version, "departure \(seq) names \(policyID) version \(version)")
        }

        let transfers = try await replay.transfers()
        let transfer = try await #require(transfers.first { $0.id == step.transfer }, "departure \(seq): no transfer \(step.transfer) before it")
        #expect(transfer.status == .locked, "departure \(seq): \(transfer.id) was \(transfer.status.rawValue), not locked")
        let onBoard = transfer.onBoard
        #expect(onBoard.count <= transfer.record.seats)

        var facts: [CaseRecord.ID: CaseFacts] = [:]
        for id in PropertyWorld.caseIDs.map({ CaseRecord.ID($0) }) {
            facts[id] = CaseFacts(records: try await replay.caseRecords(id))
        }
        var families: [String: [CaseRecord.ID]] = [:]
        for person in facts.values {
            if let unit = person.person.familyUnit { families[unit, default: []].append(person.id) }
        }
        let manifest = ManifestContext(transfer: transfer.id, cases: Set(onBoard), familyMembers: families.mapValues { $0.sorted() })
        let context = DestinationContext(
            destination: transfer.record.destination, instant: step.at, policy: profile,
            network: try await replay.network(), capacity: CapacityUsage(transfers: transfers))
        for id in onBoard {
            let person = try await #require(facts[id], "departure \(seq): \(id) has no case record")
            let decision = RulesEngine.decide(person, context, manifest: manifest)
            if decision.verdict != .allowed {
                let gates = decision.gates.filter { $0.result != .pass }.map { "\($0.gate.rawValue) \($0.result.rawValue): \($0.reason)" }
                Issue.record(
                    "departure \(seq): \(id) left on \(transfer.id) to \(transfer.record.destination) at \(step.at) under \(policyID) while \(decision.verdict.rawValue) — \(gates.joined(separator: "; "))"
                )
            }
        }
        return onBoard
    }

    /// Arrangements whose places were overdrawn, in total or in a calendar month.
    static func capacityOverruns(_ store: some EventStore) async throws -> [String] {
        let usage = CapacityUsage(transfers: try await store.transfers())
        var overruns: [String] = []
        for (arrangement, days) in usage.departures {
            guard let limits = PropertyWorld.capacity[arrangement.rawValue] else { continue }
            let total = days.values.reduce(0, +)
            if let cap = limits.total, total > cap { overruns.append("\(arrangement): \(total) moved of \(cap) places") }
            if let perMonth = limits.perMonth {
                var months: [String: Int] = [:]
                for (day, count) in days { months[String(day.description.prefix(7)), default: 0] += count }
                for (month, count) in months where count > perMonth {
                    overruns.append("\(arrangement): \(count) moved in \(month) of \(perMonth) places a month")
                }
            }
        }
        return overruns
    }
}
