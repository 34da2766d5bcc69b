import CorridorDomain
import CorridorServices

/// The public report as one standalone HTML file: its own stylesheet, SVG charts drawn here, no
/// script, no link to fetch anything, so it opens offline (`corridor report --public --format
/// html`, and the public report page's download).
public enum PublicReportHTML {
    public static func document(_ report: PublicReport, network: Network) -> String {
        let e = HTML.escape
        var body = "<h1>Corridor public report</h1>\n"
        body += "<p>As of \(e(report.asOf.description))"
        if report.from != nil || report.to != nil {
            body +=
                "; recorded departures from \(e(report.from?.description ?? "the first")) to \(e(report.to?.description ?? report.asOf.description))"
        }
        body += ". Active policy profile <code>\(e(report.policy))</code> (\(e(report.policyVersion))).</p>\n"
        body +=
            "<p class=\"note\"><strong>Reported</strong> figures come from public sources, each with its sources and as-of date; where sources disagree they are a range. "
        body += "<strong>Recorded</strong> figures are counted from this store's records. The two are never added together. "
        body +=
            "Recorded counts from 1 to 4 show as “&lt;5”; counts that could be worked out from totals or other tables show as “suppressed”; rates over them are “withheld”. "
        body += "Reported figures are public already and are not suppressed. Money is in the currency its source used; nothing is converted.</p>\n"

        // Headline.
        let h = report.headline
        func people(_ f: ReportedFigures.Figure?) -> String { f?.text(ReportedFigures.count) ?? "—" }
        func money(_ f: ReportedFigures.Figure?, _ symbol: String) -> String { f?.text { ReportedFigures.amount($0, symbol: symbol) } ?? "—" }
        body +=
            "<h2>Headline figures</h2>\n<table><thead><tr><th>Measure</th><th>Reported</th><th>Sources</th><th>Recorded</th></tr></thead><tbody>\n"
        body +=
            "<tr><th>People moved</th><td>\(people(h.reportedPeopleMoved))</td><td class=\"src\">\(e(h.reportedPeopleMoved?.sourcesText ?? ""))</td><td>\(e(h.recordedPeopleMoved.text))</td></tr>\n"
        body +=
            "<tr><th>Onward returns</th><td>\(people(h.reportedOnwardReturns))</td><td class=\"src\">\(e(h.reportedOnwardReturns?.sourcesText ?? ""))</td><td>\(e(h.recordedOnwardReturns.text))</td></tr>\n"
        if let paid = h.reportedPaid {
            body +=
                "<tr><th>Paid to partners (USD, \(paid.arrangements.count) arrangements)</th><td>\(money(paid.payments, "$"))</td><td class=\"src\">\(e(paid.payments.sourcesText))</td><td></td></tr>\n"
            body +=
                "<tr><th>Cost per person moved (USD, paid arrangements)</th><td>\(money(paid.costPerPersonMoved, "$"))</td><td class=\"src\">payments over \(people(paid.peopleMoved)) people reported moved</td><td>\(e(h.recordedCostPerPersonUSD.text))</td></tr>\n"
        }
        body += "</tbody></table>\n"

        // Charts.
        let lines = report.reported.withFigures
        func label(_ line: ReportedFigures.Line) -> String { "\(network.countryName(line.partner)) (\(line.removingState.rawValue))" }
        let moved = lines.filter { ($0.peopleMoved?.high ?? 0) > 0 }.sorted { $0.peopleMoved!.high > $1.peopleMoved!.high }
        body +=
            "<h2>People moved, as reported</h2>\n<figure>"
            + SVGChart.bars(
                id: "reported-moved", title: "People moved per arrangement, as reported",
                description: "Horizontal bars, one per arrangement, to the highest reported figure; the text gives the reported range.",
                bars: moved.map { SVGChart.Bar(label: label($0), value: $0.peopleMoved!.high, suppressed: false, text: people($0.peopleMoved)) })
            + "</figure>\n"
        let costly = lines.compactMap { line in line.costPerPersonMoved.first.map { (line, $0) } }
        if !costly.isEmpty {
            body +=
                "<h2>Cost per person moved, as reported</h2>\n<figure>"
                + SVGChart.bars(
                    id: "reported-cost", title: "Cost per person moved, as reported (in each source's currency)",
                    description: "Bars to the highest figure of each range, within one currency; GBP and USD bars are not comparable.",
                    bars: costly.map {
                        SVGChart.Bar(label: label($0.0), value: $0.1.figure.high, suppressed: false, text: $0.1.text() + " (\($0.1.currency))")
                    }) + "</figure>\n"
        }
        if let months = report.table("months"), let high = months.column("reportedPeopleMovedToDateHigh") {
            let points = months.rows.compactMap { row -> (String, Double)? in
                if case .decimal(let value, _) = row[high] { return (row[0].text, value) }
                return nil
            }
            body +=
                "<h2>People moved over time, as reported</h2>\n<figure>"
                + SVGChart.line(
                    id: "reported-time", title: "People reported moved by each month's end, all arrangements",
                    description: "A line over months; each arrangement's latest reported figure as of the month's end, added up.", points: points)
                + "</figure>\n"
        }
        if let table = report.table("arrangements"), let moved = table.column("recordedPeopleMoved") {
            let bars = table.rows.compactMap { row -> SVGChart.Bar? in
                let name = row[3].text.isEmpty ? row[1].text : "\(network.countryName(CountryCode(row[3].text))) (\(row[2].text))"
                switch row[moved] {
                case .integer(let n) where n > 0: return SVGChart.Bar(label: name, value: Double(n), suppressed: false, text: n.grouped)
                case .small, .suppressed: return SVGChart.Bar(label: name, value: 0, suppressed: true, text: row[moved].text)
                default: return nil
                }
            }
            body +=
                "<h2>People moved, as recorded</h2>\n<figure>"
                + SVGChart.bars(
                    id: "recorded-moved", title: "People moved per arrangement, as recorded in this store",
                    description: "Horizontal bars; suppressed counts have no bar.", bars: bars) + "</figure>\n"
        }

        // Every table.
        for table in report.tables {
            body += "<h2 id=\"\(e(table.name))\">\(e(table.title))</h2>\n<p>\(e(table.description))</p>\n<div class=\"wrap\"><table><thead><tr>"
            body += table.columns.map { "<th title=\"\(e($0.definition))\">\(e($0.name))</th>" }.joined()
            body += "</tr></thead><tbody>\n"
            for row in table.rows {
                body += "<tr>" + row.map { "<td>\(e($0.text))</td>" }.joined() + "</tr>\n"
            }
            if table.rows.isEmpty { body += "<tr><td colspan=\"\(table.columns.count)\">Nothing to show.</td></tr>\n" }
            body += "</tbody></table></div>\n"
        }
        body += "<h2>Codebook</h2>\n<pre>\(e(Codebook.markdown(report)))</pre>\n"
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Corridor public report, \(e(report.asOf.description))</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>
            body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24;line-height:1.4}
            table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccd;padding:.25rem .4rem;text-align:left;vertical-align:top}
            thead th{background:#eef1f4}.wrap{overflow-x:auto}.src{font-size:.75rem;color:#444;max-width:30rem}.note{background:#f6f8fa;padding:.6rem;border-left:4px solid #2a9d8f}
            figure{margin:0 0 1.5rem}svg{max-width:100%;height:auto}pre{white-space:pre-wrap;font-size:.8rem;background:#f6f8fa;padding:1rem}
            </style></head><body>
            \(body)</body></html>

            """
    }
}
