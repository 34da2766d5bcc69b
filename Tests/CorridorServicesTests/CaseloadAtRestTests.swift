import CorridorDomain
import CorridorSQLiteTestSupport
import CorridorServices
import CorridorStore
import CorridorTestSupport
import Testing

@testable import CorridorRules

/// The caseload at rest, as a user relies on it: whole-caseload answers are the same whether the
/// caseload came from the store's image plus the records after it or from the log; an image that
/// cannot be trusted (damaged, of another format, made from another log, newer than asked for,
/// deleted) is never used and the reason is said; a well-formed but wrong image is caught by the
/// audit; the live view and the server start from the image and keep it current.
@Suite("The caseload at rest")
struct CaseloadAtRestTests {
    static let at = Instant(rfc3339: "2025-07-01T10:00:00Z")!
    static let destinations: [CountryCode] = ["SLV", "CRI"]
    static let perCase: Set<Record.Kind> = [.caseRecord, .order, .claim, .designation, .notice, .fear, .screening, .disposition]

    /// The reference network and 300 synthetic cases (some in family units).
    static func world(_ store: some EventStore) async throws {
        _ = try await Seeding.seedReference(into: store, context: .test)
        _ = try await Seeding.seedSynthetic(count: 300, seed: 2025, into: store, context: .test)
    }

    /// Every case as the log's own events give it through `seq` (the head when nil), in log
    /// order: independent of the caseload's encoding, its image and the store's projections.
    static func fromLog(_ store: some EventStore, through seq: Int64? = nil) async throws -> [CaseRecord.ID: CaseFacts] {
        var cases: [CaseRecord.ID: CaseFacts] = [:]
        for try await event in store.events(from: 1) {
            if let seq, event.seq > seq { break }
            guard let kind = Record.Kind(rawValue: event.type), perCase.contains(kind) else { continue }
            let record = try event.record()
            if case .caseRecord(let person) = record {
                if cases[person.id] == nil { cases[person.id] = CaseFacts(person: person) } else { cases[person.id]!.person = person }
            } else if let id = record.caseID {
                cases[id]?.add(record)
            }
        }
        return cases
    }

    /// Each family unit's members, from the people's current records.
    static func units(_ cases: [CaseRecord.ID: CaseFacts]) -> [String: Set<CaseRecord.ID>] {
        var units: [String: Set<CaseRecord.ID>] = [:]
        for facts in cases.values { if let unit = facts.person.familyUnit { units[unit, default: []].insert(facts.id) } }
        return units
    }

    /// What `eligible` answers at one destination, in a form that ignores caseload order.
    struct Answer: Equatable, CustomStringConvertible {
        var destination: CountryCode
        var total: Int
        var allowed: Set<CaseRecord.ID>
        var blocked: Int
        var pending: Int
        var failing: [GateID: Int]
        var waiting: [GateID: Int]
        var description: String {
            "\(destination): \(total) cases, \(allowed.count) allowed, \(blocked) blocked, \(pending) pending, failing \(failing), waiting \(waiting)"
        }
    }

    static func answers(_ caseload: Caseload, _ store: some EventStore) async throws -> [Answer] {
        let rules = RulesService(store: store)
        let policy = try await rules.profile(nil)
        var answers: [Answer] = []
        for destination in destinations {
            let e = caseload.eligibility(try await rules.destination(destination, at: at, policy: policy))
            answers.append(
                Answer(
                    destination: destination, total: e.total, allowed: Set(e.allowed), blocked: e.blockedCount, pending: e.pendingCount,
                    failing: e.failing, waiting: e.waiting))
        }
        return answers
    }

    /// The caseload holds exactly the cases the log gives (each with the same record and the
    /// same facts, in the same order), the same family units, and answers `eligible` the same.
    static func expectSameAsLog(
        _ caseload: Caseload, _ store: some EventStore, through seq: Int64? = nil, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let expected = try await fromLog(store, through: seq)
        let held = Dictionary(caseload.cases.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(caseload.count == expected.count, "\(what): \(caseload.count) cases, the log gives \(expected.count)", sourceLocation: sourceLocation)
        let differing = Set(expected.keys).union(held.keys).filter { held[$0] != expected[$0] }.map(\.rawValue).sorted()
        #expect(differing.isEmpty, "\(what): cases differ from the log: \(differing.prefix(10))", sourceLocation: sourceLocation)
        #expect(
            caseload.familyMembers.mapValues(Set.init) == units(expected), "\(what): family units differ from the log",
            sourceLocation: sourceLocation)
        let reference = Caseload(expected.values.sorted { $0.id.rawValue < $1.id.rawValue })
        #expect(
            try await answers(caseload, store) == answers(reference, store), "\(what): eligible answers differently",
            sourceLocation: sourceLocation)
    }

    static func reason(_ loaded: CaseloadAtRest.Loaded) -> String? {
        if case .log(let reason) = loaded.source { return reason }
        return nil
    }

    /// The original `case` record of a case, as JSON, with `change` applied: a correction.
    static func corrected(_ store: some EventStore, _ id: String, _ change: (inout [String: JSONValue]) -> Void) async throws -> JSONValue {
        let event = try #require(try await store.allEvents().last { $0.type == "case" && $0.fields["case"]?.stringValue == id })
        var fields = event.fields
        change(&fields)
        return .object(fields)
    }

    /// A synthetic case in a family unit with at least two other members.
    static func unitMember(_ store: some EventStore) async throws -> (id: CaseRecord.ID, unit: String) {
        let cases = try await fromLog(store)
        let unit = try #require(units(cases).filter { $0.value.count >= 3 }.keys.sorted().first, "the synthetic world has no family unit of 3")
        return (units(cases)[unit]!.sorted { $0.rawValue < $1.rawValue }.first!, unit)
    }

    static let synthetic = (0..<300).map(SyntheticCaseload.caseID)

    // MARK: 1. No image

    @Test(
        "Without an image the load rebuilds from the log and says so; loadAndRefresh writes one; the next load starts from it, same answers",
        arguments: StoreBackend.allCases)
    func noImageThenImage(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.world(store)
            let head = try await store.head().seq
            let first = try await CaseloadAtRest.load(store)
            #expect(Self.reason(first)?.contains("no image") == true, "\(first.source)")
            #expect(first.seq == head && first.exact && first.imageDue)
            #expect(try await store.caseloadImage() == nil, "a plain load wrote an image")
            try await Self.expectSameAsLog(first.caseload, store, "rebuilt from the log")

            let refreshed = try await CaseloadAtRest.loadAndRefresh(store)
            #expect(Self.reason(refreshed) != nil)
            #expect(try await store.caseloadImage()?.seq == head)

            let second = try await CaseloadAtRest.load(store)
            #expect(second.source == .image(imageSeq: head, tail: 0))
            #expect(second.seq == head && second.exact && !second.imageDue)
            try await Self.expectSameAsLog(second.caseload, store, "from the image")
            #expect(try await CaseloadAtRest.audit(store) == .matches(seq: head, cases: 300))
        }
    }

    // MARK: 2. The tail

    @Test(
        "Records after the image (new cases, new facts, a correction that moves a person out of a family unit) are read as its tail: the same as the log",
        arguments: StoreBackend.allCases)
    func imagePlusTail(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.world(store)
            try await CaseloadAtRest.loadAndRefresh(store)
            let imageSeq = try await store.head().seq
            let (leaver, unit) = try await Self.unitMember(store)
            let joiner = try #require(try await Self.fromLog(store).values.filter { $0.person.familyUnit == nil }.map(\.id.rawValue).min())
            try await store.append(records: [
                Fixture.person("REST-1", "VEN"),
                Fixture.person("REST-2", "CUB", extra: ["familyUnit": .string(unit)]),
                TestRecords.order("REST-1", kind: "final", on: "2025-02-01"),
                Fixture.notice("REST-1", "SLV"),
                TestRecords.order(Self.synthetic[5], kind: "pending", on: "2025-05-01"),
                TestRecords.claim(Self.synthetic[6], "cat", against: "SLV", status: "granted", on: "2025-04-01"),
                Fixture.notice(Self.synthetic[7], "CRI", servedOn: "2025-06-02T09:00:00Z"),
                try await Self.corrected(store, leaver.rawValue) { $0["familyUnit"] = nil },
                try await Self.corrected(store, joiner) { $0["familyUnit"] = .string("REST-FAM") },
                Fixture.person("REST-3", "VEN", extra: ["familyUnit": "REST-FAM"]),
            ])
            let loaded = try await CaseloadAtRest.load(store)
            #expect(loaded.source == .image(imageSeq: imageSeq, tail: 10), "\(loaded.source)")
            #expect(loaded.exact && !loaded.imageDue)
            try await Self.expectSameAsLog(loaded.caseload, store, "image and tail")
            let members = loaded.caseload.familyMembers
            #expect(members[unit]?.contains(leaver) == false, "\(leaver) still counted in \(unit)")
            #expect(members[unit]?.contains("REST-2") == true)
            #expect(Set(members["REST-FAM"] ?? []) == [CaseRecord.ID(joiner), "REST-3"])

            // The same as a rebuild that ignores the image.
            try await store.discardCaseloadImage()
            let rebuilt = try await CaseloadAtRest.load(store)
            #expect(Self.reason(rebuilt) != nil)
            #expect(try await Self.answers(loaded.caseload, store) == Self.answers(rebuilt.caseload, store))
        }
    }

    @Test("An image of the empty store (seq 0) is used: everything recorded since is its tail", arguments: StoreBackend.allCases)
    func imageOfTheEmptyStore(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let empty = try await CaseloadAtRest.loadAndRefresh(store)
            #expect(empty.seq == 0 && empty.caseload.count == 0)
            #expect(try await store.caseloadImage()?.seq == 0)
            try await Self.world(store)
            let loaded = try await CaseloadAtRest.load(store)
            let records = try await store.allEvents().filter { Record.Kind(rawValue: $0.type).map(Self.perCase.contains) == true }.count
            #expect(loaded.source == .image(imageSeq: 0, tail: records), "\(loaded.source)")
            #expect(loaded.exact && loaded.imageDue == (records > CaseloadAtRest.tailLimit))
            try await Self.expectSameAsLog(loaded.caseload, store, "the empty image and its tail")
        }
    }

    // MARK: 3. Images that are not used

    /// One way an image can be unusable: how to make it, and what the reason must name.
    struct BadImage: Sendable, CustomStringConvertible {
        var description: String
        var reason: String
        /// Whether `audit replay` reports it (an image newer than a load asks for is still a good image).
        var auditDiffers: Bool
        var make: @Sendable (any EventStore, CaseloadImage) async throws -> CaseloadImage
    }

    static let badImages: [BadImage] = [
        BadImage(description: "a byte flipped", reason: "checksum", auditDiffers: true) { _, good in
            var bytes = good.bytes
            bytes[bytes.count / 2] ^= 0x10
            return CaseloadImage(seq: good.seq, bytes: bytes)
        },
        BadImage(description: "another format", reason: "format 2", auditDiffers: true) { _, good in
            // Format 2 in the header, with a checksum that matches: read as a whole, the format is refused.
            var body = Array(good.bytes.dropLast(8))
            #expect(body[Caseload.imageMagic.count] == 1)
            body[Caseload.imageMagic.count] = 2
            let checksum = body.withUnsafeBufferPointer { CaseloadHash.checksum($0) }
            body.appendFixed64(checksum)
            return CaseloadImage(seq: good.seq, bytes: body)
        },
        BadImage(description: "made from another store's log", reason: "another log", auditDiffers: true) { store, good in
            let other = InMemoryEventStore()
            _ = try await Seeding.seedReference(into: other, context: .test)
            _ = try await Seeding.seedSynthetic(count: 300, seed: 7, into: other, context: .test)
            let seq = min(try await other.head().seq, good.seq)
            let loaded = try await CaseloadAtRest.load(other, through: seq)
            try await CaseloadAtRest.save(loaded.caseload, seq: seq, to: other)
            return try #require(try await other.caseloadImage())
        },
        BadImage(description: "not an image at all", reason: "not a caseload image", auditDiffers: true) { _, good in
            CaseloadImage(seq: good.seq, bytes: Array("{\"cases\": []}".utf8))
        },
    ]

    @Test(
        "An image that cannot be trusted is not used: the caseload is rebuilt from the log, naming why, and refreshed",
        arguments: StoreBackend.allCases, badImages)
    func untrustedImage(backend: StoreBackend, bad: BadImage) async throws {
        try await backend.withStore { store in
            try await Self.world(store)
            try await CaseloadAtRest.loadAndRefresh(store)
            let good = try #require(try await store.caseloadImage())
            try await store.saveCaseloadImage(try await bad.make(store, good))

            let loaded = try await CaseloadAtRest.load(store)
            let reason = try #require(Self.reason(loaded), "\(bad): the image was used: \(loaded.source)")
            #expect(reason.contains(bad.reason), "\(bad): \(reason)")
            #expect(loaded.exact && loaded.imageDue)
            try await Self.expectSameAsLog(loaded.caseload, store, "\(bad)")
            if case .differs(let finding) = try await CaseloadAtRest.audit(store) {
                #expect(finding.contains(bad.reason), "\(bad): audit says \(finding)")
            } else {
                Issue.record("\(bad): audit does not report the image")
            }

            try await CaseloadAtRest.loadAndRefresh(store)
            let head = try await store.head().seq
            #expect(try await CaseloadAtRest.audit(store) == .matches(seq: head, cases: 300))
            #expect(try await CaseloadAtRest.load(store).source == .image(imageSeq: head, tail: 0))
        }
    }

    @Test("An image newer than the seq asked for is not used for that load (and stays a good image)", arguments: StoreBackend.allCases)
    func imageNewerThanThrough(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.world(store)
            let earlier = try await store.head().seq
            try await store.append(records: [
                TestRecords.order(Self.synthetic[1], kind: "pending", on: "2025-05-01"),
                Fixture.notice(Self.synthetic[2], "CRI", servedOn: "2025-06-02T09:00:00Z"),
            ])
            try await CaseloadAtRest.loadAndRefresh(store)
            let head = try await store.head().seq

            let loaded = try await CaseloadAtRest.load(store, through: earlier)
            let reason = try #require(Self.reason(loaded), "an image at seq \(head) was used for a load through \(earlier)")
            #expect(reason.contains("newer than seq \(earlier)"), "\(reason)")
            #expect(loaded.seq == earlier && loaded.exact)
            try await Self.expectSameAsLog(loaded.caseload, store, through: earlier, "through an earlier seq")
            #expect(try await CaseloadAtRest.audit(store) == .matches(seq: head, cases: 300))

            try await CaseloadAtRest.loadAndRefresh(store, through: earlier)
            let audit = try await CaseloadAtRest.audit(store)
            #expect(!audit.isProblem, "\(audit)")
        }
    }

    @Test("A deleted image is rebuilt from the log; the audit then finds none, then a matching one", arguments: StoreBackend.allCases)
    func deletedImage(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.world(store)
            try await CaseloadAtRest.loadAndRefresh(store)
            try await store.discardCaseloadImage()
            #expect(try await CaseloadAtRest.audit(store) == .absent)
            let loaded = try await CaseloadAtRest.loadAndRefresh(store)
            #expect(Self.reason(loaded)?.contains("no image") == true, "\(loaded.source)")
            try await Self.expectSameAsLog(loaded.caseload, store, "after deletion")
            #expect(try await CaseloadAtRest.audit(store) == .matches(seq: try await store.head().seq, cases: 300))
        }
    }

    @Test(
        "A well-formed image that is wrong (a fact missing, or a case) is caught by the audit, naming the case; rebuilding it fixes it",
        arguments: StoreBackend.allCases)
    func wrongImage(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.world(store)
            let head = try await store.head().seq
            var cases = try await Self.fromLog(store)
            let victim = try #require(cases.values.filter { !$0.orders.isEmpty }.map(\.id).min { $0.rawValue < $1.rawValue })
            cases[victim]!.orders.removeLast()
            let wrong = Caseload(cases.values.sorted { $0.id.rawValue < $1.id.rawValue })
            try await CaseloadAtRest.save(wrong, seq: head, to: store)
            // Its checksum, format and chain hash are right: a load cannot tell, the audit can.
            #expect(try await CaseloadAtRest.load(store).source == .image(imageSeq: head, tail: 0))
            let audit = try await CaseloadAtRest.audit(store)
            #expect(audit == .differs("case \(victim) differs between the image and the log"), "\(audit)")

            cases.removeValue(forKey: victim)
            try await CaseloadAtRest.save(Caseload(cases.values.sorted { $0.id.rawValue < $1.id.rawValue }), seq: head, to: store)
            let missing = try await CaseloadAtRest.audit(store)
            #expect(missing.isProblem && "\(missing)".contains("299 cases"), "\(missing)")

            // What `audit rebuild-image` does.
            try await store.discardCaseloadImage()
            try await CaseloadAtRest.loadAndRefresh(store)
            #expect(try await CaseloadAtRest.audit(store) == .matches(seq: head, cases: 300))
        }
    }

    // MARK: 4. Exact loads

    @Test("A load through a seq before a later case correction is not exact and never becomes the image", arguments: StoreBackend.allCases)
    func inexactLoadIsNotSaved(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.world(store)
            let before = try await store.head().seq
            let (person, _) = try await Self.unitMember(store)
            try await store.append(record: try await Self.corrected(store, person.rawValue) { $0["familyUnit"] = nil })

            let rebuilt = try await CaseloadAtRest.loadAndRefresh(store, through: before)
            #expect(!rebuilt.exact && !rebuilt.imageDue)
            #expect(try await store.caseloadImage() == nil, "an inexact load was saved")

            // With an image at the head, a load through the earlier seq is refused the image and is not saved either.
            try await CaseloadAtRest.loadAndRefresh(store)
            let image = try #require(try await store.caseloadImage())
            let again = try await CaseloadAtRest.loadAndRefresh(store, through: before)
            #expect(!again.exact)
            #expect(try await store.caseloadImage() == image)

            let atHead = try await CaseloadAtRest.load(store)
            #expect(atHead.exact)
            try await Self.expectSameAsLog(atHead.caseload, store, "at the head")
        }
    }

    // MARK: 5. The live view

    @Test("The live view starts from the image, applies later records once, and writes a new image only when due", arguments: StoreBackend.allCases)
    func liveViewFromImage(backend: StoreBackend) async throws {
        try await backend.withStore { store in try await Self.liveViewFromImage(store) }
    }

    static func liveViewFromImage(_ store: some EventStore) async throws {
        do {
            try await Self.world(store)
            try await CaseloadAtRest.loadAndRefresh(store)
            let imageSeq = try await store.head().seq
            // A view that does not look again for a minute: the caseload it loads runs ahead of it.
            let view = try await LiveView(store: store, staleness: 60_000_000_000)
            try await store.append(records: [
                Fixture.person("REST-1", "VEN"), TestRecords.order("REST-1", kind: "final", on: "2025-02-01"),
                TestRecords.order(Self.synthetic[3], kind: "pending", on: "2025-05-01"),
            ])
            let loaded = try await view.withCaseload()
            #expect(loaded.caseloadSource == .image(imageSeq: imageSeq, tail: 3))
            #expect(loaded.imageSeq == imageSeq)
            try await Self.expectSameAsLog(try #require(loaded.caseload), store, "first load of the view")

            let (leaver, _) = try await Self.unitMember(store)
            try await store.append(records: [
                Fixture.notice("REST-1", "SLV"), TestRecords.claim(Self.synthetic[4], "cat", against: "SLV", status: "granted", on: "2025-04-01"),
                try await Self.corrected(store, leaver.rawValue) { $0["familyUnit"] = nil },
            ])
            view.invalidate()
            _ = try await view.current()
            view.invalidate()
            let current = try await view.withCaseload()
            #expect(current.caseloadSeq == (try await store.head().seq))
            try await Self.expectSameAsLog(try #require(current.caseload), store, "after records appended")

            #expect(try await view.writeImageIfDue(tailLimit: 10) == nil, "wrote an image for a short tail")
            for index in 10..<21 { try await store.append(record: TestRecords.order(Self.synthetic[index], kind: "final", on: "2025-05-02")) }
            view.invalidate()
            _ = try await view.current()
            let head = try await store.head().seq
            #expect(try await view.writeImageIfDue(tailLimit: 10) == head)
            #expect(try await store.caseloadImage()?.seq == head)
            #expect(try await view.writeImageIfDue(tailLimit: 10) == nil, "wrote the same image twice")
            #expect(try await CaseloadAtRest.audit(store) == .matches(seq: head, cases: 301))
        }
    }

    @Test(
        "A live view that rebuilt from the log writes the image at once, then not again until the tail passes the limit",
        arguments: StoreBackend.allCases)
    func liveViewWritesAfterRebuild(backend: StoreBackend) async throws {
        try await backend.withStore { store in try await Self.liveViewWritesAfterRebuild(store) }
    }

    static func liveViewWritesAfterRebuild(_ store: some EventStore) async throws {
        do {
            try await Self.world(store)
            let view = try await LiveView(store: store)
            let loaded = try await view.withCaseload()
            guard case .log(let reason) = loaded.caseloadSource else {
                Issue.record("the view's first load did not rebuild from the log: \(String(describing: loaded.caseloadSource))")
                return
            }
            #expect(reason.contains("no image"))
            let head = try await store.head().seq
            #expect(try await view.writeImageIfDue(tailLimit: 5) == head)
            #expect(try await CaseloadAtRest.load(store).source == .image(imageSeq: head, tail: 0))
            #expect(try await view.writeImageIfDue(tailLimit: 5) == nil)

            for index in 0..<3 { try await store.append(record: TestRecords.order(Self.synthetic[index], kind: "final", on: "2025-05-02")) }
            _ = try await view.current()
            #expect(try await view.writeImageIfDue(tailLimit: 5) == nil, "wrote for a tail of 3")
            for index in 3..<6 { try await store.append(record: TestRecords.order(Self.synthetic[index], kind: "final", on: "2025-05-02")) }
            _ = try await view.current()
            let newHead = try await store.head().seq
            #expect(try await view.writeImageIfDue(tailLimit: 5) == newHead)
            #expect(try await CaseloadAtRest.audit(store) == .matches(seq: newHead, cases: 300))
            try await Self.expectSameAsLog(try #require(try await view.current().caseload), store, "the view after writing")
        }
    }
}
