import CorridorDomain
import Foundation

/// A self-contained SVG chart of a simulation: backlog and cumulative removals home and to
/// third countries per day, with injunction periods shaded. Drawn on the server; no scripts,
/// fonts or styles from outside; a `<title>` and `<desc>` give the text alternative.
public struct SimulationChart: Sendable {
    public var title: String
    public var backlog: [Double]
    public var removedHome: [Double]
    public var removedThirdCountry: [Double]
    public var shading: Shading
    /// Prefix of the ids inside the SVG, so several charts can share a page.
    public var idPrefix: String

    public enum Shading: Sendable {
        /// Exact periods of one replication.
        case periods([InjunctionPeriod])
        /// For each day, the share of replications under an injunction (shade opacity).
        case dailyShare([Double])
    }

    public init(
        title: String, backlog: [Double], removedHome: [Double], removedThirdCountry: [Double], shading: Shading,
        idPrefix: String = "simulation-chart"
    ) {
        self.title = title
        self.backlog = backlog
        self.removedHome = removedHome
        self.removedThirdCountry = removedThirdCountry
        self.shading = shading
        self.idPrefix = idPrefix
    }

    /// The chart of the mean series of a report (of the run itself when there is one run).
    public init(report: SimulationReport, idPrefix: String = "simulation-chart") {
        let name = report.scenario.name ?? "Scenario"
        if report.runs.count == 1, let run = report.runs.first {
            self.init(run: run, scenarioName: name, idPrefix: idPrefix)
            return
        }
        let series = report.meanSeries
        self.init(
            title: "\(name): mean of \(report.runs.count) replications", backlog: series.backlog, removedHome: series.removedHome,
            removedThirdCountry: series.removedThirdCountry, shading: .dailyShare(series.injunctionShare), idPrefix: idPrefix)
    }

    /// The chart of one replication.
    public init(run: RunResult, scenarioName: String, idPrefix: String = "simulation-chart") {
        self.init(
            title: "\(scenarioName): replication \(run.replication) (seed \(run.seed))", backlog: run.series.backlog.map(Double.init),
            removedHome: run.series.removedHome.map(Double.init), removedThirdCountry: run.series.removedThirdCountry.map(Double.init),
            shading: .periods(run.injunctionPeriods), idPrefix: idPrefix)
    }

    // MARK: Drawing

    private static let width = 860.0, height = 460.0
    private static let left = 84.0, right = 24.0, top = 84.0, bottom = 56.0
    private static let backlogColour = "#1f4e79", homeColour = "#2e7d32", thirdColour = "#b34700", shadeColour = "#d62728"

    /// The SVG document.
    public func svg() -> String {
        let days = backlog.count
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        let maximum = max(1, (backlog + removedHome + removedThirdCountry).max() ?? 1)
        let yTicks = Self.ticks(upTo: maximum)
        let yTop = yTicks.last ?? maximum
        let xTicks = Self.ticks(upTo: Double(max(days, 1)))
        func x(_ day: Double) -> Double { Self.left + plotWidth * day / Double(max(days, 1)) }
        func y(_ value: Double) -> Double { Self.top + plotHeight * (1 - value / yTop) }

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" \
            width="\(Int(Self.width))" height="\(Int(Self.height))" role="img" \
            aria-labelledby="\(idPrefix)-title \(idPrefix)-desc" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">
            <title id="\(idPrefix)-title">\(Self.escape(title))</title>
            <desc id="\(idPrefix)-desc">\(Self.escape(textAlternative()))</desc>
            <rect x="0" y="0" width="\(Int(Self.width))" height="\(Int(Self.height))" fill="#ffffff"/>

            """
        svg += "<text x=\"\(Int(Self.left))\" y=\"24\" font-size=\"15\" font-weight=\"600\" fill=\"#111111\">\(Self.escape(title))</text>\n"

        // Injunction shading, under everything else.
        svg += "<g aria-hidden=\"true\">\n"
        for band in shadingBands(days: days) {
            svg += "<rect x=\(Self.attr(x(band.start))) y=\(Self.attr(Self.top)) width=\(Self.attr(max(0.5, x(band.end) - x(band.start)))) "
            svg += "height=\(Self.attr(plotHeight)) fill=\"\(Self.shadeColour)\" fill-opacity=\(Self.attr(0.22 * band.strength))/>\n"
        }
        svg += "</g>\n"

        // Grid, ticks and axes.
        svg += "<g aria-hidden=\"true\" stroke=\"#dddddd\" stroke-width=\"1\">\n"
        for tick in yTicks {
            svg += "<line x1=\(Self.attr(Self.left)) y1=\(Self.attr(y(tick))) x2=\(Self.attr(Self.left + plotWidth)) y2=\(Self.attr(y(tick)))/>\n"
        }
        svg += "</g>\n<g aria-hidden=\"true\" fill=\"#333333\">\n"
        for tick in yTicks {
            svg += "<text x=\(Self.attr(Self.left - 8)) y=\(Self.attr(y(tick) + 4)) text-anchor=\"end\">\(SimulationReport.grouped(tick))</text>\n"
        }
        for tick in xTicks {
            svg +=
                "<line x1=\(Self.attr(x(tick))) y1=\(Self.attr(Self.top + plotHeight)) x2=\(Self.attr(x(tick))) y2=\(Self.attr(Self.top + plotHeight + 5)) stroke=\"#333333\"/>\n"
            svg +=
                "<text x=\(Self.attr(x(tick))) y=\(Self.attr(Self.top + plotHeight + 19)) text-anchor=\"middle\">\(SimulationReport.grouped(tick))</text>\n"
        }
        svg +=
            "<text x=\(Self.attr(Self.left + plotWidth / 2)) y=\(Self.attr(Self.height - 12)) text-anchor=\"middle\">days since the start of the scenario</text>\n"
        svg += "<text transform=\"translate(16 \(Self.format(Self.top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">people</text>\n"
        svg += "</g>\n"
        svg +=
            "<polyline fill=\"none\" stroke=\"#333333\" stroke-width=\"1\" aria-hidden=\"true\" points=\"\(Self.format(Self.left)),\(Self.format(Self.top)) \(Self.format(Self.left)),\(Self.format(Self.top + plotHeight)) \(Self.format(Self.left + plotWidth)),\(Self.format(Self.top + plotHeight))\"/>\n"

        // The three series.
        let lines: [(String, [Double], String, String)] = [
            ("backlog", backlog, Self.backlogColour, ""),
            ("removed home (cumulative)", removedHome, Self.homeColour, " stroke-dasharray=\"7 4\""),
            ("removed to third countries (cumulative)", removedThirdCountry, Self.thirdColour, " stroke-dasharray=\"2 3\""),
        ]
        for (label, values, colour, dash) in lines {
            svg +=
                "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash) stroke-linejoin=\"round\" aria-label=\"\(Self.escape(label))\" points=\""
            var first = true
            for day in Self.sampledDays(values.count) {
                if !first { svg += " " }
                first = false
                svg += Self.format(x(Double(day + 1))) + "," + Self.format(y(values[day]))
            }
            svg += "\"/>\n"
        }

        // Legend: entries left to right, wrapping onto a second row.
        let shadeLabel: String
        if case .dailyShare = shading { shadeLabel = "injunction in force (darker: in more runs)" } else { shadeLabel = "injunction in force" }
        svg += "<g aria-hidden=\"true\" fill=\"#222222\">\n"
        var legendX = Self.left, legendY = 44.0
        for (index, label) in (lines.map(\.0) + [shadeLabel]).enumerated() {
            let width = 32 + Double(label.count) * 6.8 + 18
            if legendX + width > Self.width - Self.right, legendX > Self.left {
                legendX = Self.left
                legendY += 18
            }
            if index < lines.count {
                let (_, _, colour, dash) = lines[index]
                svg +=
                    "<line x1=\(Self.attr(legendX)) y1=\(Self.attr(legendY)) x2=\(Self.attr(legendX + 26)) y2=\(Self.attr(legendY)) stroke=\"\(colour)\" stroke-width=\"2\"\(dash)/>\n"
            } else {
                svg +=
                    "<rect x=\(Self.attr(legendX + 4)) y=\(Self.attr(legendY - 7)) width=\"18\" height=\"14\" fill=\"\(Self.shadeColour)\" fill-opacity=\"0.22\"/>\n"
            }
            svg += "<text x=\(Self.attr(legendX + 32)) y=\(Self.attr(legendY + 4))>\(Self.escape(label))</text>\n"
            legendX += width
        }
        svg += "</g>\n</svg>\n"
        return svg
    }

    /// The chart in words, for the `<desc>`.
    public func textAlternative() -> String {
        let days = backlog.count
        guard days > 0 else { return "No data." }
        let peak = backlog.enumerated().max { $0.element < $1.element }!
        var text = "Over \(SimulationReport.grouped(Double(days))) days the backlog went from \(SimulationReport.grouped(backlog[0])) "
        text +=
            "at the end of day 0 to \(SimulationReport.grouped(backlog[days - 1])) at the end (peak \(SimulationReport.grouped(peak.element)) on day \(peak.offset)); "
        text += "\(SimulationReport.grouped(removedHome[days - 1])) people were removed home and "
        text += "\(SimulationReport.grouped(removedThirdCountry[days - 1])) to third countries. "
        switch shading {
        case .periods(let periods):
            if periods.isEmpty {
                text += "No injunction was in force."
            } else {
                let list = periods.prefix(8).map { "days \(Self.format($0.start, 1))–\(Self.format($0.end, 1))" }.joined(separator: ", ")
                text +=
                    "Injunctions halted third-country flights for \(Self.format(periods.totalDays, 0)) days in \(periods.count) period\(periods.count == 1 ? "" : "s") (\(list)\(periods.count > 8 ? ", …" : ""))."
            }
        case .dailyShare(let share):
            let mean = share.isEmpty ? 0 : share.reduce(0, +) / Double(share.count)
            text += "On average an injunction halted third-country flights \(Self.format(mean * 100, 1))% of the time."
        }
        return text
    }

    private struct Band {
        var start: Double
        var end: Double
        var strength: Double
    }

    private func shadingBands(days: Int) -> [Band] {
        switch shading {
        case .periods(let periods):
            return periods.map { Band(start: max(0, $0.start), end: min(Double(days), $0.end), strength: 1) }
        case .dailyShare(let share):
            // Adjacent days of the same (tenths-rounded) share become one band.
            var bands: [Band] = []
            for (day, value) in share.enumerated() {
                let level = (value * 10).rounded() / 10
                guard level > 0 else { continue }
                if var last = bands.last, last.end == Double(day), last.strength == level {
                    last.end = Double(day + 1)
                    bands[bands.count - 1] = last
                } else {
                    bands.append(Band(start: Double(day), end: Double(day + 1), strength: level))
                }
            }
            return bands
        }
    }

    /// At most about 720 points per line, always keeping the first and last day.
    private static func sampledDays(_ count: Int) -> [Int] {
        guard count > 0 else { return [] }
        let step = max(1, (count + 719) / 720)
        var days = Array(stride(from: 0, to: count, by: step))
        if days.last != count - 1 { days.append(count - 1) }
        return days
    }

    /// Round tick values from 0 to at least `maximum` (steps of 1, 2 or 5 × 10ⁿ).
    static func ticks(upTo maximum: Double) -> [Double] {
        guard maximum > 0 else { return [0, 1] }
        let rough = maximum / 5
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        var ticks: [Double] = [0]
        while ticks.last! < maximum { ticks.append(ticks.last! + step) }
        return ticks
    }

    private static func format(_ value: Double, _ decimals: Int = 1) -> String {
        let text = String(format: "%.\(decimals)f", value)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    private static func attr(_ value: Double) -> String { "\"" + format(value, 2) + "\"" }

    static func escape(_ text: String) -> String { Markup.escape(text) }
}

extension SimulationReport {
    /// The chart of this report as SVG text (see ``SimulationChart``).
    public func chartSVG(idPrefix: String = "simulation-chart") -> String {
        SimulationChart(report: self, idPrefix: idPrefix).svg()
    }
}
