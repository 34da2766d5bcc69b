import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore
import Hummingbird
import Synchronization

/// The public report over the live view (network, transfers, caseload, active profile),
/// computed once per live-view version, day and period and kept, like ``HomeFigures``: the
/// caseload passes (stranded, verdict mix under every profile) take seconds on a large caseload.
enum PublicFigures {
    private static let cache = Mutex<[String: PublicReport]>([:])

    static func current<Store: EventStore>(
        _ state: AppState<Store>, from: Day? = nil, to: Day? = nil, analyseCaseload: Bool = true
    ) async throws -> (PublicReport, Network) {
        let today = state.clock().day
        let view = try await state.live.withCaseload()
        let key =
            "\(ObjectIdentifier(state).hashValue)|\(view.version)|\(today)|\(from?.description ?? "")|\(to?.description ?? "")|\(analyseCaseload)"
        if let hit = cache.withLock({ $0[key] }) { return (hit, view.network) }
        let report = PublicReport.build(
            network: view.network, transfers: view.transfers, caseload: view.caseload!, asOf: today, from: from, to: to, policy: view.policy,
            profiles: PolicyLibrary.ids.compactMap { PolicyLibrary.profiles[$0] }, analyseCaseload: analyseCaseload
        ) { code, instant, profile in
            state.destination(code, at: instant, policy: profile, state: view)
        }
        cache.withLock { cache in
            if cache.count > 16 { cache.removeAll() }
            cache[key] = report
        }
        return (report, view.network)
    }

    /// `from` and `to` query parameters (YYYY-MM-DD), checked.
    static func period(_ request: Request) throws -> (Day?, Day?) {
        func day(_ name: String) throws -> Day? {
            guard let text = request.query(name) else { return nil }
            guard let day = Day(text) else {
                throw Problem.badRequest("query parameter '\(name)': '\(text.prefix(40))' is not a date (YYYY-MM-DD)", code: "invalid-parameter")
            }
            return day
        }
        let from = try day("from"), to = try day("to")
        if let from, let to, from > to {
            throw Problem.badRequest("query parameter 'from' (\(from)) is after 'to' (\(to))", code: "invalid-parameter")
        }
        return (from, to)
    }

    /// The files the public report page offers for download, and their content types.
    static let downloads: [(name: String, type: String, label: String)] = [
        ("report.html", "text/html; charset=utf-8", "The report as one HTML file (opens offline)"),
        ("report.json", "application/json", "All figures as JSON"),
        ("codebook.md", "text/markdown; charset=utf-8", "Codebook (Markdown)"),
        ("codebook.json", "application/json", "Codebook (JSON)"),
    ]

    /// A download's body, or nil for an unknown file name.
    static func file(_ name: String, report: PublicReport, network: Network) -> (String, String)? {
        switch name {
        case "report.html": return (PublicReportHTML.document(report, network: network), "text/html; charset=utf-8")
        case "report.json": return (report.json(network: network).prettyString + "\n", "application/json")
        case "report.txt": return (report.text(network: network), "text/plain; charset=utf-8")
        case "codebook.md": return (Codebook.markdown(report), "text/markdown; charset=utf-8")
        case "codebook.json": return (Codebook.json(report).prettyString + "\n", "application/json")
        default:
            guard name.hasSuffix(".csv"), let table = report.table(String(name.dropLast(4))) else { return nil }
            return (PublicReport.csv(table), "text/csv; charset=utf-8")
        }
    }
}
