import CorridorDomain
import CorridorRules
import CorridorStore

/// The public record in numbers: what public sources report and what this store recorded, side
/// by side and never mixed, per arrangement, nationality and month; the caseload pipeline; the
/// verdict mix under each policy profile; and the stranded caseload. Every count of people from
/// the store goes through ``SuppressionPlan`` (counts 1–4 as "<5", complementary suppression so
/// that no hidden cell can be worked out from totals or another table, rates over hidden counts
/// withheld). Reported figures are public already and are never suppressed.
///
/// A pure computation over records already in memory (the network, transfers, the caseload);
/// the store is read by the caller.
public struct PublicReport: Sendable {
    /// Counts from 1 to `threshold - 1` are shown as "<threshold".
    public static let threshold = 5

    public var asOf: Day
    public var from: Day?
    public var to: Day?
    public var policy: String
    public var policyVersion: String
    public var reported: ReportedFigures
    public var recorded: OperationsReport
    public var stranded: StrandedReport?
    /// Every table, in the order the formats write them.
    public var tables: [PublicTable]
    /// Headline figures (also the `totals` table).
    public var headline: Headline

    /// The figures the home page and the report page lead with.
    public struct Headline: Sendable {
        public var reportedPeopleMoved: ReportedFigures.Figure?
        public var reportedOnwardReturns: ReportedFigures.Figure?
        public var reportedPaid: ReportedFigures.PaidTotal?
        public var recordedPeopleMoved: PublicTable.Cell
        public var recordedOnwardReturns: PublicTable.Cell
        public var recordedCostPerPersonUSD: PublicTable.Cell
        public var recordedTotalCostUSD: PublicTable.Cell
    }

    public func table(_ name: String) -> PublicTable? { tables.first { $0.name == name } }

    /// Inputs: `caseload` (everyone's facts), `transfers`, the active `policy` and the `profiles`
    /// to compare; `context` builds a destination context for a country, instant and profile.
    /// `analyseCaseload` false leaves out the passes over the whole caseload (stranded, verdict
    /// mix, people blocked per gate, holds), for pages that show only the flows.
    public static func build(
        network: Network, transfers: [TransferView], caseload: Caseload, asOf: Day, from: Day? = nil, to: Day? = nil,
        policy: PolicyProfile, profiles: [PolicyProfile], analyseCaseload: Bool = true,
        context: (CountryCode, Instant, PolicyProfile) -> DestinationContext
    ) -> PublicReport {
        let window: ClosedRange<Day>? =
            (from != nil || to != nil) ? (from ?? Day(daysSinceEpoch: 0))...(to ?? Day(daysSinceEpoch: Int32.max / 2)) : nil
        let reported = ReportedFigures(network: network)
        let recorded = OperationsReport.compute(network: network, transfers: transfers, departed: window) { caseload.facts($0) }
        var plan = SuppressionPlan()

        // Who moved, under which arrangement, when, and who was returned onward (in the window).
        var movedBy: [String: Set<String>] = [:]  // arrangement id ("" for none) → case ids
        var onwardBy: [String: Set<String>] = [:]
        var incidentsBy: [String: Set<String>] = [:]
        var movedByNationality: [String: Set<String>] = [:]
        var onwardByNationality: [String: Set<String>] = [:]
        var movedByMonth: [String: Set<String>] = [:]
        var transfersByMonth: [String: Int] = [:]
        var departedCases = Set<CaseRecord.ID>()
        for transfer in transfers where transfer.status == .departed || transfer.status == .arrived {
            departedCases.formUnion(transfer.onBoard)
            let day = (transfer.steps[.departed] ?? transfer.record.departs).day
            if let window, !window.contains(day) { continue }
            let key = transfer.record.arrangement.flatMap { network.arrangements[$0] != nil ? $0.rawValue : nil } ?? ""
            let month = String(day.description.prefix(7))
            transfersByMonth[month, default: 0] += 1
            for person in transfer.onBoard {
                movedBy[key, default: []].insert(person.rawValue)
                movedByMonth[month, default: []].insert(person.rawValue)
                guard let facts = caseload.facts(person) else { continue }
                let nationality = facts.person.nationalities.first?.rawValue ?? "—"
                movedByNationality[nationality, default: []].insert(person.rawValue)
                if facts.dispositions.max(by: { $0.on < $1.on })?.outcome == .repatriated {
                    onwardBy[key, default: []].insert(person.rawValue)
                    onwardByNationality[nationality, default: []].insert(person.rawValue)
                }
                if facts.dispositions.contains(where: { TransferRules.incident(for: $0, facts: facts) != nil }) {
                    incidentsBy[key, default: []].insert(person.rawValue)
                }
            }
        }
        let movedTotal = movedBy.values.reduce(Set<String>()) { $0.union($1) }
        let onwardTotal = onwardBy.values.reduce(Set<String>()) { $0.union($1) }
        let incidentsTotal = incidentsBy.values.reduce(Set<String>()) { $0.union($1) }
        plan.total("moved", members: movedTotal)
        plan.total("onward", members: onwardTotal)
        plan.total("incidents", members: incidentsTotal)

        // The caseload passes: stranded, verdict mix, blocked per gate at each partner, holds.
        var strandedReport: StrandedReport?
        var mixes: [(PolicyProfile, StrandedReport)] = []
        var pipeline: [(String, Int, String)] = []
        let now = asOf.startInstant
        var waiting = Caseload()
        for facts in caseload.cases where !departedCases.contains(facts.id) { waiting.insert(facts) }
        if analyseCaseload {
            for profile in profiles {
                let report = StrandedReport.compute(caseload: waiting, network: network, policy: profile, on: now) { context($0, now, profile) }
                mixes.append((profile, report))
                if profile.id == policy.id { strandedReport = report }
            }
            if strandedReport == nil {
                strandedReport = StrandedReport.compute(caseload: waiting, network: network, policy: policy, on: now) { context($0, now, policy) }
            }
            pipeline = Self.pipeline(waiting, transfers: transfers, on: asOf) { context($0, now, policy) }
        }

        // Arrangements: reported beside recorded.
        var arrangements = PublicTable(
            name: "arrangements", title: "By arrangement",
            description:
                "Each arrangement: what public sources report (with sources and as-of dates) and what this store recorded (departures in the period), side by side.",
            columns: Codebook.arrangementColumns)
        func recordedCells(_ key: String, _ rec: OperationsReport.Line?, lumpSum: Double, into row: inout [String: PublicTable.Cell]) {
            row["recordedTransfers"] = .integer(rec?.transfers ?? 0)
            row["recordedPeopleMoved"] = plan.cell("arrangements", key, "recordedPeopleMoved", members: movedBy[key] ?? [], total: "moved")
            row["recordedSeats"] = .integer(rec?.seats ?? 0)
            row["recordedLoadFactor"] = plan.dependent(
                "arrangements", key, "recordedLoadFactor", on: ["recordedPeopleMoved"], rec?.loadFactor, places: 3)
            row["recordedLumpSumUSD"] = .decimal(lumpSum, places: 0)
            if let rec, rec.perPersonCostUSD > 0 {
                row["recordedTotalCostUSD"] = plan.dependent(
                    "arrangements", key, "recordedTotalCostUSD", on: ["recordedPeopleMoved"], rec.totalCostUSD, places: 0)
            } else {
                row["recordedTotalCostUSD"] = .decimal(rec?.totalCostUSD ?? lumpSum, places: 0)
            }
            row["recordedCostPerPersonUSD"] = plan.dependent(
                "arrangements", key, "recordedCostPerPersonUSD", on: ["recordedPeopleMoved"], rec?.costPerPersonMovedUSD, places: 0)
            row["recordedOnwardReturns"] = plan.cell("arrangements", key, "recordedOnwardReturns", members: onwardBy[key] ?? [], total: "onward")
            row["recordedOnwardReturnRate"] = plan.dependent(
                "arrangements", key, "recordedOnwardReturnRate", on: ["recordedPeopleMoved", "recordedOnwardReturns"],
                rec?.onwardReturnRate, places: 3)
            row["recordedIncidents"] = plan.cell("arrangements", key, "recordedIncidents", members: incidentsBy[key] ?? [], total: "incidents")
        }
        for line in reported.lines {
            let a = network.arrangements[line.arrangement]!
            let key = a.id.rawValue
            let rec = recorded.lines.first { $0.arrangement == a.id }
            let status =
                network.status(of: a.id, on: asOf)?.status.rawValue ?? network.latestStatus(of: a.id).map { "\($0.status.rawValue) (from \($0.on))" }
                ?? ""
            let payment = line.payments.first
            let cost = line.totalCosts.first
            let perPerson = line.costPerPersonMoved.first
            let programme = line.programmePayments.first
            var row: [String: PublicTable.Cell] = [
                "arrangement": .text(key), "name": .text(line.name), "removingState": .text(a.removingState.rawValue),
                "partner": .text(a.partner.rawValue), "kind": .text(a.kind.rawValue), "statusToday": .text(status),
                "reportedCurrency": .text(payment?.currency ?? cost?.currency ?? programme?.currency ?? ""),
                "benefits": .text(line.benefits.map { "\($0.kind.rawValue): \($0.description) [\($0.source)]" }.joined(separator: "; ")),
            ]
            func put(_ prefix: String, _ f: ReportedFigures.Figure?, asOf: Bool = false, sources: Bool = true) {
                guard let f else { return }
                row[prefix + "Low"] = .decimal(f.low, places: 0)
                row[prefix + "High"] = .decimal(f.high, places: 0)
                if asOf { row[prefix + "AsOf"] = .text(f.asOf.description) }
                if sources { row[prefix + "Sources"] = .text(f.sourcesText) }
            }
            put("reportedPeopleMoved", line.peopleMoved, asOf: true)
            put("reportedOnwardReturns", line.onwardReturns)
            put("reportedPayments", payment?.figure)
            put("reportedTotalCost", cost?.figure)
            put("reportedCostPerPerson", perPerson?.figure, sources: false)
            if let programme {
                row["reportedProgrammePayment"] = .decimal(programme.figure.high, places: 0)
                row["reportedProgrammePaymentSources"] = .text(programme.figure.sourcesText)
            }
            if let rate = line.onwardReturnRate {
                row["reportedOnwardReturnRateLow"] = .decimal(rate.low, places: 3)
                row["reportedOnwardReturnRateHigh"] = .decimal(rate.high, places: 3)
            }
            recordedCells(key, rec, lumpSum: rec?.lumpSumUSD ?? a.terms.payment?.lumpSumUSD ?? 0, into: &row)
            arrangements.rows.append(Codebook.arrangementColumns.map { row[$0.name] ?? .empty })
        }
        if let adHoc = recorded.lines.first(where: { $0.arrangement == nil }) {
            var row: [String: PublicTable.Cell] = ["arrangement": .text(""), "name": .text(adHoc.name)]
            recordedCells("", adHoc, lumpSum: 0, into: &row)
            arrangements.rows.append(Codebook.arrangementColumns.map { row[$0.name] ?? .empty })
        }

        // Nationalities of the people moved.
        var nationalities = PublicTable(
            name: "nationalities", title: "By nationality (people moved)",
            description: "People this store recorded as moved in the period, and those returned onward, by the first nationality they hold.",
            columns: Codebook.nationalityColumns)
        for nationality in Set(movedByNationality.keys).sorted() {
            nationalities.rows.append([
                .text(nationality), .text(network.countryName(CountryCode(nationality))),
                plan.cell("nationalities", nationality, "recordedPeopleMoved", members: movedByNationality[nationality] ?? [], total: "moved"),
                plan.cell("nationalities", nationality, "recordedOnwardReturns", members: onwardByNationality[nationality] ?? [], total: "onward"),
            ])
        }

        // Months: recorded departures, and the reported cumulative count at each month's end.
        var months = PublicTable(
            name: "months", title: "By month",
            description:
                "People moved per month: recorded departures in the month, and the people public sources had reported moved by the month's end (all arrangements, cumulative).",
            columns: Codebook.monthColumns)
        for (month, range) in Self.months(reported: network, recordedMonths: Array(movedByMonth.keys), asOf: asOf, from: from, to: to) {
            months.rows.append([
                .text(month), .integer(transfersByMonth[month] ?? 0),
                plan.cell("months", month, "recordedPeopleMoved", members: movedByMonth[month] ?? [], total: "moved"),
                range.map { .decimal($0.low, places: 0) } ?? .empty, range.map { .decimal($0.high, places: 0) } ?? .empty,
            ])
        }

        // The stranded caseload by nationality, and each group's candidates.
        var strandedTable = PublicTable(
            name: "stranded", title: "Stranded caseload by nationality",
            description:
                "People not yet moved with no lawful destination today (no candidate country where every gate passes), by the first nationality they hold, under the active profile.",
            columns: Codebook.strandedColumns)
        var candidatesTable = PublicTable(
            name: "stranded-candidates", title: "Stranded caseload: candidate countries and the gate that blocks",
            description:
                "For each nationality with stranded people, each candidate country (their nationality countries and the partners active today): how many of them are blocked or waiting there, and the gate that blocks most of them.",
            columns: Codebook.candidateColumns)
        if let s = strandedReport {
            plan.total("stranded", members: Set(s.groups.flatMap { $0.members.map { waiting.cases[$0].id.rawValue } }))
            for group in s.groups {
                let code = group.nationality.rawValue
                let members = Set(group.members.map { waiting.cases[$0].id.rawValue })
                let strandedCell = plan.cell("stranded", code, "stranded", members: members, total: "stranded")
                strandedTable.rows.append([
                    .text(code), .text(network.countryName(group.nationality)), plan.count(group.caseload), strandedCell,
                    plan.count(group.blockedEverywhere), plan.count(group.waitingSomewhere), .integer(group.candidates.count),
                ])
                for candidate in group.candidates {
                    candidatesTable.rows.append([
                        .text(code), .text(candidate.destination.rawValue),
                        .text(s.partners.contains(candidate.destination) ? "partner" : "nationality"),
                        plan.count(candidate.blocked), plan.count(candidate.waiting), .text(candidate.blockingGate?.rawValue ?? ""),
                        plan.count(candidate.blockingGatePeople),
                    ])
                }
            }
        }

        // People blocked by each gate today at each partner with an active arrangement.
        var blocked = PublicTable(
            name: "blocked-by-gate", title: "People blocked by each gate today",
            description:
                "People not yet moved, judged today against each partner with an active arrangement under the active profile: how many each gate blocks there (a person may be blocked by several gates).",
            columns: Codebook.blockedColumns)
        if let s = strandedReport {
            for partner in s.partners {
                let arrangementsHere = network.sortedArrangements.filter {
                    $0.partner == partner && $0.removingState == policy.removingState && network.status(of: $0.id, on: asOf)?.status == .active
                }
                for gate in GateID.allCases {
                    let people = s.failingAt[partner]?[gate] ?? 0
                    guard people > 0 else { continue }
                    blocked.rows.append([
                        .text(partner.rawValue), .text(arrangementsHere.map(\.id.rawValue).joined(separator: " ")), .text(gate.rawValue),
                        plan.count(people),
                    ])
                }
            }
        }

        // The pipeline and the verdict mix.
        var pipelineTable = PublicTable(
            name: "pipeline", title: "Caseload pipeline",
            description: "Where the caseload not yet moved stands today: orders, pending claims, notices waiting, screenings, holds.",
            columns: Codebook.pipelineColumns)
        for (measure, value, definition) in pipeline { pipelineTable.rows.append([.text(measure), plan.count(value), .text(definition)]) }
        var mixTable = PublicTable(
            name: "verdict-mix", title: "Verdict mix under each policy profile",
            description:
                "The caseload not yet moved, judged today under each policy profile against each person's candidate countries: allowed somewhere, waiting at best, or blocked everywhere.",
            columns: Codebook.mixColumns)
        for (profile, report) in mixes {
            let cells = plan.additive("verdict-mix:\(profile.id)", [report.allowedSomewhere, report.waitingSomewhere, report.blockedEverywhere])
            mixTable.rows.append(
                [.text(profile.id), .text(profile.version), .text(profile.id == policy.id ? "yes" : "no"), .integer(report.total)] + cells)
        }

        // Complementary suppression across the tables, then the totals.
        plan.resolve()
        for index in arrangements.rows.indices { plan.apply(&arrangements.rows[index], table: "arrangements", columns: arrangements.columns) }
        for index in nationalities.rows.indices { plan.apply(&nationalities.rows[index], table: "nationalities", columns: nationalities.columns) }
        for index in months.rows.indices { plan.apply(&months.rows[index], table: "months", columns: months.columns) }
        for index in strandedTable.rows.indices { plan.apply(&strandedTable.rows[index], table: "stranded", columns: strandedTable.columns) }
        // A nationality whose stranded count is hidden hides its candidate rows' counts too:
        // every stranded person is a candidate at each active partner, so they add up to it.
        let hiddenGroups = Set(
            strandedTable.rows.compactMap { row -> String? in
                guard case .text(let code) = row[0], row[3] == .small || row[3] == .suppressed else { return nil }
                return code
            })
        for index in candidatesTable.rows.indices {
            guard case .text(let code) = candidatesTable.rows[index][0], hiddenGroups.contains(code) else { continue }
            for column in [3, 4, 6] where candidatesTable.rows[index][column] != .integer(0) { candidatesTable.rows[index][column] = .suppressed }
        }
        for index in strandedTable.rows.indices where hiddenGroups.contains(strandedTable.rows[index][0].text) {
            for column in [4, 5] where strandedTable.rows[index][column] != .integer(0) { strandedTable.rows[index][column] = .suppressed }
        }

        let paid = reported.paidTotal(currency: "USD")
        let headline = Headline(
            reportedPeopleMoved: reported.peopleMoved(), reportedOnwardReturns: reported.onwardReturns(), reportedPaid: paid,
            recordedPeopleMoved: plan.totalCell("moved"), recordedOnwardReturns: plan.totalCell("onward"),
            recordedCostPerPersonUSD: plan.isHidden(total: "moved")
                ? .withheld : recorded.total.costPerPersonMovedUSD.map { .decimal($0, places: 0) } ?? .empty,
            recordedTotalCostUSD: plan.isHidden(total: "moved") && recorded.total.perPersonCostUSD > 0
                ? .withheld : .decimal(recorded.total.totalCostUSD, places: 0))
        var totals = PublicTable(
            name: "totals", title: "Headline figures",
            description:
                "The network's figures in all: reported by public sources (ranges where they disagree) and recorded by this store, in separate columns.",
            columns: Codebook.totalColumns)
        func reportedRow(_ measure: String, _ f: ReportedFigures.Figure?, recordedCell: PublicTable.Cell, currency: String = "") -> [PublicTable.Cell]
        {
            [
                .text(measure), .text(currency), f.map { .decimal($0.low, places: 0) } ?? .empty, f.map { .decimal($0.high, places: 0) } ?? .empty,
                f.map { .text($0.sourcesText) } ?? .empty, recordedCell,
            ]
        }
        totals.rows = [
            reportedRow("people-moved", headline.reportedPeopleMoved, recordedCell: headline.recordedPeopleMoved),
            reportedRow("onward-returns", headline.reportedOnwardReturns, recordedCell: headline.recordedOnwardReturns),
            reportedRow("payments-to-paid-partners", paid?.payments, recordedCell: .decimal(recorded.total.lumpSumUSD, places: 0), currency: "USD"),
            reportedRow("people-moved-by-paid-partners", paid?.peopleMoved, recordedCell: .empty),
            reportedRow("cost-per-person-moved", paid?.costPerPersonMoved, recordedCell: headline.recordedCostPerPersonUSD, currency: "USD"),
            reportedRow("incidents", nil, recordedCell: plan.totalCell("incidents")),
        ]
        if let s = strandedReport {
            totals.rows.append(reportedRow("stranded", nil, recordedCell: plan.totalCell("stranded")))
            totals.rows.append(reportedRow("caseload-not-yet-moved", nil, recordedCell: .integer(s.total)))
        }
        var tables = [totals, arrangements, nationalities, months]
        if analyseCaseload { tables += [blocked, strandedTable, candidatesTable, pipelineTable, mixTable] }
        return PublicReport(
            asOf: asOf, from: from, to: to, policy: policy.id, policyVersion: policy.version, reported: reported,
            recorded: recorded, stranded: strandedReport, tables: tables, headline: headline)
    }

    /// Months from the first reported or recorded one to `asOf` (within the period), with the
    /// people reported moved by each month's end, all arrangements together.
    static func months(reported network: Network, recordedMonths: [String], asOf: Day, from: Day?, to: Day?) -> [(String, ReportedFigures.Figure?)] {
        let reportedDays = network.arrangements.values.flatMap { $0.reported.filter { $0.metric == "people-transferred" }.map(\.asOf) }
        let firstText = (reportedDays.map { String($0.description.prefix(7)) } + recordedMonths).min()
        guard let firstText, var (year, month) = Self.yearMonth(firstText) else { return [] }
        let last = to.map { min($0, asOf) } ?? asOf
        var out: [(String, ReportedFigures.Figure?)] = []
        while true {
            let label = "\(year)-\(month < 10 ? "0" : "")\(month)"
            guard let start = Day(year: year, month: month, day: 1), start <= last else { break }
            let end = (month == 12 ? Day(year: year + 1, month: 1, day: 1) : Day(year: year, month: month + 1, day: 1))!.adding(days: -1)
            if from.map({ end >= $0 }) ?? true {
                var total: ReportedFigures.Figure?
                for a in network.arrangements.values {
                    let upTo = a.reported.filter { $0.asOf <= end }
                    total = ReportedFigures.Figure.sum(total, ReportedFigures.figure(upTo, metric: "people-transferred", money: false))
                }
                out.append((label, total))
            }
            month += 1
            if month > 12 { month = 1; year += 1 }
            if out.count > 1200 { break }
        }
        return out
    }

    static func yearMonth(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        return (y, m)
    }

    /// The pipeline's measures over the people not yet moved, on `day`.
    static func pipeline(
        _ caseload: Caseload, transfers: [TransferView], on day: Day, context: (CountryCode) -> DestinationContext
    ) -> [(String, Int, String)] {
        var finalOrders = 0, pendingOrders = 0, noOrder = 0, pendingClaims = 0, grantedProtection = 0, noticesWaiting = 0
        var fearClaims = 0, positive = 0, negative = 0
        var onOpenManifests = Set<CaseRecord.ID>()
        for transfer in transfers where transfer.status.isOpen { onOpenManifests.formUnion(transfer.onBoard) }
        for facts in caseload.cases {
            switch facts.order(on: day)?.kind {
            case .final?: finalOrders += 1
            case .pending?: pendingOrders += 1
            case nil: noOrder += 1
            }
            let standings = facts.claimStandings(on: day)
            if standings.contains(where: { $0.status == .pending }) { pendingClaims += 1 }
            if standings.contains(where: { $0.status == .granted && $0.claim != .asylum }) { grantedProtection += 1 }
            if facts.notices.contains(where: { $0.servedOn.day <= day }) && !onOpenManifests.contains(facts.id) { noticesWaiting += 1 }
            if facts.fears.contains(where: { $0.on <= day }) { fearClaims += 1 }
            let screenings = facts.screenings.filter { $0.on <= day }
            if screenings.contains(where: { $0.outcome == .positive }) { positive += 1 }
            if screenings.contains(where: { $0.outcome == .negative }) { negative += 1 }
        }
        var held = Set<CaseRecord.ID>()
        for transfer in transfers where transfer.status.isOpen {
            let destination = context(transfer.record.destination)
            for id in transfer.onBoard {
                guard let facts = caseload.facts(id) else { continue }
                if destination.ordersInForce.contains(where: {
                    CourtOrderGate.covers($0, facts: facts, destination: transfer.record.destination, day: day)
                }) {
                    held.insert(id)
                }
            }
        }
        return [
            ("final-orders", finalOrders, "People whose latest order on the day is final."),
            ("pending-orders", pendingOrders, "People whose latest order on the day is pending."),
            ("no-order", noOrder, "People with no order recorded by the day."),
            ("pending-claims", pendingClaims, "People with one or more protection claims pending."),
            ("protection-granted", grantedProtection, "People holding withholding, CAT protection or deferral against some country."),
            ("notices-waiting", noticesWaiting, "People served a third-country notice who are not on an open manifest."),
            ("fear-claims", fearClaims, "People who have claimed fear of a destination."),
            ("screenings-positive", positive, "People with a positive fear screening."),
            ("screenings-negative", negative, "People with a negative fear screening."),
            ("on-open-manifests", onOpenManifests.count, "People on the manifest of a scheduled or locked transfer."),
            ("held", held.count, "People on an open manifest covered by a court order in force (held)."),
        ]
    }
}
