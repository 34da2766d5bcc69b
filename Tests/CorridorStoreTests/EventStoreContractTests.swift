import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import Testing

/// What every ``EventStore`` must do besides the state rules: receipts, reads, the chain and the
/// digest. Written once over `some EventStore`, run against each backend.
struct EventStoreContractTests {
    typealias R = TestRecords

    @Test("An empty store has the genesis head, no events and an intact chain", arguments: StoreBackend.allCases)
    func emptyStore(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.head() == .genesis)
            #expect(try await store.summary() == StoreSummary(events: 0, countries: 0, arrangements: 0, cases: 0, courtOrders: 0, transfers: 0))
            #expect(try await store.allEvents().isEmpty)
            let verification = try await store.verifyChain()
            #expect(verification.isIntact)
            #expect(verification.eventsChecked == 0)
            #expect(try await store.networkRecords().isEmpty)
            #expect(try await store.caseRecords("C1").isEmpty)
            #expect(try await store.exportRecords { _ in } == 0)
        }
    }

    @Test("Receipts number events consecutively across appends", arguments: StoreBackend.allCases)
    func receipts(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let first = try await store.append(records: [R.country("USA"), R.country("GTM"), R.caseRecord("C1")])
            #expect(first.count == 3)
            #expect(first.firstSeq == 1)
            #expect(first.lastSeq == 3)
            #expect(first.headHash == (try await store.head().hash))

            let second = try await store.append(record: R.order("C1"))
            #expect(second.firstSeq == 4)
            #expect(second.lastSeq == 4)
            #expect(try await store.head().seq == 4)

            let empty = try await store.append([], context: .test)
            #expect(empty.count == 0)
            #expect(empty.firstSeq == nil)
            #expect(empty.lastSeq == nil)
            #expect(empty.headHash == second.headHash)
            #expect(try await store.head().seq == 4)
        }
    }

    @Test("A producer that throws its own error keeps nothing of the call", arguments: StoreBackend.allCases)
    func producerError(backend: StoreBackend) async throws {
        struct Interrupted: Error {}
        try await backend.withStore { store in
            try await store.append(records: R.smallWorld)
            let before = try await store.snapshot()
            await #expect(throws: Interrupted.self) {
                try await store.append(context: .test) { emit in
                    try emit(try R.sourced(R.caseRecord("C7")))
                    try emit(try R.sourced(R.order("C7")))
                    throw Interrupted()
                }
            }
            #expect(try await store.snapshot() == before)
            #expect(try await store.caseRecords("C7").isEmpty)
        }
    }

    @Test("Events keep type, payload, actor and time, and link to the previous hash", arguments: StoreBackend.allCases)
    func eventsAreChained(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let context = AppendContext(actor: "officer:ana", recordedAt: Instant(rfc3339: "2025-05-20T10:30:00.250-04:00")!)
            try await store.append(records: R.smallWorld, context: context)
            try await store.append(records: [R.order("C1"), R.claim("C1")], context: .test)
            let events = try await store.allEvents()
            #expect(events.count == R.smallWorld.count + 2)
            #expect(events.map(\.seq) == Array(1...Int64(events.count)))
            #expect(events.first?.prev == ChainHead.genesis.hash)
            for (previous, event) in zip(events, events.dropFirst()) {
                #expect(event.prev == previous.hash)
            }
            for event in events {
                let recomputed = EventHash.compute(
                    prev: event.prev, seq: event.seq, type: event.type, actor: event.actor,
                    recordedAt: event.recordedAt.description, payload: event.payload)
                #expect(event.hash == recomputed)
                #expect(event.hash.count == 64)
                #expect(try event.record().kind.rawValue == event.type)
            }
            #expect(events[0].actor == "officer:ana")
            #expect(events[0].recordedAt.description == "2025-05-20T14:30:00.250Z")
            #expect(events[0].payload == R.smallWorld[0].canonicalString)
            #expect(events.last?.actor == "test")
            #expect(events.last?.type == "claim")
            #expect(Set(events.map(\.hash)).count == events.count)

            let verification = try await store.verifyChain()
            #expect(verification.isIntact)
            #expect(verification.eventsChecked == Int64(events.count))
            #expect(verification.head == (try await store.head()))
        }
    }

    @Test("The hash covers actor and time: the same records by another actor hash differently", arguments: StoreBackend.allCases)
    func hashCoversActorAndTime(backend: StoreBackend) async throws {
        var heads: [String] = []
        for context in [
            AppendContext.test, .test(actor: "other"), AppendContext(actor: "test", recordedAt: TestClock.instant.adding(milliseconds: 1)),
        ] {
            heads.append(
                try await backend.withStore { store in
                    try await store.append(records: R.smallWorld, context: context)
                    return try await store.head().hash
                })
        }
        #expect(Set(heads).count == 3)
        // ...while the state they record is the same.
        var digests: [StateDigest] = []
        for context in [AppendContext.test, .test(actor: "other")] {
            digests.append(
                try await backend.withStore { store in
                    try await store.append(records: R.smallWorld, context: context)
                    return try await store.stateDigest()
                })
        }
        #expect(digests[0] == digests[1])
    }

    @Test("Summary counts entities once, however often they are re-recorded", arguments: StoreBackend.allCases)
    func summaryCounts(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.append(records: R.smallWorld)
            try await store.append(records: [
                R.country("GTM", name: "Republic of Guatemala"),
                R.caseRecord("C1", nationalities: ["GTM", "MEX"]),
                R.courtOrder("CO1"), R.courtOrderLift("CO1", on: "2025-05-01"),
                R.transfer("T1", destination: "SLV", arrangement: "arr-slv"),
            ])
            #expect(
                try await store.summary()
                    == StoreSummary(
                        events: Int64(R.smallWorld.count + 5), countries: 5, arrangements: 1, cases: 2,
                        courtOrders: 1, transfers: 1))
        }
    }

    @Test("A case's records: the latest case record first, then its facts in log order", arguments: StoreBackend.allCases)
    func caseRecords(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.append(records: R.smallWorld)
            try await store.append(records: [R.order("C1"), R.claim("C2"), R.notice("C1", destination: "MEX")])
            try await store.append(record: R.caseRecord("C1", nationalities: ["GTM", "MEX"], extra: ["counsel": "Synthetic counsel 9"]))
            try await store.append(record: R.claim("C1", "cat", against: "GTM", status: "pending"))

            let records = try await store.caseRecords("C1")
            #expect(records.map(\.kind) == [.caseRecord, .order, .notice, .claim])
            guard case .caseRecord(let latest)? = records.first else {
                Issue.record("first record is not the case")
                return
            }
            #expect(latest.nationalities == ["GTM", "MEX"])
            #expect(latest.counsel == "Synthetic counsel 9")
            #expect(records.allSatisfy { $0.caseID == "C1" })
            #expect(try await store.caseRecords("C2").map(\.kind) == [.caseRecord, .claim])
            #expect(try await store.caseRecords("NOBODY").isEmpty)
        }
    }

    @Test("Network records: latest countries and arrangements, every status and order, in log order", arguments: StoreBackend.allCases)
    func networkRecords(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.append(records: R.smallWorld)
            try await store.append(records: [
                R.courtOrder("CO1", issuedOn: "2025-04-18"),
                R.arrangementStatus("arr-slv", "suspended", on: "2025-06-01"),
                R.arrangementStatus("arr-slv", "signed", on: "2025-02-01"),
                R.country("SLV", name: "Republic of El Salvador"),
                R.courtOrderLift("CO1", on: "2025-06-23"),
                R.transfer("T1", destination: "SLV"),
            ])
            let records = try await store.networkRecords()
            #expect(
                records.map(\.kind) == [
                    .country, .country, .country, .country,  // USA GTM HND MEX; SLV is superseded
                    .arrangement, .arrangementStatus,
                    .courtOrder, .arrangementStatus, .arrangementStatus, .country, .courtOrderLift,
                ])
            let network = try await store.network()
            #expect(network.countries.count == 5)
            #expect(network.countryName("SLV") == "Republic of El Salvador")
            #expect(network.countryName("RWA") == "Rwanda")
            #expect(network.status(of: "arr-slv", on: Day("2025-02-15")!)?.status == .signed)
            #expect(network.status(of: "arr-slv", on: Day("2025-03-01")!)?.status == .active)
            #expect(network.status(of: "arr-slv", on: Day("2025-07-01")!)?.status == .suspended)
            #expect(network.status(of: "arr-slv", on: Day("2025-01-01")!) == nil)
            #expect(network.latestStatus(of: "arr-slv")?.status == .suspended)
            #expect(network.courtOrders["CO1"]?.issuedOn == Day("2025-04-18"))
            #expect(network.courtOrderLifts["CO1"]?.on == Day("2025-06-23"))
        }
    }

    @Test("The digest changes with state, table by table", arguments: StoreBackend.allCases)
    func digestTracksState(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.append(records: R.smallWorld)
            let before = try await store.stateDigest()
            #expect(Set(before.tables.keys) == Set(StateDigest.tables))
            #expect(before.tables["countries"]?.rows == 5)
            #expect(before.tables["cases"]?.rows == 2)
            #expect(before.tables["manifest"]?.rows == 0)

            try await store.append(records: [R.transfer("T1", destination: "SLV"), R.manifestAdd("T1", "C1")])
            let after = try await store.stateDigest()
            let added = Set(after.differences(from: before))
            #expect(added.isSuperset(of: ["transfers", "manifest"]))
            #expect(added.isDisjoint(with: ["countries", "arrangements", "arrangement_statuses", "cases", "case_facts", "court_orders"]))

            try await store.append(record: R.manifestStrike("T1", "C1"))
            let struck = try await store.stateDigest()
            let changed = Set(struck.differences(from: after))
            #expect(changed.contains("manifest"))
            #expect(!changed.contains("transfers"))
            #expect(!changed.contains("cases"))
            #expect(struck.tables["manifest"]?.rows == 1)
        }
    }

    @Test("Every backend fed the same records has the same digest, and exports the same records")
    func backendsAgree() async throws {
        let records =
            try StateRuleScenario.load()[0].setup + [
                R.step(.arrive, "T-GONE", at: "2025-03-16T04:00:00Z"),
                R.disposition("C3", outcome: "repatriated", on: "2025-06-01", to: "VEN"),
                R.arrangementStatus("arr-slv", "terminated", on: "2025-09-01"),
                R.manifestStrike("T-OPEN", "C1"), R.manifestAdd("T-OPEN", "C1"),
                R.caseRecord("C6", nationalities: ["MEX"]), R.order("C6"),
                R.manifestStrike("T-FULL", "C2"), R.manifestAdd("T-FULL", "C6"),
                R.step(.lock, "T-FULL", at: "2025-07-03T08:00:00.125Z"), R.step(.depart, "T-FULL", at: "2025-07-03T10:00:00+02:00"),
                R.disposition("C6", on: "2025-07-04"),
                R.courtOrderLift("CO1", on: "2025-06-30"),
                R.caseRecord("C2", nationalities: ["HND", "GTM"]),
                R.country("MEX", name: "United Mexican States", extra: ["returns": "accepts"]),
            ]
        var digests: [StoreBackend: StateDigest] = [:]
        var exports: [StoreBackend: [String]] = [:]
        for backend in StoreBackend.allCases {
            try await backend.withStore { store in
                try await store.append(records: records)
                digests[backend] = try await store.stateDigest()
                var lines: [String] = []
                #expect(try await store.exportRecords { lines.append($0) } == records.count)
                exports[backend] = lines
            }
        }
        #expect(digests[.inMemory] == digests[.sqliteFile])
        #expect(digests[.inMemory] == digests[.sqliteMemory])
        #expect(exports[.inMemory]?.count == records.count)
        #expect(exports[.inMemory] == exports[.sqliteFile])
        if StoreBackend.allCases.contains(.postgres) {
            #expect(digests[.inMemory] == digests[.postgres])
            #expect(exports[.inMemory] == exports[.postgres])
        }
        #expect(exports[.inMemory] == exports[.sqliteMemory])
    }

    @Test("System events are chained but are neither records nor state", arguments: StoreBackend.allCases)
    func systemEvents(backend: StoreBackend) async throws {
        let plain = InMemoryEventStore()
        try await plain.append(records: R.smallWorld)
        try await plain.append(record: R.order("C1"))
        try await backend.withStore { store in
            try await store.append(records: R.smallWorld)
            let event = try await store.appendSystemEvent(
                type: "system.read", payload: ["case": "C1", "by": "counsel:1"],
                context: .test(actor: "counsel:1"), setting: nil)
            #expect(event.seq == Int64(R.smallWorld.count + 1))
            #expect(event.payload == #"{"by":"counsel:1","case":"C1"}"#)
            #expect(try await store.head() == ChainHead(seq: event.seq, hash: event.hash))
            try await store.append(record: R.order("C1"))

            #expect(try await store.verifyChain().isIntact)
            #expect(try await store.verifyChain().eventsChecked == Int64(R.smallWorld.count + 2))
            #expect(try await store.allEvents()[Int(event.seq) - 1] == event)
            // The same records without the system event: same state, same export.
            #expect(try await store.stateDigest() == plain.stateDigest())
            var lines: [String] = [], plainLines: [String] = []
            _ = try await store.exportRecords { lines.append($0) }
            _ = try await plain.exportRecords { plainLines.append($0) }
            #expect(lines == plainLines)
            #expect(try await AuditReplay.run(store).matches)
        }
    }

    @Test("System event types must begin 'system.'", arguments: StoreBackend.allCases)
    func systemEventType(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            for type in ["case", "read", "systemx.read", ""] {
                let error = await #expect(throws: StoreError.self) {
                    try await store.appendSystemEvent(type: type, payload: [:], context: .test, setting: nil)
                }
                #expect(error?.code == .invalidEvent)
            }
            let head = try await store.head()
            #expect(head == .genesis)
        }
    }

    @Test("A setting is written with its system event and read back", arguments: StoreBackend.allCases)
    func settings(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.setting("policy.active") == nil)
            try await store.appendSystemEvent(
                type: "system.policy", payload: ["policy": "unhcr-2013"], context: .test,
                setting: (key: "policy.active", value: "unhcr-2013"))
            try await store.appendSystemEvent(
                type: "system.policy", payload: ["policy": "us-dvd-2025"], context: .test,
                setting: (key: "policy.active", value: "us-dvd-2025"))
            #expect(try await store.setting("policy.active") == "us-dvd-2025")
            #expect(try await store.head().seq == 2)
            #expect(try await store.verifyChain().isIntact)
        }
    }

    @Test("A receipt's last seq is the head after the append, system events included", arguments: StoreBackend.allCases)
    func receiptWithSystemEvents(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.append(records: R.smallWorld + [R.transfer("T1", destination: "SLV"), R.manifestAdd("T1", "C1")])
            let before = try await store.head()
            // Locking records a verdict for each person on the manifest after the lock itself.
            let receipt = try await store.append(records: [R.step(.lock, "T1"), R.order("C2")])
            let after = try await store.head()
            #expect(receipt.count == 2)
            #expect(receipt.firstSeq == before.seq + 1)
            #expect(receipt.headHash == after.hash)
            #expect(after.seq > before.seq + 2, "no system event was appended; the test no longer exercises them")
            #expect(receipt.lastSeq == after.seq)
        }
    }

    @Test("Paged reads give the same records whatever the page size, across the cases/facts boundary", arguments: StoreBackend.allCases)
    func pagingIsSeamless(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.append(records: R.smallWorld + [R.caseRecord("C1"), R.order("C1"), R.caseRecord("C9"), R.order("C9")])
            func payloads(_ sequence: CaseloadSequence) async throws -> [String] {
                var all: [String] = []
                for try await record in sequence { all.append("\(record)") }
                return all
            }
            let whole = try await payloads(CaseloadSequence(store: store, through: nil, pageSize: 10_000))
            #expect(whole.count >= 5, "the world no longer has enough case records and facts to page through")
            for size in [1, 2, 3, 5] {
                #expect(try await payloads(CaseloadSequence(store: store, through: nil, pageSize: size)) == whole, "page size \(size)")
            }
            var events: [Int64] = []
            for try await event in EventSequence(store: store, from: 2, pageSize: 3) { events.append(event.seq) }
            #expect(events == Array(2...(try await store.head().seq)))
        }
    }

    @Test("A cancelled task's streaming read stops at the next page", arguments: StoreBackend.allCases)
    func cancelledStreamStops(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let reads = (0..<(StorePaging.eventPage * 2 + 10)).map {
                (event: SystemEvent(type: "system.read", payload: ["n": .number(Double($0))]), actor: "test")
            }
            try await store.appendSystemEvents(reads, at: TestClock.instant)
            try await store.append(records: R.smallWorld + (0..<(StorePaging.caseloadPage + 10)).map { R.caseRecord("P\($0)") })
            // Each reader cancels its own task after the first element, then keeps iterating.
            let events = Task {
                var seen = 0
                do {
                    for try await _ in store.events(from: 1) {
                        seen += 1
                        if seen == 1 { withUnsafeCurrentTask { $0?.cancel() } }
                    }
                } catch is CancellationError { return (seen, true) }
                return (seen, false)
            }
            let (eventsSeen, eventsStopped) = try await events.value
            #expect(eventsStopped, "the event sequence ran to its end in a cancelled task")
            #expect(eventsSeen == StorePaging.eventPage, "it should stop after the page it had fetched")
            let caseload = Task {
                var seen = 0
                do {
                    for try await _ in store.caseload() {
                        seen += 1
                        if seen == 1 { withUnsafeCurrentTask { $0?.cancel() } }
                    }
                } catch is CancellationError { return (seen, true) }
                return (seen, false)
            }
            let (recordsSeen, caseloadStopped) = try await caseload.value
            #expect(caseloadStopped, "the caseload sequence ran to its end in a cancelled task")
            #expect(recordsSeen == StorePaging.caseloadPage)
        }
    }
}
