import Foundation

extension SimulationReport {
    /// The summary as a table: every output's mean and 95% confidence interval.
    public func summaryTable() -> String {
        let name = scenario.name ?? "scenario"
        let seeds = runs.count == 1 ? "seed \(seed)" : "seeds \(seed)…\(seed &+ UInt64(runs.count - 1))"
        var lines = [
            "\(name): \(runs.count) replication\(runs.count == 1 ? "" : "s") (\(seeds)), horizon \(Self.grouped(Double(scenario.horizonDays))) days",
            "",
        ]
        let header = pad("output", 34) + padLeft("mean", 16) + "   95% confidence interval"
        lines.append(header)
        lines.append(String(repeating: "-", count: header.count + 8))
        for output in summary.outputs {
            lines.append(row(output.name, output.estimate, output.unit))
            if output.name == "removedThirdCountry" {
                lines.append("byArrangement")
                for entry in summary.byArrangement { lines.append(row("  " + entry.id.rawValue, entry.estimate, .people)) }
            }
        }
        return lines.joined(separator: "\n")
    }

    private func row(_ label: String, _ estimate: Estimate, _ unit: RunOutputs.Unit) -> String {
        guard let mean = estimate.mean else { return pad(label, 34) + padLeft("—", 16) + "   (undefined in every run)" }
        // One precision per row: whole numbers when the values are large or all the same.
        let decimals =
            switch unit {
            case .people: abs(mean) >= 100 || (estimate.standardDeviation ?? 0) == 0 && mean == mean.rounded() ? 0 : 1
            case .usd: abs(mean) >= 100 ? 0 : 2
            case .days: 1
            }
        var line = pad(label, 34) + padLeft(Self.format(mean, unit, decimals: decimals), 16)
        if let lower = estimate.lower, let upper = estimate.upper {
            line += "   " + Self.format(lower, unit, decimals: decimals) + " – " + Self.format(upper, unit, decimals: decimals)
        }
        if estimate.count < runs.count { line += "   (\(estimate.count) of \(runs.count) runs)" }
        return line
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    static func format(_ value: Double, _ unit: RunOutputs.Unit, decimals: Int) -> String {
        let number = decimals == 0 ? grouped(abs(value)) : String(format: "%.\(decimals)f", abs(value))
        let sign = value < 0 && number.contains(where: { $0 != "0" && $0 != "." && $0 != "," }) ? "-" : ""
        return unit == .usd ? sign + "$" + number : sign + number
    }

    /// 1234567.4 → "1,234,567".
    static func grouped(_ value: Double) -> String {
        let rounded = value.rounded()
        guard rounded.isFinite, abs(rounded) < 1e18 else { return String(value) }
        let digits = String(Int64(abs(rounded)))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (rounded < 0 ? "-" : "") + out
    }
}

extension RunResult {
    /// The daily series as CSV: `day,backlog,removedHome,removedThirdCountry,created,injunction`,
    /// where `injunction` is the fraction of the day under an injunction.
    public func seriesCSV() -> String {
        let coverage = injunctionPeriods.dailyCoverage(days: series.count)
        var out = "day,backlog,removedHome,removedThirdCountry,created,injunction\n"
        out.reserveCapacity(series.count * 40)
        for day in 0..<series.count {
            out += "\(day),\(series.backlog[day]),\(series.removedHome[day]),\(series.removedThirdCountry[day]),\(series.created[day]),"
            out += MeanDailySeries.decimal(coverage[day]) + "\n"
        }
        return out
    }
}

extension MeanDailySeries {
    /// The mean series as CSV: `day,backlog,removedHome,removedThirdCountry,created,injunctionShare`.
    public func csv() -> String {
        var out = "day,backlog,removedHome,removedThirdCountry,created,injunctionShare\n"
        for day in 0..<count {
            out += "\(day),\(Self.decimal(backlog[day])),\(Self.decimal(removedHome[day])),"
            out += "\(Self.decimal(removedThirdCountry[day])),\(Self.decimal(created[day])),\(Self.decimal(injunctionShare[day]))\n"
        }
        return out
    }

    /// Up to three decimals, trailing zeros dropped.
    static func decimal(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
