import CorridorDomain
import CorridorServices
import CorridorStore
import Hummingbird

/// `GET /feeds/network.atom`: the network's changes as an Atom 1.0 feed (RFC 4287), for
/// journalists, researchers and anyone following the story in a feed reader. One entry per new
/// arrangement, status change, reported figure, court order and lift, newest first, each
/// linking to its page and citing its source.
enum NetworkFeed {
    /// Entry ids are `tag:` URIs (RFC 4151) under this authority; they never change for a fact.
    static let tagPrefix = "tag:corridor.invalid,2025:"

    static func routes<Store: EventStore>(_ state: AppState<Store>) -> [RouteSpec] {
        [
            RouteSpec(
                method: .get, path: "/feeds/network.atom", access: .anyone, tag: "feeds",
                summary:
                    "Atom feed of network changes: new arrangements, status changes, reported figures, court orders and lifts, each citing its source",
                parameters: [.query("since", "Only changes dated on or after this day (YYYY-MM-DD)")], success: (200, "atom")
            ) { request, _ in
                let since = try APIValues.since(request)
                let changes = try await NetworkChanges.of(try await state.store.networkEvents())
                let xml = atom(
                    changes.filter { change in since.map { change.day >= $0 } ?? true }, base: PublicURL.base(request),
                    selfPath: request.uri.path + (since.map { "?since=\($0)" } ?? ""))
                var response = Response.text(xml, contentType: "application/atom+xml; charset=utf-8")
                response.headers[.cacheControl] = "public, max-age=300"
                return response
            }
        ]
    }

    /// The feed document. `base` is the site's origin (`http://host:port`), for absolute links.
    static func atom(_ changes: [NetworkChange], base: String, selfPath: String) -> String {
        var out = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
            <id>\(tagPrefix)network</id>
            <title>Corridor: changes to the third-country transfer network</title>
            <subtitle>New arrangements, status changes, reported figures, court orders and lifts, each dated by its record and citing its source.</subtitle>
            <link rel="self" type="application/atom+xml" href="\(xml(base + selfPath))"/>
            <link rel="alternate" type="text/html" href="\(xml(base + "/"))"/>
            <updated>\(timestamp(changes.map(\.day).max()))</updated>
            <author><name>Corridor</name></author>
            <generator>Corridor</generator>

            """
        for change in changes {
            let page =
                change.arrangement.map { "/arrangements/" + PageRoutes.pathComponent($0.rawValue) }
                ?? change.courtOrder.map { "/court-orders/" + PageRoutes.pathComponent($0.rawValue) } ?? "/"
            out += "<entry>\n"
            out += "<id>\(xml(tagPrefix + tagSpecific(change.key)))</id>\n"
            out += "<title type=\"text\">\(xml(change.title))</title>\n"
            out += "<updated>\(timestamp(change.day))</updated>\n"
            out += "<link rel=\"alternate\" type=\"text/html\" href=\"\(xml(base + page))\"/>\n"
            for source in change.sources {
                if let url = source.url { out += "<link rel=\"related\" href=\"\(xml(url))\" title=\"\(xml(source.title))\"/>\n" }
            }
            out += "<category term=\"\(change.kind.rawValue)\"/>\n"
            out += "<summary type=\"text\">\(xml(change.summary + " " + citation(change.sources)))</summary>\n"
            out += "</entry>\n"
        }
        out += "</feed>\n"
        return out
    }

    /// "Source: …" for a summary: a citation's own text, then the links of the sources it
    /// names by tag; a linked source it does not name, with its title.
    static func citation(_ sources: [NetworkChange.Source]) -> String {
        guard !sources.isEmpty else { return "Source: none recorded." }
        let texts = sources.filter { $0.url == nil }.map(\.title)
        let parts = sources.map { source -> String in
            guard let url = source.url else { return source.title }
            let named = NetworkChanges.tag(source.title).map { tag in texts.contains { $0.contains(tag) } } ?? false
            return named ? url : "\(source.title) <\(url)>"
        }
        return "Source: " + parts.joined(separator: "; ") + "."
    }

    /// A day as an RFC 3339 instant (midnight UTC); the Unix epoch for a feed with no entry.
    static func timestamp(_ day: Day?) -> String { (day ?? Day(daysSinceEpoch: 0)).description + "T00:00:00Z" }

    /// The specific part of a tag URI: unreserved characters, `/`, `:` and `@` as they are,
    /// anything else percent-encoded.
    static func tagSpecific(_ key: String) -> String {
        var out = ""
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "@"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Text for XML 1.0 element content and quoted attributes: escaped, and without the control
    /// characters XML 1.0 cannot carry at all.
    static func xml(_ text: String) -> String {
        let allowed = String(
            String.UnicodeScalarView(
                text.unicodeScalars.filter { scalar in
                    scalar == "\t" || scalar == "\n" || scalar == "\r" || (scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF)
                }))
        return Markup.escape(allowed)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// The site's origin as the caller reached it, for absolute links (feeds, canonical links,
/// link previews): the `Host` the request named, if it is a plain host name or address with
/// an optional port, and `https` when a proxy says so in `X-Forwarded-Proto`.
enum PublicURL {
    static func base(_ request: Request) -> String {
        let host = request.head.authority ?? ""
        let plain =
            !host.isEmpty && host.utf8.count <= 255
            && host.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"):
                    return true
                default:
                    return false
                }
            }
        let forwarded = request.headers.first { $0.name.canonicalName == "x-forwarded-proto" }?.value
        let scheme = forwarded?.lowercased() == "https" ? "https" : "http"
        return "\(scheme)://\(plain ? host : "localhost")"
    }
}
