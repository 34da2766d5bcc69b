import CorridorDomain

/// The columns of every public table with their definitions, caveats and sources, and the
/// codebook (Markdown and JSON) that ships with each download.
public enum Codebook {
    typealias C = PublicTable.Column

    static let reportedRule =
        "Reported by public sources (the arrangement's `reported` entries in the reference network). Where sources conflict, Low and High give the range and every source is cited; otherwise the entries with the latest as-of date count (money reported at the same date is added up, as the parts of one deal)."
    static let recordedRule =
        "Counted from this store's records: transfers that departed (or arrived) in the period, their manifests and the dispositions recorded after arrival."
    static let notSuppressed = "Public already; never suppressed."
    static let suppressedNote = "Counts from 1 to 4 are \"<5\"; a count that could be worked out from a total or another table is \"suppressed\"."

    static let arrangementColumns: [C] = [
        C("arrangement", .text, "The arrangement's id."),
        C("name", .text, "Its readable name."),
        C("removingState", .text, "The state that sends people (ISO 3166-1 alpha-3)."),
        C("partner", .text, "The partner country (ISO 3166-1 alpha-3)."),
        C("kind", .text, "asylum-cooperative, transit, detention, resettlement or ad-hoc."),
        C("statusToday", .text, "Its status on the report's as-of date (else its latest, with the date it took effect)."),
        C(
            "reportedPeopleMovedLow", .reported, "People public sources report transferred under it (lowest value).",
            caveats: reportedRule + " " + notSuppressed, sources: "reportedPeopleMovedSources"),
        C("reportedPeopleMovedHigh", .reported, "Highest reported value (equal to Low unless sources conflict).", caveats: notSuppressed),
        C("reportedPeopleMovedAsOf", .date, "The as-of date of the latest entry the figure rests on."),
        C("reportedPeopleMovedSources", .text, "The sources of the figure, with its as-of date."),
        C(
            "reportedOnwardReturnsLow", .reported, "People reported returned onward from the partner (to their country of origin), lowest value.",
            caveats: reportedRule + " " + notSuppressed),
        C("reportedOnwardReturnsHigh", .reported, "Highest reported value.", caveats: notSuppressed),
        C("reportedOnwardReturnsSources", .text, "The sources of the onward-return figure."),
        C(
            "reportedOnwardReturnRateLow", .reported, "Reported onward returns over reported people moved: lowest returns over most people (0–1).",
            caveats: "Derived; capped at 1. A return reported later than the transfers may count people moved after the transfer figure's date."),
        C("reportedOnwardReturnRateHigh", .reported, "Highest returns over fewest people (0–1).", caveats: "Derived; capped at 1."),
        C(
            "reportedCurrency", .text,
            "The currency of the reported money columns, as the source reported it (USD, GBP). Nothing is converted, so no exchange rate is assumed."),
        C(
            "reportedPaymentsLow", .reported, "Money reported paid or committed to the partner (lowest value), in reportedCurrency.",
            caveats: reportedRule + " Leaked or partly disclosed figures; treat as reported."),
        C("reportedPaymentsHigh", .reported, "Highest reported value.", caveats: notSuppressed),
        C("reportedPaymentsSources", .text, "The sources of the payment figure."),
        C(
            "reportedTotalCostLow", .reported,
            "All spending on the arrangement a source reports (payments, flights, detention …), lowest value, in reportedCurrency.",
            caveats: reportedRule),
        C("reportedTotalCostHigh", .reported, "Highest reported value.", caveats: notSuppressed),
        C("reportedTotalCostSources", .text, "The sources of the total-cost figure."),
        C(
            "reportedCostPerPersonLow", .reported,
            "Reported total cost (else payments) over reported people moved: the lowest money over the most people, in reportedCurrency.",
            caveats: "Derived from reported figures only. Empty where nobody is reported moved (paid, nobody moved: see reportedPayments)."),
        C("reportedCostPerPersonHigh", .reported, "The highest money over the fewest people.", caveats: "Derived from reported figures only."),
        C(
            "reportedProgrammePayment", .reported,
            "Money reported for a wider programme than this arrangement (e.g. Panama's whole Joint Repatriation Program), in reportedCurrency.",
            caveats: "Never divided by this arrangement's people."),
        C("reportedProgrammePaymentSources", .text, "The sources of the programme figure."),
        C(
            "benefits", .text,
            "What the partner gets besides money (visa-relief, trade, security, aid, diplomatic, other): kind, description [source]; …",
            caveats: "As reported; the terms of most deals are unpublished."),
        C("recordedTransfers", .recordedNumber, "Transfers recorded as departed in the period under it.", caveats: recordedRule),
        C("recordedPeopleMoved", .recordedCount, "People on board those transfers.", caveats: recordedRule + " " + suppressedNote),
        C("recordedSeats", .recordedNumber, "Seats on those transfers."),
        C("recordedLoadFactor", .recordedNumber, "People moved over seats (0–1).", caveats: "Withheld when recordedPeopleMoved is hidden."),
        C(
            "recordedLumpSumUSD", .recordedNumber, "The lump sum in the arrangement's recorded terms, US dollars.",
            caveats: "Counted whether or not anyone moved."),
        C(
            "recordedTotalCostUSD", .recordedNumber,
            "Lump sum plus per-person payments for the people moved plus recorded transfer costs, US dollars.",
            caveats: "Withheld when it includes per-person payments and recordedPeopleMoved is hidden."),
        C(
            "recordedCostPerPersonUSD", .recordedNumber, "recordedTotalCostUSD over recordedPeopleMoved.",
            caveats: "Withheld when recordedPeopleMoved is hidden."),
        C("recordedOnwardReturns", .recordedCount, "People moved whose latest recorded disposition is `repatriated`.", caveats: suppressedNote),
        C(
            "recordedOnwardReturnRate", .recordedNumber, "recordedOnwardReturns over recordedPeopleMoved (0–1).",
            caveats: "Withheld when either count is hidden."),
        C(
            "recordedIncidents", .recordedCount,
            "People moved with a recorded chain-refoulement incident (a `repatriated` disposition to a country they are protected against, or hold a pending claim against).",
            caveats: suppressedNote),
    ]

    static let nationalityColumns: [C] = [
        C("nationality", .text, "The first nationality the person holds (ISO 3166-1 alpha-3)."),
        C("name", .text, "The country's name."),
        C(
            "recordedPeopleMoved", .recordedCount, "People of that nationality recorded as moved in the period.",
            caveats: recordedRule + " " + suppressedNote),
        C("recordedOnwardReturns", .recordedCount, "Of them, people whose latest disposition is `repatriated`.", caveats: suppressedNote),
    ]

    static let monthColumns: [C] = [
        C("month", .date, "The month (YYYY-MM, UTC)."),
        C("recordedTransfers", .recordedNumber, "Transfers recorded as departed in the month."),
        C("recordedPeopleMoved", .recordedCount, "People on board them.", caveats: suppressedNote),
        C(
            "reportedPeopleMovedToDateLow", .reported,
            "People public sources had reported transferred by the month's end, all arrangements together (each arrangement's figure as of then), lowest value.",
            caveats: reportedRule + " Cumulative; a figure counts from its as-of date, which may be later than the transfers. " + notSuppressed),
        C("reportedPeopleMovedToDateHigh", .reported, "Highest value.", caveats: notSuppressed),
    ]

    static let strandedColumns: [C] = [
        C("nationality", .text, "The first nationality held (ISO 3166-1 alpha-3)."),
        C("name", .text, "The country's name."),
        C("caseload", .recordedCount, "People of that nationality not yet moved.", caveats: suppressedNote),
        C(
            "stranded", .recordedCount, "Of them, people with no candidate country where their verdict today is `allowed`.",
            caveats:
                "Candidates: their nationality countries and every partner with an arrangement active today for the active profile's removing state. "
                + suppressedNote),
        C("blockedEverywhere", .recordedCount, "Of the stranded, people blocked (a gate fails) at every candidate.", caveats: suppressedNote),
        C(
            "waitingSomewhere", .recordedCount,
            "Of the stranded, people waiting (no gate fails, some wait: a notice period, a pending claim) at one or more candidates.",
            caveats: suppressedNote),
        C("candidateCountries", .recordedNumber, "Candidate countries judged for them."),
    ]

    static let candidateColumns: [C] = [
        C("nationality", .text, "The stranded group's nationality."),
        C("candidate", .text, "A candidate country (ISO 3166-1 alpha-3)."),
        C("role", .text, "`partner` (an arrangement is active today) or `nationality` (a country of nationality without one)."),
        C(
            "blocked", .recordedCount, "Stranded people of the group blocked there.",
            caveats: suppressedNote + " Hidden with the group's stranded count."),
        C("waiting", .recordedCount, "Stranded people of the group waiting there.", caveats: suppressedNote),
        C("blockingGate", .text, "The gate failing for most of those blocked there (gate ids as in `corridor check`)."),
        C("blockingGatePeople", .recordedCount, "How many it blocks there.", caveats: suppressedNote),
    ]

    static let blockedColumns: [C] = [
        C("partner", .text, "A partner with an arrangement active today (ISO 3166-1 alpha-3)."),
        C("arrangements", .text, "Its active arrangements' ids."),
        C("gate", .text, "A gate id."),
        C(
            "people", .recordedCount, "People not yet moved for whom that gate fails there today.",
            caveats: "A person may be blocked by several gates. " + suppressedNote),
    ]

    static let pipelineColumns: [C] = [
        C("measure", .text, "What is counted."),
        C("people", .recordedCount, "People not yet moved, on the as-of date.", caveats: suppressedNote),
        C("definition", .text, "The measure's definition."),
    ]

    static let mixColumns: [C] = [
        C("policy", .text, "A policy profile id."),
        C("version", .text, "Its version."),
        C("active", .text, "yes for the store's active profile."),
        C("caseload", .recordedNumber, "People not yet moved."),
        C(
            "allowedSomewhere", .recordedCount, "People allowed today at one or more candidate countries.",
            caveats: "These three add up to caseload. " + suppressedNote),
        C("waitingAtBest", .recordedCount, "People waiting at best (allowed nowhere, waiting somewhere).", caveats: suppressedNote),
        C("blockedEverywhere", .recordedCount, "People blocked at every candidate.", caveats: suppressedNote),
    ]

    static let totalColumns: [C] = [
        C(
            "measure", .text,
            "people-moved, onward-returns, payments-to-paid-partners (every arrangement with a payment reported in US dollars), people-moved-by-paid-partners, cost-per-person-moved (those payments over those people, Palau's money with nobody moved included), incidents, stranded, caseload-not-yet-moved."
        ),
        C("currency", .text, "For money: the currency (reported figures in other currencies are left out of these sums, never converted)."),
        C("reportedLow", .reported, "The sum over arrangements of the reported figure (lowest values).", caveats: reportedRule + " " + notSuppressed),
        C("reportedHigh", .reported, "The sum of the highest values.", caveats: notSuppressed),
        C("reportedSources", .text, "Every source the sum rests on, with the latest as-of date."),
        C(
            "recorded", .recordedCount, "The same measure counted from this store's records (money in US dollars from recorded terms and transfers).",
            caveats: recordedRule + " " + suppressedNote),
    ]

    /// The codebook as JSON: the report's rules and, per table, its columns.
    public static func json(_ report: PublicReport) -> JSONValue {
        .object([
            "title": .string("Corridor public report: codebook"),
            "asOf": .string(report.asOf.description),
            "period": .object([
                "from": report.from.map { .string($0.description) } ?? .null, "to": report.to.map { .string($0.description) } ?? .null,
            ]),
            "policy": .object(["id": .string(report.policy), "version": .string(report.policyVersion)]),
            "rules": .array(rules.map { .string($0) }),
            "markers": .object([
                "<5": .string("a count from 1 to 4"),
                "suppressed": .string("a count hidden because it could be worked out from a total or another table"),
                "withheld": .string("a rate or cost computed from a hidden count"),
                "empty / null": .string("no figure (not reported, not applicable)"),
            ]),
            "tables": .array(
                report.tables.map { table in
                    .object([
                        "name": .string(table.name), "files": .array([.string(table.name + ".csv")]), "title": .string(table.title),
                        "description": .string(table.description), "rows": .number(Double(table.rows.count)),
                        "columns": .array(
                            table.columns.map { c in
                                .object([
                                    "name": .string(c.name), "kind": .string(c.kind.rawValue), "definition": .string(c.definition),
                                    "caveats": .string(c.caveats), "sources": .string(c.sources),
                                ])
                            }),
                    ])
                }),
        ])
    }

    static let rules: [String] = [
        "Reported and recorded figures are never mixed: columns named reported… come from public sources (each with its sources and as-of date), columns named recorded… from this store's records.",
        "Reported public-source figures are public already and are never suppressed.",
        "Recorded counts of people from 1 to 4 are shown as \"<5\".",
        "Complementary suppression: in a column that adds up to a published total, at least two cells together counting 5 or more are hidden, else the smallest shown cell (or the total) is hidden too; a cell in another table that counts exactly a hidden cell's people, or those plus people shown beside the hidden cell, is hidden too. Repeated until nothing changes, so no hidden cell can be worked out from totals or other tables.",
        "Rates and costs computed from a hidden count are withheld.",
        "No table has a row about one person.",
        "Money is given in the currency its source reported (USD or GBP); nothing is converted.",
        "Demo and benchmark caseloads are synthetic (case ids beginning SYN-); a report over them describes no real person.",
    ]

    /// The codebook as Markdown.
    public static func markdown(_ report: PublicReport) -> String {
        var out = "# Corridor public report: codebook\n\n"
        out += "As of \(report.asOf)"
        if report.from != nil || report.to != nil {
            out += "; departures from \(report.from?.description ?? "the first") to \(report.to?.description ?? report.asOf.description)"
        }
        out += "; active policy profile `\(report.policy)` (version \(report.policyVersion)).\n\n## Rules\n\n"
        for rule in rules { out += "- \(rule)\n" }
        out +=
            "\n## Markers\n\n- `<5`: a count from 1 to 4.\n- `suppressed`: a count hidden because it could be worked out from a total or another table.\n"
        out += "- `withheld`: a rate or cost computed from a hidden count.\n- empty (CSV) or `null` (JSON): no figure.\n"
        for table in report.tables {
            out += "\n## \(table.name).csv — \(table.title)\n\n\(table.description) (\(table.rows.count) rows.)\n\n"
            out += "| column | kind | definition | caveats |\n|---|---|---|---|\n"
            for c in table.columns {
                out += "| `\(c.name)` | \(c.kind.rawValue) | \(cellText(c.definition)) | \(cellText(c.caveats)) |\n"
            }
        }
        return out
    }

    private static func cellText(_ text: String) -> String {
        text.replacingPipes()
    }
}

extension String {
    /// Escapes `|` for a Markdown table cell.
    func replacingPipes() -> String {
        var out = ""
        for c in self { if c == "|" { out += "\\|" } else { out.append(c) } }
        return out
    }
}
