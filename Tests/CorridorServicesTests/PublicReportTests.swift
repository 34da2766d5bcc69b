import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import CorridorTestSupport
import Testing

/// Issue #14: the public record in numbers — reported figures with their sources, recorded
/// figures with complementary suppression, CSV safety, the stranded caseload and the demo.
@Suite("The public report")
struct PublicReportTests {
    // MARK: suppression

    /// People moved: case id, first nationality, arrangement, departure day, returned onward.
    typealias Moved = (case: String, nationality: String, arrangement: String, day: String, onward: Bool)

    /// A suppression case: groups of people moved, and what each table must show for them.
    struct SuppressionCase: Sendable, CustomStringConvertible {
        var description: String
        /// (arrangement, nationality, day, people, of whom returned onward)
        var groups: [(String, String, String, Int, Int)]
        var arrangements: [String: String]
        var nationalities: [String: String]
        var months: [String: String]
        var total: String

        func moved() -> [Moved] {
            var out: [Moved] = []
            for (index, group) in groups.enumerated() {
                for n in 0..<group.3 { out.append(("P\(index)-\(n)", group.1, group.0, group.2, n < group.4)) }
            }
            return out
        }
    }

    static let suppressionCases: [SuppressionCase] = [
        SuppressionCase(
            description: "one small cell beside a published total hides the next smallest too",
            groups: [("a1", "VEN", "2025-03-10", 3, 1), ("a2", "CUB", "2025-04-10", 6, 0)],
            arrangements: ["a1": "<5", "a2": "suppressed"], nationalities: ["VEN": "<5", "CUB": "suppressed"],
            months: ["2025-03": "<5", "2025-04": "suppressed"], total: "9"),
        SuppressionCase(
            description: "counts of 5 and more are shown",
            groups: [("a1", "VEN", "2025-03-10", 5, 0), ("a2", "CUB", "2025-04-10", 6, 0)],
            arrangements: ["a1": "5", "a2": "6"], nationalities: ["VEN": "5", "CUB": "6"],
            months: ["2025-03": "5", "2025-04": "6"], total: "11"),
        SuppressionCase(
            description: "a month counting a hidden arrangement's people plus a shown one's is hidden too",
            groups: [("a1", "VEN", "2025-03-10", 3, 0), ("a2", "CUB", "2025-03-12", 20, 0), ("a3", "CUB", "2025-04-10", 6, 0)],
            arrangements: ["a1": "<5", "a2": "20", "a3": "suppressed"], nationalities: ["VEN": "<5", "CUB": "suppressed"],
            months: ["2025-03": "suppressed", "2025-04": "suppressed"], total: "29"),
        SuppressionCase(
            description: "two small cells adding up to less than 5 hide a third",
            groups: [("a1", "VEN", "2025-03-10", 1, 0), ("a2", "CUB", "2025-03-10", 2, 0), ("a3", "HTI", "2025-03-10", 10, 0)],
            arrangements: ["a1": "<5", "a2": "<5", "a3": "suppressed"], nationalities: ["VEN": "<5", "CUB": "<5", "HTI": "suppressed"],
            months: ["2025-03": "13"], total: "13"),
        SuppressionCase(
            description: "a small total is itself shown as <5",
            groups: [("a1", "VEN", "2025-03-10", 2, 0), ("a2", "CUB", "2025-04-10", 1, 0)],
            arrangements: ["a1": "<5", "a2": "<5"], nationalities: ["VEN": "<5", "CUB": "<5"],
            months: ["2025-03": "<5", "2025-04": "<5"], total: "<5"),
    ]

    static let policy = PolicyLibrary.profiles["us-dvd-2025"]!

    static func record(_ value: JSONValue) throws -> Record { try SourcedRecord.make(value).record }

    /// A report over people moved under arrangements a1…a3 (partners MEX, HND, SWZ).
    static func report(_ moved: [Moved], asOf: Day = Day("2025-06-30")!) throws -> PublicReport {
        var records: [Record] = []
        for code in ["USA", "MEX", "HND", "SWZ", "VEN", "CUB", "HTI"] { records.append(try record(TestRecords.country(code))) }
        for (id, partner) in [("a1", "MEX"), ("a2", "HND"), ("a3", "SWZ")] {
            records.append(try record(TestRecords.arrangement(id, partner: partner, kind: "transit")))
        }
        let network = Network(records: records)
        var caseload = Caseload()
        var manifests: [String: (TransferRecord, [CaseRecord.ID])] = [:]
        for person in moved {
            guard case .caseRecord(let c) = try record(TestRecords.caseRecord(person.case, nationalities: [person.nationality])) else { continue }
            var facts = CaseFacts(person: c)
            if person.onward {
                facts.add(try record(TestRecords.disposition(person.case, outcome: "repatriated", on: "2025-06-01", to: person.nationality)))
            }
            caseload.insert(facts)
            let id = "T-\(person.arrangement)-\(person.day)"
            if manifests[id] == nil {
                let partner = ["a1": "MEX", "a2": "HND", "a3": "SWZ"][person.arrangement]!
                guard
                    case .transfer(let t) = try record(
                        TestRecords.transfer(
                            id, destination: partner, seats: 100, departs: "\(person.day)T10:00:00Z",
                            arrangement: person.arrangement))
                else { continue }
                manifests[id] = (t, [])
            }
            manifests[id]!.1.append(c.id)
        }
        let transfers = manifests.values.sorted { $0.0.id.rawValue < $1.0.id.rawValue }.map { record, people in
            TransferView(
                record: record, status: .arrived, steps: [.departed: record.departs], manifest: people.map { .init(caseID: $0, status: .on) })
        }
        return PublicReport.build(
            network: network, transfers: transfers, caseload: caseload, asOf: asOf, policy: policy, profiles: [policy],
            analyseCaseload: false
        ) { code, instant, profile in
            DestinationContext(destination: code, instant: instant, policy: profile, network: network)
        }
    }

    static func shown(_ report: PublicReport, _ table: String, key: String, _ value: String, column: String = "recordedPeopleMoved") -> String? {
        guard let t = report.table(table), let row = t.row(where: key, is: value) else { return nil }
        return t.cell(row, column)?.text
    }

    @Test("Complementary suppression across the arrangement, nationality and month tables", arguments: suppressionCases)
    func complementarySuppression(_ c: SuppressionCase) throws {
        let report = try Self.report(c.moved())
        for (id, expected) in c.arrangements {
            #expect(Self.shown(report, "arrangements", key: "arrangement", id) == expected, "\(c): arrangement \(id)")
        }
        for (code, expected) in c.nationalities {
            #expect(Self.shown(report, "nationalities", key: "nationality", code) == expected, "\(c): nationality \(code)")
        }
        for (month, expected) in c.months { #expect(Self.shown(report, "months", key: "month", month) == expected, "\(c): month \(month)") }
        #expect(report.headline.recordedPeopleMoved.text == c.total, "\(c): total")

        // Whatever the case: no count from 1 to 4 is shown as a number, and in every column that
        // adds up to a shown total, hidden cells are none, or two or more counting 5 or more.
        let truth = Dictionary(grouping: c.moved(), by: \.arrangement).mapValues(\.count)
        for table in ["arrangements", "nationalities", "months"] {
            let t = try #require(report.table(table))
            let column = try #require(t.column("recordedPeopleMoved"))
            for row in t.rows {
                if case .integer(let n) = row[column] { #expect(n == 0 || n >= PublicReport.threshold, "\(c): \(table) shows \(n)") }
            }
            let hidden = t.rows.filter { $0[column] == .small || $0[column] == .suppressed }
            if case .integer = report.headline.recordedPeopleMoved {
                #expect(hidden.count != 1, "\(c): \(table) hides one cell beside a shown total")
            }
        }
        // A rate over a hidden count is withheld, never computed.
        let arrangements = try #require(report.table("arrangements"))
        for (index, row) in arrangements.rows.enumerated() {
            let moved = row[arrangements.column("recordedPeopleMoved")!]
            if moved == .small || moved == .suppressed, truth[row[0].text] != nil {
                #expect(arrangements.cell(index, "recordedOnwardReturnRate") == .withheld, "\(c): \(row[0].text)")
                #expect(arrangements.cell(index, "recordedLoadFactor") == .withheld, "\(c): \(row[0].text)")
            }
        }
    }

    @Test("Reported figures are never suppressed, whatever the recorded counts")
    func reportedNotSuppressed() throws {
        let report = try Self.report([("P1", "VEN", "a1", "2025-03-10", false)])
        let reported = try #require(report.table("arrangements"))
        for column in reported.columns where column.kind == .reported {
            let index = reported.column(column.name)!
            #expect(!reported.rows.contains { $0[index] == .small || $0[index] == .suppressed }, "\(column.name)")
        }
        let codebook = Codebook.markdown(report)
        #expect(codebook.contains("Reported public-source figures are public already and are never suppressed."))
    }

    // MARK: CSV

    static let csvCases: [(String, String)] = [
        ("=1+2", "'=1+2"), ("+SUM(A1:A9)", "'+SUM(A1:A9)"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"),
        ("\tTAB", "'\tTAB"), ("\rCR", "\"'\rCR\""), ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("plain text", "plain text"), ("945", "945"), ("", ""),
    ]

    @Test("CSV cells a spreadsheet would run as a formula are neutralised, and quoting is RFC 4180", arguments: csvCases)
    func csvInjection(_ input: String, _ expected: String) {
        #expect(PublicReport.csvField(input) == expected)
    }

    @Test("A CSV file has a header row, CRLF line ends, and neutralises a hostile arrangement name")
    func csvFile() throws {
        var table = PublicTable(name: "t", title: "T", description: "", columns: [.init("name", .text, ""), .init("people", .recordedCount, "")])
        table.rows = [[.text("=cmd|' /C calc'!A0"), .integer(7)], [.text("ok"), .small]]
        #expect(PublicReport.csv(table) == "name,people\r\n'=cmd|' /C calc'!A0,7\r\nok,<5\r\n")
    }

    // MARK: reported figures over the reference network

    static func referenceNetwork() throws -> Network { Network(records: try ReferenceNetwork.load().map(\.record)) }

    @Test("Reported figures over the reference network: ranges where sources conflict, each with its sources")
    func referenceFigures() throws {
        let reported = ReportedFigures(network: try Self.referenceNetwork())
        let cecot = try #require(reported.line("us-slv-cecot-2025"))
        #expect(cecot.peopleMoved?.low == 238 && cecot.peopleMoved?.high == 252)
        let paid = try #require(cecot.payments.first)
        #expect(paid.currency == "USD" && paid.figure.low == 4_760_000 && paid.figure.high == 15_000_000)
        let perPerson = try #require(cecot.costPerPersonMoved.first)
        #expect(perPerson.figure.low == 4_760_000 / 252 && perPerson.figure.high == 15_000_000 / 238)
        #expect(
            perPerson.figure.citations.contains { $0.source.hasPrefix("[S42]") }
                && perPerson.figure.citations.contains { $0.source.hasPrefix("[S44]") })

        let palau = try #require(reported.line("us-plw-resettle-2025"))
        #expect(palau.paidNobodyMoved && palau.costPerPersonMoved.isEmpty)
        #expect(palau.payments.first?.figure.low == 15_500_000, "grant + pension + law enforcement, reported the same day")

        let uk = try #require(reported.line("uk-rwa-medp-2022"))
        #expect(uk.payments.map(\.currency) == ["GBP"] && uk.payments.first?.figure.low == 290_000_000)
        #expect(uk.totalCosts.first?.figure.low == 700_000_000 && uk.totalCosts.first?.figure.high == 715_000_000)
        #expect(uk.costPerPersonMoved.first?.currency == "GBP" && uk.costPerPersonMoved.first?.figure.low == 175_000_000)
        #expect(reported.paidTotal(currency: "USD")?.arrangements.contains("uk-rwa-medp-2022") == false, "pounds are never added to dollars")

        let guatemala = try #require(reported.line("us-gtm-aca-2019"))
        #expect(guatemala.peopleMoved?.low == 939 && guatemala.peopleMoved?.high == 945 && guatemala.peopleMoved?.citations.count == 2)
        #expect(guatemala.benefits.contains { $0.kind == .visaRelief })
        #expect(reported.line("us-pry-aca-2025")?.benefits.contains { $0.kind == .security } == true)

        let panama = try #require(reported.line("us-pan-transit-2025"))
        #expect(panama.peopleMoved?.low == 299 && panama.onwardReturns?.low == 177)
        #expect(
            panama.programmePayments.first?.figure.low == 14_000_000 && panama.costPerPersonMoved.isEmpty,
            "a programme-wide sum is not divided by 299")

        for line in reported.lines {
            for figure in [line.peopleMoved, line.onwardReturns].compactMap({ $0 }) + (line.payments + line.totalCosts).map(\.figure) {
                #expect(!figure.citations.isEmpty && figure.citations.allSatisfy { !$0.source.isEmpty }, "\(line.arrangement)")
            }
        }
        let total = try #require(reported.paidTotal(currency: "USD"))
        #expect(
            Set(total.arrangements.map(\.rawValue)) == [
                "us-slv-cecot-2025", "us-swz-detention-2025", "us-rwa-resettle-2025", "us-gnq-transit-2025", "us-plw-resettle-2025",
            ])
        #expect((total.costPerPersonMoved?.low ?? 0) > 100_000, "the SFRC's order of magnitude: about $133,000 per person")
    }

    // MARK: the demo and figures against the records

    static let now = Instant(rfc3339: "2026-02-20T12:00:00Z")!

    static func demoStore(cases: Int = 1500) async throws -> (InMemoryEventStore, DemoOperations.Receipt) {
        let store = InMemoryEventStore()
        _ = try await Seeding.seedReference(into: store, context: .test)
        _ = try await Seeding.seedSynthetic(count: cases, seed: 7, into: store, context: .test)
        let receipt = try await DemoOperations.seed(into: store, now: now, context: .test)
        return (store, receipt)
    }

    @Test("The demo seeds synthetic transfers through the guarded path: departed, refused at departure with a hold, locked, planned")
    func demoTransfers() async throws {
        let (store, receipt) = try await Self.demoStore()
        let transfers = Dictionary(uniqueKeysWithValues: try await store.transfers().map { ($0.id.rawValue, $0) })
        #expect(receipt.transfers == ["SYN-T-001", "SYN-T-002", "SYN-T-003", "SYN-T-004", "SYN-T-005", "SYN-T-006"], "\(receipt)")
        for id in ["SYN-T-001", "SYN-T-002", "SYN-T-003"] { #expect(transfers[id]?.status == .arrived, "\(id)") }
        #expect(transfers["SYN-T-004"]?.status == .locked)
        #expect(transfers["SYN-T-005"]?.status == .locked)
        #expect(transfers["SYN-T-006"]?.status == .scheduled)
        let refusal = try #require(receipt.refusal)
        #expect(refusal.contains("SYN-T-004") && refusal.contains("court-order"), "\(refusal)")
        let held = try #require(try await store.network().courtOrders[CourtOrderRecord.ID(DemoOperations.courtOrderID)]?.scope.cases?.first)
        #expect(transfers["SYN-T-004"]?.onBoard.contains(held) == true)
        #expect(
            transfers.keys.allSatisfy { $0.hasPrefix("SYN-") } && transfers.values.flatMap(\.onBoard).allSatisfy { $0.rawValue.hasPrefix("SYN-") })
        // Each departure went through the guard: one departure check per departed transfer, naming everyone on board.
        var checks: [String: Int] = [:]
        for try await event in store.events(from: 1) {
            guard event.type == "system.departure-check", case .object(let fields)? = try? JSONParser.parse(event.payload),
                let id = fields["transfer"]?.stringValue, case .array(let allowed)? = fields["allowed"]
            else { continue }
            checks[id] = allowed.count
        }
        #expect(
            checks == [
                "SYN-T-001": transfers["SYN-T-001"]!.onBoard.count, "SYN-T-002": transfers["SYN-T-002"]!.onBoard.count,
                "SYN-T-003": transfers["SYN-T-003"]!.onBoard.count,
            ])
        // One onward return, and the same store and day give the same demo.
        let caseload = try await RulesService(store: store).loadCaseload()
        let repatriated = caseload.cases.filter { $0.dispositions.contains { $0.outcome == .repatriated } }
        #expect(repatriated.count == 1)
        let (again, _) = try await Self.demoStore()
        let first = try await store.transfers().map { $0.onBoard }, second = try await again.transfers().map { $0.onBoard }
        #expect(first == second)
        // Seeding it twice is refused.
        await #expect(throws: StoreError.self) { try await DemoOperations.seed(into: store, now: Self.now, context: .test) }
    }

    @Test("Recorded figures and the stranded caseload equal counts computed directly from the records")
    func figuresFromRecords() async throws {
        let (store, _) = try await Self.demoStore()
        let report = try await PublicReport.load(store: store, asOf: Self.now.day)
        let transfers = try await store.transfers()
        let moved = transfers.filter { $0.status == .departed || $0.status == .arrived }.flatMap(\.onBoard)
        #expect(report.recorded.total.peopleMoved == moved.count)
        if moved.count >= PublicReport.threshold { #expect(report.headline.recordedPeopleMoved == .integer(moved.count)) }

        // Stranded, directly: each person not yet moved, judged one by one against their
        // nationality countries and every active partner.
        let rules = RulesService(store: store)
        let caseload = try await rules.loadCaseload()
        let network = try await store.network()
        let policy = try await rules.activePolicy()
        let partners = RulesService<InMemoryEventStore>.activePartners(network, on: Self.now.day, removingState: policy.removingState)
        let capacity = CapacityUsage(transfers: transfers)
        let instant = Self.now.day.startInstant
        var stranded = 0
        var byNationality: [String: Int] = [:]
        let movedSet = Set(moved)
        for facts in caseload.cases where !movedSet.contains(facts.id) {
            let candidates = Set(partners).union(facts.person.nationalities)
            let allowed = candidates.contains { destination in
                let context = DestinationContext(destination: destination, instant: instant, policy: policy, network: network, capacity: capacity)
                return caseload.decide(facts.id, context)?.verdict == .allowed
            }
            if !allowed {
                stranded += 1
                byNationality[facts.person.nationalities[0].rawValue, default: 0] += 1
            }
        }
        let s = try #require(report.stranded)
        #expect(s.stranded == stranded)
        #expect(Dictionary(uniqueKeysWithValues: s.groups.map { ($0.nationality.rawValue, $0.stranded) }) == byNationality)
        let json = s.json(network: network)
        #expect(json["stranded"] == (stranded < PublicReport.threshold && stranded > 0 ? .string("<5") : .number(Double(stranded))))
    }
}
