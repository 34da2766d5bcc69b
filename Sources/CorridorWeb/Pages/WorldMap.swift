import CorridorDomain
import Foundation

/// The world outlines (Natural Earth 1:110m, `Resources/world/`), projected once,
/// equirectangularly, into SVG paths, with a centroid per country for the flows.
struct WorldMap: Sendable {
    struct Country: Sendable {
        var code: String
        var name: String
        var path: String
        var centroid: (x: Double, y: Double)
    }

    static let width = 960.0
    static let north = 84.0, south = -58.0
    static var scale: Double { width / 360 }
    static var height: Double { (north - south) * scale }

    /// Small states that have no outline at this scale, placed by their capital (lat, lon).
    static let capitals: [String: (name: String, lat: Double, lon: Double)] = [
        "PLW": ("Palau", 7.50, 134.62), "KNA": ("Saint Kitts and Nevis", 17.30, -62.72), "ATG": ("Antigua and Barbuda", 17.12, -61.85),
        "DMA": ("Dominica", 15.30, -61.39), "MUS": ("Mauritius", -20.16, 57.50), "SYC": ("Seychelles", -4.62, 55.45),
        "CPV": ("Cabo Verde", 14.93, -23.51), "NRU": ("Nauru", -0.55, 166.92), "MLT": ("Malta", 35.90, 14.51),
        "BRB": ("Barbados", 13.10, -59.62), "GRD": ("Grenada", 12.05, -61.75), "LCA": ("Saint Lucia", 14.01, -60.99),
        "VCT": ("Saint Vincent and the Grenadines", 13.16, -61.22), "BHR": ("Bahrain", 26.23, 50.59), "SGP": ("Singapore", 1.29, 103.85),
        "TON": ("Tonga", -21.14, -175.2), "KIR": ("Kiribati", 1.33, 172.98), "MHL": ("Marshall Islands", 7.09, 171.38),
        "FSM": ("Micronesia", 6.92, 158.16), "TUV": ("Tuvalu", -8.52, 179.2), "WSM": ("Samoa", -13.83, -171.76),
        "AND": ("Andorra", 42.51, 1.52), "LIE": ("Liechtenstein", 47.14, 9.52), "MCO": ("Monaco", 43.73, 7.42), "SMR": ("San Marino", 43.94, 12.45),
    ]

    let countries: [String: Country]

    static func project(lon: Double, lat: Double) -> (x: Double, y: Double) {
        ((lon + 180) * scale, (north - lat) * scale)
    }

    static let shared: WorldMap = {
        guard let url = PageRenderer.resource("world/countries-110m.geojson"),
            let data = try? Data(contentsOf: url),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let features = root["features"] as? [[String: Any]]
        else { return WorldMap(countries: [:]) }
        var countries: [String: Country] = [:]
        for feature in features {
            guard let properties = feature["properties"] as? [String: Any], let code = properties["iso_a3"] as? String,
                let geometry = feature["geometry"] as? [String: Any], let type = geometry["type"] as? String
            else { continue }
            let polygons: [[[[Double]]]]
            if type == "Polygon", let rings = geometry["coordinates"] as? [[[Double]]] {
                polygons = [rings]
            } else if type == "MultiPolygon", let all = geometry["coordinates"] as? [[[[Double]]]] {
                polygons = all
            } else {
                continue
            }
            var path = ""
            var best: (area: Double, x: Double, y: Double) = (-1, 0, 0)
            for polygon in polygons {
                for (ringIndex, ring) in polygon.enumerated() {
                    let points = ring.compactMap { $0.count >= 2 ? project(lon: $0[0], lat: $0[1]) : nil }
                    guard points.count > 2 else { continue }
                    path += "M" + points.map { String(format: "%.1f,%.1f", $0.x, $0.y) }.joined(separator: "L") + "Z"
                    guard ringIndex == 0 else { continue }
                    // Area-weighted centroid of the outer ring; the largest ring anchors the flows.
                    var area = 0.0, cx = 0.0, cy = 0.0
                    for index in points.indices {
                        let a = points[index], b = points[(index + 1) % points.count]
                        let cross = a.x * b.y - b.x * a.y
                        area += cross; cx += (a.x + b.x) * cross; cy += (a.y + b.y) * cross
                    }
                    if abs(area) > best.area, area != 0 { best = (abs(area), cx / (3 * area), cy / (3 * area)) }
                }
            }
            countries[code] = Country(code: code, name: properties["name"] as? String ?? code, path: path, centroid: (best.x, best.y))
        }
        return WorldMap(countries: countries)
    }()

    /// Where a flow to or from the country starts: its centroid, or its capital if it has no outline.
    func anchor(_ code: String) -> (x: Double, y: Double)? {
        if let country = countries[code] { return country.centroid }
        if let capital = Self.capitals[code] { return Self.project(lon: capital.lon, lat: capital.lat) }
        return nil
    }

    struct Flow {
        var from: String
        var to: String
        var people: Int
        var label: String
        /// The arrangement's page.
        var href: String
    }

    /// Where a partner's shape leads, and what a screen reader says for it.
    struct Link {
        var href: String
        var label: String
    }

    static let statusColours: [(status: String, colour: String, label: String)] = [
        ("active", "#2a9d8f", "Active"), ("signed", "#5e8fd6", "Signed"), ("negotiating", "#e9c46a", "Negotiating"),
        ("proposed", "#f3e2b3", "Proposed"), ("suspended", "#f4a261", "Suspended"), ("terminated", "#c0504d", "Terminated"),
    ]
    static let removingColours: [String: String] = ["USA": "#1d3557", "GBR": "#7b2cbf", "ITA": "#8d5524"]

    /// The map as SVG: countries, partners by status, removing states, and flows whose width
    /// grows with the people moved. Every value is escaped.
    ///
    /// Partners and flows are links (`links`, `Flow.href`): plain SVG `<a href>`, so they work
    /// without JavaScript and take keyboard focus; each is named by its `aria-label` (name and
    /// status), and the countries that lead nowhere are hidden from assistive technology.
    func svg(partnerStatus: [String: String], removing: Set<String>, flows: [Flow], links: [String: Link] = [:], description: String) -> String {
        let colour = Dictionary(uniqueKeysWithValues: Self.statusColours.map { ($0.status, $0.colour) })
        var out = """
            <svg viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" role="group" aria-labelledby="map-title" aria-describedby="map-desc" xmlns="http://www.w3.org/2000/svg">
            <title id="map-title">Map of the transfer network</title><desc id="map-desc">\(HTML.escape(description))</desc>
            <rect width="100%" height="100%" fill="#eaf2f8" aria-hidden="true"/>
            <g stroke="#ffffff" stroke-width="0.4" aria-hidden="true">
            """
        var partners = ""
        for country in countries.values.sorted(by: { $0.code < $1.code }) {
            let fill: String
            var label = country.name
            if removing.contains(country.code) {
                fill = Self.removingColours[country.code] ?? "#1d3557"; label += " (removing state)"
            } else if let status = partnerStatus[country.code] {
                fill = colour[status] ?? "#999"; label += " (\(status))"
            } else {
                fill = "#d5dbe1"
            }
            let shape = "<path d=\"\(country.path)\" fill=\"\(fill)\"><title>\(HTML.escape(label))</title></path>"
            if let link = links[country.code], partnerStatus[country.code] != nil, !removing.contains(country.code) {
                partners +=
                    "<a class=\"partner\" href=\"\(HTML.escape(link.href))\" aria-label=\"\(HTML.escape(link.label))\" data-partner=\"\(HTML.escape(country.code))\">\(shape)</a>"
            } else {
                out += shape
            }
        }
        out += "</g>"
        // Flows go under the partners, so that a wide line never covers a small partner's link.
        out += flowLines(flows)
        out += "<g stroke=\"#ffffff\" stroke-width=\"0.4\">" + partners + "</g>"
        // Small partners without an outline: a dot at the capital.
        for (code, status) in partnerStatus.sorted(by: { $0.key < $1.key }) where countries[code] == nil {
            guard let capital = Self.capitals[code] else { continue }
            let p = Self.project(lon: capital.lon, lat: capital.lat)
            var dot = String(
                format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%@\" stroke=\"#1b1f24\" stroke-width=\"0.8\">", p.x, p.y,
                colour[status] ?? "#999")
            dot += "<title>\(HTML.escape(capital.name)) (\(HTML.escape(status)); shown by its capital)</title></circle>"
            if let link = links[code] {
                out +=
                    "<a class=\"partner\" href=\"\(HTML.escape(link.href))\" aria-label=\"\(HTML.escape(link.label))\" data-partner=\"\(HTML.escape(code))\">\(dot)</a>"
            } else {
                out += dot
            }
        }
        return out + "</svg>"
    }

    /// The flows, each a curved line from the removing state to the partner.
    func flowLines(_ flows: [Flow]) -> String {
        var out = ""
        let most = max(flows.map(\.people).max() ?? 1, 1)
        out += "<g fill=\"none\" stroke-linecap=\"round\">"
        for flow in flows.sorted(by: { $0.people > $1.people }) {
            guard let a = anchor(flow.from), let b = anchor(flow.to) else { continue }
            let dx = b.x - a.x, dy = b.y - a.y
            let length = max((dx * dx + dy * dy).squareRoot(), 1)
            let bend = min(length * 0.25, 80)
            let control = ((a.x + b.x) / 2 - dy / length * bend, (a.y + b.y) / 2 + dx / length * bend)
            let width = flow.people > 0 ? 1.5 + 10 * (Double(flow.people) / Double(most)).squareRoot() : 0.8
            let stroke = Self.removingColours[flow.from] ?? "#1d3557"
            let dash = flow.people > 0 ? "" : " stroke-dasharray=\"3 3\""
            // Out of the tab order: the partners and the flows table reach every arrangement by
            // keyboard without a second stop per line.
            out += "<a class=\"flow\" href=\"\(HTML.escape(flow.href))\" aria-label=\"\(HTML.escape(flow.label))\" tabindex=\"-1\">"
            out += String(
                format: "<path d=\"M%.1f,%.1fQ%.1f,%.1f %.1f,%.1f\" stroke=\"%@\" stroke-opacity=\"0.7\" stroke-width=\"%.1f\"%@>", a.x, a.y,
                control.0, control.1, b.x, b.y, stroke, width, dash)
            out += "<title>\(HTML.escape(flow.label))</title></path></a>"
        }
        return out + "</g>"
    }
}
