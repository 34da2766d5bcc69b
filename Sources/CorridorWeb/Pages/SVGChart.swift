/// Small server-drawn SVG charts with a title and description for screen readers.
enum SVGChart {
    struct Bar {
        var label: String
        var value: Double
        /// A suppressed count: no bar is drawn, only its text ("<5").
        var suppressed: Bool
        var text: String
    }

    static func bars(id: String, title: String, description: String, bars: [Bar]) -> String {
        let labelWidth = 190.0, barWidth = 330.0, row = 24.0, width = labelWidth + barWidth + 90
        let height = Double(max(bars.count, 1)) * row + 10
        let most = max(bars.filter { !$0.suppressed }.map(\.value).max() ?? 1, 1)
        var out = """
            <svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="\(id)-title \(id)-desc" xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="system-ui, sans-serif">
            <title id="\(id)-title">\(HTML.escape(title))</title><desc id="\(id)-desc">\(HTML.escape(description))</desc>
            """
        for (index, bar) in bars.enumerated() {
            let y = 5 + Double(index) * row
            let label = bar.label.count > 28 ? String(bar.label.prefix(27)) + "…" : bar.label
            out += "<text x=\"\(Int(labelWidth - 6))\" y=\"\(Int(y + 16))\" text-anchor=\"end\" fill=\"#1b1f24\">\(HTML.escape(label))</text>"
            let length = bar.suppressed ? 0 : max(bar.value / most * barWidth, bar.value > 0 ? 2 : 0)
            if length > 0 {
                out +=
                    "<rect x=\"\(Int(labelWidth))\" y=\"\(Int(y + 3))\" width=\"\(String(format: "%.1f", length))\" height=\"\(Int(row - 8))\" fill=\"#2a9d8f\"><title>\(HTML.escape(bar.label)): \(HTML.escape(bar.text))</title></rect>"
            }
            out +=
                "<text x=\"\(String(format: "%.1f", labelWidth + length + 6))\" y=\"\(Int(y + 16))\" fill=\"#1b1f24\">\(HTML.escape(bar.text))</text>"
        }
        if bars.isEmpty { out += "<text x=\"10\" y=\"22\" fill=\"#555\">Nothing recorded yet.</text>" }
        return out + "</svg>"
    }

    /// A line over labelled points (months), with the first and last labels and the highest value marked.
    static func line(id: String, title: String, description: String, points: [(String, Double)]) -> String {
        let width = 640.0, height = 220.0, left = 60.0, bottom = 30.0, top = 12.0, right = 16.0
        let most = max(points.map(\.1).max() ?? 1, 1)
        var out = """
            <svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="\(id)-title \(id)-desc" xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="system-ui, sans-serif">
            <title id="\(id)-title">\(HTML.escape(title))</title><desc id="\(id)-desc">\(HTML.escape(description))</desc>
            """
        guard points.count > 1 else { return out + "<text x=\"10\" y=\"22\" fill=\"#555\">Nothing reported yet.</text></svg>" }
        func x(_ i: Int) -> Double { left + Double(i) / Double(points.count - 1) * (width - left - right) }
        func y(_ v: Double) -> Double { height - bottom - v / most * (height - bottom - top) }
        out +=
            "<line x1=\"\(Int(left))\" y1=\"\(Int(height - bottom))\" x2=\"\(Int(width - right))\" y2=\"\(Int(height - bottom))\" stroke=\"#889\"/>"
        out += "<text x=\"\(Int(left - 6))\" y=\"\(Int(top + 4))\" text-anchor=\"end\" fill=\"#1b1f24\">\(HTML.escape(most.groupedWhole))</text>"
        out += "<text x=\"\(Int(left - 6))\" y=\"\(Int(height - bottom))\" text-anchor=\"end\" fill=\"#1b1f24\">0</text>"
        let path = points.enumerated().map { "\(String(format: "%.1f", x($0.offset))),\(String(format: "%.1f", y($0.element.1)))" }.joined(
            separator: " ")
        out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#2a9d8f\" stroke-width=\"2\"/>"
        for (index, point) in points.enumerated() {
            out +=
                "<circle cx=\"\(String(format: "%.1f", x(index)))\" cy=\"\(String(format: "%.1f", y(point.1)))\" r=\"2.5\" fill=\"#2a9d8f\"><title>\(HTML.escape(point.0)): \(HTML.escape(point.1.groupedWhole))</title></circle>"
        }
        out += "<text x=\"\(Int(left))\" y=\"\(Int(height - 10))\" fill=\"#1b1f24\">\(HTML.escape(points.first!.0))</text>"
        out +=
            "<text x=\"\(Int(width - right))\" y=\"\(Int(height - 10))\" text-anchor=\"end\" fill=\"#1b1f24\">\(HTML.escape(points.last!.0))</text>"
        return out + "</svg>"
    }
}
