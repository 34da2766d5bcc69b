import CorridorDomain
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #5, point 4: `POST /api/v1/records` takes one record or an array, all or nothing; the
/// records show in the case's history; lock, depart and strike work, and a departure is refused
/// while anyone on board is not allowed.
@Suite("Writes through the API")
struct RecordWriteTests {
    /// Asserts a receipt: `count` records, ending at the store's head.
    func expectReceipt<Store: EventStore>(
        _ reply: Reply, count: Int, after before: ChainHead, in world: WebWorld<Store>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        #expect(reply.status == .created, "\(reply)", sourceLocation: sourceLocation)
        let head = try await world.store.head()
        let json = try await #require(reply.json, sourceLocation: sourceLocation)
        #expect(json["count"] == .number(Double(count)), "\(reply)", sourceLocation: sourceLocation)
        #expect(json["firstSeq"] == .number(Double(before.seq + 1)), "\(reply)", sourceLocation: sourceLocation)
        #expect(json["lastSeq"] == .number(Double(head.seq)), "\(reply)", sourceLocation: sourceLocation)
        #expect(json["head"] == .string(head.hash), "\(reply)", sourceLocation: sourceLocation)
    }

    @Test("One record: 201 with count, firstSeq, lastSeq and head; it shows in GET /api/v1/cases/{id}/records")
    func oneRecord() async throws {
        let world = try await Worlds.scenario()
        let claim = TestRecords.claim("V2", "asylum", against: "VEN", status: "pending", on: "2025-05-01")
        try await world.test { caller in
            let before = try await world.store.head()
            let reply = try await caller.send(.post, "/api/v1/records", as: .role(.officer), json: claim)
            try await expectReceipt(reply, count: 1, after: before, in: world)

            let history = try await caller.getJSON("/api/v1/cases/V2/records", as: .role(.officer))
            #expect(history["case"]?["case"] == "V2")
            let records = try await #require(history["records"]?.arrayValue)
            let recorded = try await #require(
                records.first { $0["seq"] == .number(Double(before.seq + 1)) }, "the claim is not in the case's records: \(records)")
            #expect(recorded["record"] == claim)
            #expect(recorded["type"] == "claim")
            #expect(recorded["actor"]?.stringValue?.contains(world.tokens.infos[.officer]!.id) == true, "the actor names the token: \(recorded)")
        }
    }

    @Test("An array: every record is recorded in order, in one receipt")
    func arrayOfRecords() async throws {
        let world = try await Worlds.scenario()
        let records: [JSONValue] = [
            TestRecords.caseRecord("N1", nationalities: ["CUB"]),
            TestRecords.order("N1", kind: "final", on: "2025-02-01"),
            Scenario.notice("N1", "SLV"),
            TestRecords.claim("N1", "cat", against: "CUB", status: "pending", on: "2025-03-01"),
        ]
        try await world.test { caller in
            let before = try await world.store.head()
            let reply = try await caller.send(.post, "/api/v1/records", as: .role(.officer), json: .array(records))
            try await expectReceipt(reply, count: 4, after: before, in: world)
            let history = try await caller.getJSON("/api/v1/cases/N1", as: .role(.monitor))
            let recorded = try await #require(history["records"]?.arrayValue).map { $0["record"] ?? .null }
            #expect(recorded == records)
        }
    }

    @Test("All or nothing: an array with one bad record is refused, naming it, and the head is unchanged")
    func allOrNothing() async throws {
        let world = try await Worlds.scenario()
        let records: [JSONValue] = [
            TestRecords.caseRecord("N1", nationalities: ["CUB"]),
            TestRecords.order("N1", kind: "final", on: "2025-02-01"),
            TestRecords.claim("N2", "cat", against: "CUB", status: "pending", on: "2025-03-01"),
            TestRecords.caseRecord("N3", nationalities: ["CUB"]),
        ]
        try await world.test { caller in
            let before = try await world.store.snapshot()
            let reply = try await caller.send(.post, "/api/v1/records", as: .role(.officer), json: .array(records))
            expectProblem(reply, .unprocessableContent, code: "unknown-reference", "an array whose third record names an unknown case")
            #expect(reply.json?["index"] == 3 && reply.json?["field"] == "case", "\(reply)")
            #expect(try await world.store.snapshot() == before, "part of a refused array was kept")
            expectProblem(
                try await caller.get("/api/v1/cases/N1", as: .role(.officer)), .notFound, code: "unknown-case",
                "the first record of the refused array")
        }
    }

    @Test("Lock, strike and depart: a departure with someone not allowed is refused (409) naming them and the gate, until struck")
    func lockStrikeDepart() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            // V3 was never served notice: the notice gate waits.
            var before = try await world.store.head()
            try await expectReceipt(
                try await caller.send(.post, "/api/v1/records", as: .role(.supervisor), json: TestRecords.manifestAdd("T1", "V3")),
                count: 1, after: before, in: world)

            before = try await world.store.head()
            let lock = try await caller.send(.post, "/api/v1/transfers/T1/lock", as: .role(.supervisor), json: ["at": .string(Scenario.lockAt)])
            #expect(lock.status == .created, "\(lock)")
            let lockEvents = try await world.events(after: before.seq)
            #expect(lockEvents.map(\.type) == ["transfer-lock"] + Array(repeating: "system.verdict", count: 4), "\(lockEvents.map(\.type))")
            #expect(lock.json?["lastSeq"] == .number(Double(try await world.store.head().seq)))
            let detail = try await caller.getJSON("/api/v1/transfers/T1", as: .role(.supervisor))
            #expect(detail["status"] == "locked")

            // Departure refused: nothing recorded, the problem names V3 and the notice gate.
            before = try await world.store.head()
            let refused = try await caller.send(
                .post, "/api/v1/transfers/T1/depart", as: .role(.supervisor), json: ["at": .string(Scenario.departAt)])
            expectProblem(refused, .conflict, code: "departure-refused", "departure with V3 on board")
            #expect(refused.detail?.contains("V3") == true, "the problem does not name the person: \(refused)")
            #expect(refused.detail?.contains("notice") == true, "the problem does not name the gate: \(refused)")
            #expect(refused.detail?.contains("V1") == false, "an allowed person is named: \(refused)")
            #expect(refused.json?["field"] == "transfer")
            #expect(try await world.store.head() == before)

            // Struck with a reason, the rest may go.
            let strike = try await caller.send(
                .post, "/api/v1/transfers/T1/strike", as: .role(.supervisor), json: ["case": "V3", "reason": "no notice was served"])
            try await expectReceipt(strike, count: 1, after: before, in: world)
            let struck = try await #require(try await world.events(after: before.seq).first)
            #expect(struck.type == "manifest-strike" && struck.json["case"] == "V3" && struck.json["reason"] == "no notice was served")

            before = try await world.store.head()
            let depart = try await caller.send(.post, "/api/v1/transfers/T1/depart", as: .role(.supervisor), json: ["at": .string(Scenario.departAt)])
            #expect(depart.status == .created, "\(depart)")
            #expect(try await world.events(after: before.seq).map(\.type) == ["transfer-depart", "system.departure-check"])
            let departed = try await caller.getJSON("/api/v1/transfers/T1", as: .role(.monitor))
            #expect(departed["status"] == "departed")
            let onBoard = (departed["passengers"]?.arrayValue ?? []).filter { $0["manifest"] == "on" }.compactMap { $0["case"]?.stringValue }
            #expect(Set(onBoard) == ["V1", "V2", "C1"])
        }
    }

    @Test("A court order recorded after the lock: departure is refused naming each covered person and the court-order gate")
    func courtOrderAfterLock() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            #expect(
                try await caller.send(.post, "/api/v1/transfers/T1/lock", as: .role(.supervisor), json: ["at": .string(Scenario.lockAt)]).status
                    == .created)
            let order = TestRecords.courtOrder("CO-VEN", issuedOn: "2025-06-30", scope: ["nationalities": ["VEN"], "destinations": ["SLV"]])
            #expect(try await caller.send(.post, "/api/v1/records", as: .role(.counsel), json: order).status == .created)
            let before = try await world.store.head()
            let refused = try await caller.send(.post, "/api/v1/transfers/T1/depart", as: .role(.admin), json: ["at": .string(Scenario.departAt)])
            expectProblem(refused, .conflict, code: "departure-refused", "departure after a court order")
            for person in ["V1", "V2"] { #expect(refused.detail?.contains(person) == true, "\(person) is not named: \(refused)") }
            #expect(refused.detail?.contains("C1") == false, "C1 (Cuba) is not covered: \(refused)")
            #expect(refused.detail?.contains("court-order") == true, "the gate is not named: \(refused)")
            #expect(try await world.store.head() == before)
        }
    }

    @Test("A transfer-depart naming a policy other than the active one is refused (422, field policy); naming the active one departs")
    func departUnderAnotherPolicy() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            #expect(
                try await caller.send(.post, "/api/v1/transfers/T2/lock", as: .role(.supervisor), json: ["at": .string(Scenario.lockAt)]).status
                    == .created)
            var depart: [String: JSONValue] = ["type": "transfer-depart", "transfer": "T2", "at": .string(Scenario.departAt), "policy": "unhcr-2013"]
            let before = try await world.store.snapshot()
            let refused = try await caller.send(.post, "/api/v1/records", as: .role(.supervisor), json: .object(depart))
            expectProblem(refused, .unprocessableContent, code: "policy-mismatch", "transfer-depart under unhcr-2013")
            #expect(refused.json?["field"] == "policy")
            #expect(refused.detail?.contains("us-dvd-2025") == true && refused.detail?.contains("unhcr-2013") == true, "\(refused)")
            #expect(try await world.store.snapshot() == before)

            depart["policy"] = "us-dvd-2025"
            let accepted = try await caller.send(.post, "/api/v1/records", as: .role(.supervisor), json: .object(depart))
            #expect(accepted.status == .created, "\(accepted)")
            #expect(try await caller.getJSON("/api/v1/transfers/T2", as: .role(.officer))["status"] == "departed")
        }
    }

    @Test("Convenience routes refuse what the record would refuse: a step out of order is a 409 and records nothing")
    func stepOutOfOrder() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let before = try await world.store.head()
            let reply = try await caller.send(.post, "/api/v1/transfers/T1/depart", as: .role(.supervisor), json: ["at": .string(Scenario.departAt)])
            expectProblem(reply, .conflict, code: "state-conflict", "depart before lock")
            #expect(reply.detail?.contains("scheduled") == true, "\(reply)")
            #expect(try await world.store.head() == before)
        }
    }
}
