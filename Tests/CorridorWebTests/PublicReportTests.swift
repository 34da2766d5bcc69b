import CorridorDomain
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #5, point 9: the public report needs no token and shows counts from 1 to 4 as "<5"
/// (a count that small could identify someone), withholding rates computed over them.
@Suite("The public report suppresses small counts")
struct PublicReportTests {
    static let countFields = ["peopleMoved", "onwardReturns", "incidents"]

    /// Departs T1 (V1, V2, C1 to El Salvador) and T2 (R1…R6 to Costa Rica) through the API, then
    /// records that V1, who holds withholding against Venezuela, was repatriated there.
    static func moveEveryone(_ caller: Caller) async throws {
        for transfer in ["T1", "T2"] {
            let lock = try await caller.send(
                .post, "/api/v1/transfers/\(transfer)/lock", as: .role(.supervisor), json: ["at": .string(Scenario.lockAt)])
            try #require(lock.status == .created, "lock \(transfer): \(lock)")
            let depart = try await caller.send(
                .post, "/api/v1/transfers/\(transfer)/depart", as: .role(.supervisor), json: ["at": .string(Scenario.departAt)])
            try #require(depart.status == .created, "depart \(transfer): \(depart)")
        }
        let repatriated = try await caller.send(
            .post, "/api/v1/records", as: .role(.officer),
            json: TestRecords.disposition("V1", outcome: "repatriated", on: "2025-07-20", to: "VEN"))
        try #require(repatriated.status == .created, "\(repatriated)")
    }

    @Test("Without a token: 3 people moved to El Salvador and 1 onward return show as \"<5\", 6 to Costa Rica as suppressed, 9 in all")
    func smallCountsSuppressed() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            try await Self.moveEveryone(caller)

            // What is hidden: the operations report (not public) has the true figures.
            let operations = try await caller.getJSON("/api/v1/reports/operations", as: .role(.monitor))
            let trueSLV = try #require(operations["arrangements"]?.arrayValue?.first { $0["arrangement"] == "arr-slv" })
            #expect(trueSLV["peopleMoved"] == 3 && trueSLV["onwardReturns"] == 1 && trueSLV["incidents"] == 1, "\(trueSLV)")

            let reply = try await caller.get("/api/v1/reports/public", as: .anonymous)
            try #require(reply.status == .ok, "\(reply)")
            let report = try #require(reply.json)
            let lines = try #require(report["lines"]?.arrayValue)
            let slv = try #require(lines.first { $0["arrangement"] == "arr-slv" }, "\(lines)")
            let cri = try #require(lines.first { $0["arrangement"] == "arr-cri" }, "\(lines)")
            #expect(slv["peopleMoved"] == "<5", "\(slv)")
            #expect(slv["onwardReturns"] == "<5", "\(slv)")
            #expect(slv["incidents"] == "<5", "\(slv)")
            #expect(slv["costPerPersonMovedUSD"] == .null && slv["onwardReturnRate"] == .null, "rates over a suppressed count: \(slv)")
            // Complementary suppression: with 9 in all shown, Costa Rica's 6 would give El
            // Salvador's 3 away (9 − 6), so it is hidden too, and what is computed from it withheld.
            #expect(cri["peopleMoved"] == "suppressed", "\(cri)")
            #expect(cri["onwardReturns"] == 0 && cri["incidents"] == 0, "\(cri)")
            #expect(cri["costPerPersonMovedUSD"] == .null, "\(cri)")
            #expect(report["total"]?["peopleMoved"] == 9, "\(String(describing: report["total"]))")
            #expect(report["total"]?["onwardReturns"] == "<5", "\(String(describing: report["total"]))")
            #expect(report["suppression"]?.stringValue?.contains("<5") == true)

            // Nowhere does a count from 1 to 4 appear.
            for line in lines + [report["total"] ?? .null] {
                for field in Self.countFields {
                    guard let value = line[field] else { Issue.record("\(field) missing from \(line)"); continue }
                    if let number = value.numberValue {
                        #expect(number == 0 || number >= 5, "\(field) = \(number) in \(line)")
                    } else {
                        #expect(value == "<5" || value == "suppressed", "\(field) = \(value) in \(line)")
                    }
                }
            }
            // A token changes nothing: the report is the same for everyone.
            #expect(try await caller.get("/api/v1/reports/public", as: .role(.public)).json == report)
            #expect(try await caller.get("/api/v1/reports/public", as: .revoked).json == report)
        }
    }

    @Test("A suppressed count cannot be recomputed from the other public figures of its line")
    func noLeakThroughDerivedFigures() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            try await Self.moveEveryone(caller)
            let report = try await caller.getJSON("/api/v1/reports/public", as: .anonymous)
            let total = try #require(report["total"])
            let slv = try #require(report["lines"]?.arrayValue?.first { $0["arrangement"] == "arr-slv" })
            try #require(total["onwardReturns"] == "<5" && total["peopleMoved"] == 9)
            // onwardReturnRate × peopleMoved = onwardReturns: with 9 shown, the rate gives the 1 away.
            do {
                #expect(total["onwardReturnRate"] == .null, "total: \(total)")
            }
            // (totalCostUSD − lump sum) / per-person price = people moved: the arrangement's public
            // terms (1,000,000 + 5,000 per person) and a total of 1,015,000 give the 3 away.
            do {
                let cost = slv["totalCostUSD"]?.numberValue
                #expect(cost == nil || cost != 1_000_000 + 3 * 5_000, "arr-slv: \(slv)")
            }
        }
    }

    @Test("Suppression follows the count: at 5 people moved a line shows the number")
    func fiveIsShown() async throws {
        let world = try await Worlds.scenario()
        let extra: [JSONValue] = ["V4", "V5"].flatMap { id -> [JSONValue] in
            [
                TestRecords.caseRecord(id, nationalities: ["VEN"]), TestRecords.order(id, kind: "final", on: "2025-01-10"),
                Scenario.notice(id, "SLV"), TestRecords.manifestAdd("T1", id),
            ]
        }
        try await world.store.append(records: extra)
        try await world.test { caller in
            try await Self.moveEveryone(caller)
            let report = try await caller.getJSON("/api/v1/reports/public", as: .anonymous)
            let slv = try #require(report["lines"]?.arrayValue?.first { $0["arrangement"] == "arr-slv" })
            #expect(slv["peopleMoved"] == 5, "\(slv)")
            #expect(slv["costPerPersonMovedUSD"]?.numberValue != nil, "\(slv)")
            #expect(slv["onwardReturns"] == "<5", "\(slv)")
        }
    }

    @Test("The stranded report and the public report answer with the same figures; downloads carry CSV and the codebook")
    func strandedAndDownloads() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            try await Self.moveEveryone(caller)
            let stranded = try await caller.getJSON("/api/v1/reports/stranded", as: .anonymous)
            let report = try await caller.getJSON("/api/v1/reports/public", as: .anonymous)
            let totals = try #require(report["tables"]?["totals"]?["rows"]?.arrayValue)
            let strandedRow = try #require(totals.first { $0["measure"] == "stranded" })
            #expect(stranded["stranded"] == strandedRow["recorded"], "\(stranded) vs \(strandedRow)")
            for group in stranded["nationalities"]?.arrayValue ?? [] {
                #expect(group["stranded"]?.numberValue.map { $0 >= 5 } ?? (group["stranded"] == "<5"), "\(group)")
            }
            #expect(report["headline"]?["reported"] != nil && report["reported"]?.arrayValue != nil)

            let csv = try await caller.get("/report/files/arrangements.csv", as: .anonymous)
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true, "\(csv)")
            #expect(csv.text.hasPrefix("arrangement,name,removingState,partner"), "\(csv.text.prefix(200))")
            #expect(csv.headers[.contentDisposition]?.contains("attachment") == true)
            let codebook = try await caller.get("/report/files/codebook.md", as: .anonymous)
            #expect(codebook.text.contains("never suppressed") && codebook.text.contains("recordedPeopleMoved"))
            let html = try await caller.get("/report/files/report.html", as: .anonymous)
            #expect(
                html.text.hasPrefix("<!doctype html>") && html.text.contains("<svg") && !html.text.contains("<script")
                    && !html.text.contains("src=\"http"))
            let missing = try await caller.get("/report/files/passwords.txt", as: .anonymous)
            #expect(missing.status == .notFound)
            let bad = try await caller.get("/api/v1/reports/public?from=2025-13-01", as: .anonymous)
            #expect(bad.status == .badRequest)
        }
    }
}
