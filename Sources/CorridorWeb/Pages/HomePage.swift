import CorridorDomain
import CorridorStore

/// The home page: what the store holds, the network's arrangements with their standing, and
/// the audit chain's head. Aggregate facts only; no personal record appears here.
struct HomePage {
    let summary: StoreSummary
    let network: Network
    let head: ChainHead
    let today: Day

    func render() -> String {
        let arrangements = network.sortedArrangements
        let active = arrangements.filter { network.status(of: $0.id, on: today)?.status == .active }.count
        var rows = ""
        for arrangement in arrangements {
            let status = network.latestStatus(of: arrangement.id)
            let statusCell = status.map {
                "<span class=\"status status-\($0.status.rawValue)\">\($0.status.rawValue)</span> since \($0.on)"
            } ?? "—"
            let cap = arrangement.terms.capacityTotal.map { Int($0).description } ?? "—"
            let lump = arrangement.terms.payment?.lumpSumUSD.map { "$" + dollars($0) } ?? "—"
            rows += """
                <tr><td>\(HTML.escape(network.countryName(arrangement.removingState)))</td>\
                <td>\(HTML.escape(network.countryName(arrangement.partner)))</td>\
                <td>\(HTML.escape(arrangement.name ?? arrangement.id.rawValue))<br><code>\(HTML.escape(arrangement.id.rawValue))</code></td>\
                <td>\(HTML.escape(arrangement.kind.rawValue))</td><td>\(statusCell)</td>\
                <td class="wide">\(cap)</td><td class="wide">\(lump)</td><td class="wide">\(arrangement.sources.count)</td></tr>

                """
        }
        let body = """
            <h1>Third-country transfer network</h1>
            <p>Corridor is the system of record, rules engine and simulator for the arrangements under which
            a state removes people to countries other than their own. Every record is in a tamper-evident log.
            The reference network below encodes public reporting, each fact with its source and date.</p>
            <ul class="figures" aria-label="Headline figures">
            <li><strong>\(arrangements.count)</strong> arrangements recorded</li>
            <li><strong>\(active)</strong> active on \(today)</li>
            <li><strong>\(summary.countries)</strong> countries</li>
            <li><strong>\(summary.cases.grouped)</strong> cases (synthetic in demos)</li>
            <li><strong>\(Int(summary.events).grouped)</strong> events in the log</li>
            </ul>
            <h2>Arrangements</h2>
            <table>
            <caption class="note">Latest recorded status; capacity and lump sums as reported (see each arrangement's sources).</caption>
            <thead><tr><th scope="col">Removing state</th><th scope="col">Partner</th><th scope="col">Arrangement</th>
            <th scope="col">Kind</th><th scope="col">Status</th><th scope="col" class="wide">Cap</th>
            <th scope="col" class="wide">Lump sum</th><th scope="col" class="wide">Sources</th></tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>
            <h2>Audit chain</h2>
            <p>Head of the log: event \(head.seq), hash <code>\(head.hash)</code>. Run <code>corridor audit verify</code> to recompute it.</p>
            """
        return HTML.page(title: "Network", body: body)
    }

    private func dollars(_ value: Double) -> String {
        if value >= 1_000_000 { return String(format2(value / 1_000_000)) + "M" }
        return Int(value).grouped
    }

    private func format2(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

extension Int {
    var grouped: String {
        let digits = String(Swift.abs(self))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (self < 0 ? "-" : "") + out
    }
}
