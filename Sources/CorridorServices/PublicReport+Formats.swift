import CorridorDomain

extension PublicReport {
    /// The suppression rule in one sentence (JSON answers carry it).
    public static let suppressionText =
        "counts from 1 to \(threshold - 1) are shown as \"<\(threshold)\"; a count that could be worked out from a total or another table is \"suppressed\"; rates and costs computed from either are withheld (null in the legacy lines, \"withheld\" in tables); reported public-source figures are never suppressed"

    // MARK: CSV

    /// One table as CSV: UTF-8, a header row, RFC 4180 quoting, and every cell that a
    /// spreadsheet would read as a formula (starting `=`, `+`, `-`, `@`, a tab or a carriage
    /// return) neutralised with a leading apostrophe.
    public static func csv(_ table: PublicTable) -> String {
        var out = table.columns.map { csvField($0.name) }.joined(separator: ",") + "\r\n"
        for row in table.rows {
            out += row.map { csvField($0.text) }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// A CSV field, neutralised against formula injection and quoted where needed.
    public static func csvField(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        var quoted = "\""
        for c in value { if c == "\"" { quoted += "\"\"" } else { quoted.append(c) } }
        return quoted + "\""
    }

    // MARK: JSON

    /// Every table as JSON: rows as objects keyed by column name.
    public func tablesJSON() -> JSONValue {
        var tables: [String: JSONValue] = [:]
        for table in self.tables {
            tables[table.name] = .object([
                "title": .string(table.title), "description": .string(table.description),
                "columns": .array(table.columns.map { .string($0.name) }),
                "rows": .array(
                    table.rows.map { row in
                        .object(Dictionary(uniqueKeysWithValues: zip(table.columns, row).map { ($0.name, $1.json) }))
                    }),
            ])
        }
        return .object(tables)
    }

    /// A reported figure as JSON: low, high, as-of and every citation.
    public static func figureJSON(_ f: ReportedFigures.Figure?, currency: String? = nil) -> JSONValue {
        guard let f else { return .null }
        var object: [String: JSONValue] = [
            "low": .number(f.low), "high": .number(f.high), "asOf": .string(f.asOf.description),
            "sources": .array(
                f.citations.map { c in
                    .object([
                        "metric": .string(c.metric), "value": .number(c.value), "asOf": .string(c.asOf.description),
                        "source": .string(c.source), "note": c.note.map(JSONValue.string) ?? .null,
                    ])
                }),
        ]
        if let currency { object["currency"] = .string(currency) }
        return .object(object)
    }

    /// The reported figures per arrangement as JSON (the API's `reported`).
    public func reportedJSON() -> JSONValue {
        .array(
            reported.withFigures.map { line in
                var object: [String: JSONValue] = [
                    "arrangement": .string(line.arrangement.rawValue), "name": .string(line.name), "partner": .string(line.partner.rawValue),
                    "removingState": .string(line.removingState.rawValue),
                    "peopleMoved": Self.figureJSON(line.peopleMoved), "onwardReturns": Self.figureJSON(line.onwardReturns),
                    "payments": .array(line.payments.map { Self.figureJSON($0.figure, currency: $0.currency) }),
                    "totalCosts": .array(line.totalCosts.map { Self.figureJSON($0.figure, currency: $0.currency) }),
                    "programmePayments": .array(line.programmePayments.map { Self.figureJSON($0.figure, currency: $0.currency) }),
                    "costPerPersonMoved": .array(line.costPerPersonMoved.map { Self.figureJSON($0.figure, currency: $0.currency) }),
                    "paidNobodyMoved": .bool(line.paidNobodyMoved),
                    "benefits": .array(
                        line.benefits.map {
                            .object(["kind": .string($0.kind.rawValue), "description": .string($0.description), "source": .string($0.source)])
                        }),
                ]
                if let rate = line.onwardReturnRate { object["onwardReturnRate"] = .object(["low": .number(rate.low), "high": .number(rate.high)]) }
                return .object(object)
            })
    }

    /// The headline figures as JSON: reported (with sources) and recorded, side by side.
    public func headlineJSON() -> JSONValue {
        var paid: JSONValue = .null
        if let p = headline.reportedPaid {
            paid = .object([
                "currency": .string(p.currency), "arrangements": .array(p.arrangements.map { .string($0.rawValue) }),
                "payments": Self.figureJSON(p.payments, currency: p.currency), "peopleMoved": Self.figureJSON(p.peopleMoved),
                "costPerPersonMoved": Self.figureJSON(p.costPerPersonMoved, currency: p.currency),
            ])
        }
        return .object([
            "reported": .object([
                "peopleMoved": Self.figureJSON(headline.reportedPeopleMoved), "onwardReturns": Self.figureJSON(headline.reportedOnwardReturns),
                "paidArrangements": paid,
            ]),
            "recorded": .object([
                "peopleMoved": headline.recordedPeopleMoved.json, "onwardReturns": headline.recordedOnwardReturns.json,
                "costPerPersonMovedUSD": headline.recordedCostPerPersonUSD.json, "totalCostUSD": headline.recordedTotalCostUSD.json,
            ]),
        ])
    }

    /// The whole report as JSON (`corridor report --public --format json`, `/api/v1/reports/public`).
    public func json(network: Network) -> JSONValue {
        let active = network.arrangements.values.filter { network.status(of: $0.id, on: asOf)?.status == .active }.count
        // The per-arrangement recorded figures under the names earlier versions used.
        var lines: [JSONValue] = []
        if let table = table("arrangements") {
            for (index, row) in table.rows.enumerated() {
                let moved = table.cell(index, "recordedPeopleMoved") ?? .empty
                let lump = table.cell(index, "recordedLumpSumUSD") ?? .empty
                guard moved != .integer(0) || (lump != .decimal(0, places: 0) && lump != .empty) else { continue }
                func legacy(_ cell: PublicTable.Cell?) -> JSONValue {
                    switch cell ?? .empty {
                    case .withheld, .empty: .null;
                    case let other: other.json
                    }
                }
                let id = row[0].text
                lines.append(
                    .object([
                        "arrangement": id.isEmpty ? .null : .string(id),
                        "partner": id.isEmpty ? .null : .string(table.cell(index, "partner")?.text ?? ""),
                        "name": .string(table.cell(index, "name")?.text ?? ""), "peopleMoved": moved.json,
                        "totalCostUSD": legacy(table.cell(index, "recordedTotalCostUSD")),
                        "costPerPersonMovedUSD": legacy(table.cell(index, "recordedCostPerPersonUSD")),
                        "onwardReturns": (table.cell(index, "recordedOnwardReturns") ?? .empty).json,
                        "onwardReturnRate": legacy(table.cell(index, "recordedOnwardReturnRate")),
                        "incidents": (table.cell(index, "recordedIncidents") ?? .empty).json,
                    ]))
            }
        }
        let movedHidden = headline.recordedPeopleMoved != .integer(recorded.total.peopleMoved)
        let onwardHidden = headline.recordedOnwardReturns != .integer(recorded.total.onwardReturns)
        let total: JSONValue = .object([
            "arrangement": .null, "partner": .null, "name": .string(recorded.total.name),
            "peopleMoved": headline.recordedPeopleMoved.json,
            "totalCostUSD": movedHidden && recorded.total.perPersonCostUSD > 0 ? .null : .number(recorded.total.totalCostUSD),
            "costPerPersonMovedUSD": movedHidden ? .null : recorded.total.costPerPersonMovedUSD.map { .number($0) } ?? .null,
            "onwardReturns": headline.recordedOnwardReturns.json,
            "onwardReturnRate": movedHidden || onwardHidden ? .null : recorded.total.onwardReturnRate.map { .number($0) } ?? .null,
            "incidents": (table("totals")?.rows.first { $0[0] == .text("incidents") }?.last ?? .empty).json,
        ])
        return .object([
            "asOf": .string(asOf.description),
            "period": .object(["from": from.map { .string($0.description) } ?? .null, "to": to.map { .string($0.description) } ?? .null]),
            "policy": .object(["id": .string(policy), "version": .string(policyVersion)]),
            "arrangements": .number(Double(network.arrangements.count)), "activeArrangements": .number(Double(active)),
            "suppression": .string(Self.suppressionText),
            "headline": headlineJSON(), "reported": reportedJSON(),
            "lines": .array(lines), "total": total,
            "tables": tablesJSON(),
        ])
    }

    // MARK: text

    /// The report for a terminal: headline, then each table as aligned columns.
    public func text(network: Network) -> String {
        var out = "Corridor public report, as of \(asOf)"
        if from != nil || to != nil { out += " (departures \(from?.description ?? "…") to \(to?.description ?? asOf.description))" }
        out += "; active profile \(policy) \(policyVersion)\n"
        out +=
            "Reported: figures public sources report (ranges where they disagree; sources in the CSV/JSON and codebook). Recorded: this store's records, counts 1–4 as <5.\n\n"
        func money(_ f: ReportedFigures.Figure?, _ symbol: String) -> String { f?.text { ReportedFigures.amount($0, symbol: symbol) } ?? "—" }
        func people(_ f: ReportedFigures.Figure?) -> String { f?.text(ReportedFigures.count) ?? "—" }
        out += "people moved        reported \(people(headline.reportedPeopleMoved))   recorded \(headline.recordedPeopleMoved.text)\n"
        out += "onward returns      reported \(people(headline.reportedOnwardReturns))   recorded \(headline.recordedOnwardReturns.text)\n"
        if let p = headline.reportedPaid {
            out +=
                "paid partners       reported \(money(p.payments, "$")) for \(people(p.peopleMoved)) people (\(p.arrangements.count) arrangements)\n"
            var recordedCost = headline.recordedCostPerPersonUSD.text
            if case .decimal(let value, _) = headline.recordedCostPerPersonUSD { recordedCost = "$" + value.groupedWhole }
            out += "cost per person     reported \(money(p.costPerPersonMoved, "$"))   recorded \(recordedCost.isEmpty ? "—" : recordedCost)\n"
        }
        out += "\nBy arrangement (reported | recorded)\n"
        var rows: [[String]] = [
            ["arrangement", "reported moved", "reported paid", "cost/person", "onward", "recorded moved", "recorded cost/person"]
        ]
        for line in reported.lines {
            let rec = table("arrangements").flatMap { t in t.row(where: "arrangement", is: line.arrangement.rawValue).map { (t, $0) } }
            let recMoved = rec.flatMap { $0.0.cell($0.1, "recordedPeopleMoved")?.text } ?? ""
            guard line.peopleMoved != nil || !line.payments.isEmpty || !line.totalCosts.isEmpty || (recMoved != "0" && !recMoved.isEmpty) else {
                continue
            }
            let paid = line.payments.first.map { $0.text() } ?? line.programmePayments.first.map { $0.text() + " (programme)" } ?? "—"
            let perPerson = line.costPerPersonMoved.first.map { $0.text() } ?? (line.paidNobodyMoved ? "paid, nobody moved" : "—")
            let cppCell = rec.flatMap { $0.0.cell($0.1, "recordedCostPerPersonUSD") } ?? .empty
            var cpp = cppCell.text
            if case .decimal(let value, _) = cppCell { cpp = value.groupedWhole }
            rows.append([
                String(line.name.prefix(44)), people(line.peopleMoved), paid, perPerson, people(line.onwardReturns), recMoved,
                cpp.isEmpty ? "—" : (cpp == "withheld" ? cpp : "$" + cpp),
            ])
        }
        out += Self.aligned(rows)
        for table in tables where ["stranded", "blocked-by-gate", "pipeline", "verdict-mix", "nationalities"].contains(table.name) {
            out += "\n\(table.title)\n"
            let columns = table.name == "stranded" ? table.columns.indices.filter { $0 != 1 } : Array(table.columns.indices)
            var rows = [columns.map { table.columns[$0].name }]
            for row in table.rows { rows.append(columns.map { row[$0].text }) }
            if table.rows.isEmpty { rows.append(["(none)"]) }
            out += Self.aligned(rows)
        }
        return out
    }

    static func aligned(_ rows: [[String]]) -> String {
        let count = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                line += cell + (i == row.count - 1 ? "" : String(repeating: " ", count: widths[i] - cell.count + 2))
            }
            out += line + "\n"
        }
        return out
    }
}
