import ArgumentParser
import CorridorDomain
import CorridorServices
import CorridorWeb
import Foundation

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Accounting per arrangement and overall; with --public, the public report and its downloads.",
        discussion: """
            Without --public: people moved, costs, load factor, onward returns and incidents, counted from \
            recorded transfers (departed or arrived) and dispositions; lump sums from arrangement terms (not \
            suppressed: for operators). With --public: what public sources report beside what this store \
            recorded, per arrangement, nationality and month, the caseload pipeline, the verdict mix under each \
            policy profile and the stranded caseload, small counts suppressed (1–4 as "<5", with complementary \
            suppression across tables). --format csv or html writes files into --out DIR with codebook.md \
            and codebook.json; text and json print (or write into --out DIR).
            """,
        subcommands: [StrandedCommand.self]
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv, html }

    @OptionGroup var store: StoreOptions
    @Flag(name: .long, help: "Print JSON (the operations report; with --public use --format json).") var json = false
    @Flag(name: .customLong("public"), help: "The public report: reported and recorded figures, small counts suppressed.") var publicReport = false
    @Option(name: .long, help: ArgumentHelp("With --public: only departures on or after this day (YYYY-MM-DD).", valueName: "date")) var from: String?
    @Option(name: .long, help: ArgumentHelp("With --public: only departures on or before this day (YYYY-MM-DD).", valueName: "date")) var to: String?
    @Option(name: .long, help: ArgumentHelp("With --public: text, json, csv or html.", valueName: "format")) var format: Format = .text
    @Option(
        name: .long,
        help: ArgumentHelp("With --public: write the report and its codebook into this directory (required for csv and html).", valueName: "dir"))
    var out: String?

    func validate() throws {
        if !publicReport {
            if from != nil || to != nil || out != nil || format != .text {
                throw ValidationError("--from, --to, --format and --out go with --public")
            }
            return
        }
        if json { throw ValidationError("with --public, use --format json instead of --json") }
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, Day(value) == nil { throw ValidationError("\(name) must be a date YYYY-MM-DD (got '\(value.prefix(40))')") }
        }
        if let from, let to, let a = Day(from), let b = Day(to), a > b { throw ValidationError("--from (\(from)) is after --to (\(to))") }
        if (format == .csv || format == .html), out == nil { throw ValidationError("--format \(format.rawValue) writes files: give --out DIR") }
    }

    func run() async throws {
        if publicReport { return try await runPublic() }
        let report = try await OperationsReport.build(store: try store.open())
        if json {
            func line(_ l: OperationsReport.Line) -> [String: Any] {
                var out: [String: Any] = [
                    "name": l.name, "transfers": l.transfers, "peopleMoved": l.peopleMoved, "seats": l.seats,
                    "lumpSumUSD": l.lumpSumUSD, "perPersonCostUSD": l.perPersonCostUSD, "transferCostUSD": l.transferCostUSD,
                    "totalCostUSD": l.totalCostUSD, "onwardReturns": l.onwardReturns, "incidents": l.incidents,
                    "suspectedIncidents": l.suspectedIncidents, "loadFactors": l.loadFactors,
                ]
                if let id = l.arrangement { out["arrangement"] = id.rawValue }
                if let partner = l.partner { out["partner"] = partner.rawValue }
                out["costPerPersonMovedUSD"] = l.costPerPersonMovedUSD ?? NSNull()
                out["loadFactor"] = l.loadFactor ?? NSNull()
                out["onwardReturnRate"] = l.onwardReturnRate ?? NSNull()
                return out
            }
            let object: [String: Any] = [
                "arrangements": report.lines.map(line), "total": line(report.total),
                "incidents": report.incidents.map {
                    ["kind": $0.kind.rawValue, "case": $0.caseID.rawValue, "to": $0.to.rawValue, "on": $0.on.description, "basis": $0.basis]
                },
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        func money(_ value: Double?) -> String { value.map { "$" + $0.groupedWhole } ?? "—" }
        func percent(_ value: Double?) -> String { value.map { "\(($0 * 100).groupedWhole)%" } ?? "—" }
        print("arrangement".padding(toLength: 46, withPad: " ", startingAt: 0) + "moved  total cost     per person    load  onward  incidents")
        for l in report.lines + [report.total] {
            print(
                String(l.name.prefix(45)).padding(toLength: 46, withPad: " ", startingAt: 0)
                    + String(l.peopleMoved).padding(toLength: 7, withPad: " ", startingAt: 0)
                    + money(l.totalCostUSD).padding(toLength: 14, withPad: " ", startingAt: 0)
                    + money(l.costPerPersonMovedUSD).padding(toLength: 14, withPad: " ", startingAt: 0)
                    + percent(l.loadFactor).padding(toLength: 6, withPad: " ", startingAt: 0)
                    + percent(l.onwardReturnRate).padding(toLength: 8, withPad: " ", startingAt: 0)
                    + "\(l.incidents)" + (l.suspectedIncidents > 0 ? " (+\(l.suspectedIncidents) suspected)" : ""))
        }
        if !report.incidents.isEmpty {
            print("\nchain-refoulement incidents:")
            for i in report.incidents { print("  \(i.on) \(i.caseID) returned to \(i.to): \(i.kind.rawValue) (\(i.basis))") }
        }
    }
}

extension ReportCommand {
    func runPublic() async throws {
        let store = try await self.store.open()
        let network = try await store.network()
        let report = try await PublicReport.load(store: store, asOf: Edge.now().day, from: from.flatMap(Day.init), to: to.flatMap(Day.init))
        var files: [(String, String)] = []
        switch format {
        case .text: files = [("report.txt", report.text(network: network))]
        case .json: files = [("report.json", report.json(network: network).prettyString + "\n")]
        case .csv: files = report.tables.map { ($0.name + ".csv", PublicReport.csv($0)) }
        case .html: files = [("report.html", PublicReportHTML.document(report, network: network))]
        }
        guard let out else {
            print(files.map(\.1).joined(), terminator: "")
            return
        }
        files += [("codebook.md", Codebook.markdown(report)), ("codebook.json", Codebook.json(report).prettyString + "\n")]
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (name, text) in files {
                try Data(text.utf8).write(to: directory.appendingPathComponent(name), options: .atomic)
            }
        } catch {
            throw CLIError("cannot write the report into \(out): \(error.localizedDescription)")
        }
        print("wrote \(files.map(\.0).joined(separator: ", ")) into \(out)")
    }
}

/// `corridor report stranded`: who has no lawful destination, by nationality.
struct StrandedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stranded",
        abstract:
            "The stranded caseload: people with no lawful destination, by nationality, with the gate that blocks them at each candidate country.",
        discussion: """
            Everyone not yet moved is judged against their nationality countries and every partner with an \
            arrangement active on the day. Aggregate only: counts from 1 to 4 are shown as "<5".
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: WhenArgument.help) var on: WhenArgument?
    @Option(name: .long, help: ArgumentHelp("Policy profile (default: the store's active one).", valueName: "id")) var policy: String?
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        let store = try await self.store.open()
        let report = try await reportingRules {
            try await StrandedReport.load(store: store, on: on?.instant ?? Edge.now().day.startInstant, policy: policy)
        }
        let network = try await store.network()
        print(json ? report.json(network: network).prettyString : report.text(network: network), terminator: json ? "\n" : "")
    }
}
