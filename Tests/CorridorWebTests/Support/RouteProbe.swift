import CorridorDomain
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Hummingbird

/// How to call any route of ``routeSpecs(state:)`` so that an allowed caller reaches its
/// handler: path parameters filled with real ids, required query parameters given, and a body
/// the caller's role may send. A route with a parameter or body schema this file does not know
/// fails the tests that use it, so a new route cannot go untested.
struct RouteProbe: Sendable {
    struct Unknown: Error, CustomStringConvertible {
        var description: String
    }

    let ids: SampleIDs

    /// A server-rendered page (for browsers: session cookie, forms with a CSRF value, a 303 to
    /// the sign-in form instead of a 401).
    static func isPage(_ route: RouteSpec) -> Bool { route.tag == "pages" }

    /// The fields a page form posts besides its CSRF value.
    func formFields(_ route: RouteSpec) -> [String] {
        route.path.hasSuffix("/strike") ? ["case=\(ids.manifestCase)", "reason=struck+by+the+route+probe"] : []
    }

    /// `METHOD /path` as the route table and the OpenAPI document write it.
    static func name(_ route: RouteSpec) -> String { "\(route.method.rawValue) \(route.path)" }

    /// The request URI: path parameters filled, required query parameters added.
    func uri(_ route: RouteSpec) throws -> String {
        try uri(path: route.path, requiredQuery: route.parameters.filter { $0.location == .query && $0.required }.map(\.name))
    }

    func uri(path: String, requiredQuery: [String]) throws -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var filled: [String] = []
        for (index, segment) in segments.enumerated() {
            guard segment.hasPrefix("{"), segment.hasSuffix("}") else { filled.append(segment); continue }
            let key = "\(index > 0 ? segments[index - 1] : "")/\(segment)"
            let value: String
            switch key {
            case "cases/{id}": value = ids.caseID
            case "countries/{code}": value = ids.country
            case "arrangements/{id}": value = ids.arrangement
            case "court-orders/{id}": value = ids.courtOrder
            case "transfers/{id}": value = ids.transfer
            case "files/{file}": value = "arrangements.csv"
            case "subscriptions/{id}": value = "sub_000000000000"  // none exists: the route answers 404 after its role check
            case "tokens/{id}": value = "tok_000000000000"  // none exists: 404 after the role check (revoking the probe's own would break the rest)
            default: throw Unknown(description: "no sample value for path parameter \(segment) (after '\(key)') of \(path): add one to RouteProbe")
            }
            filled.append(value)
        }
        var uri = filled.joined(separator: "/")
        let query = try requiredQuery.map { name -> String in
            switch name {
            case "to": return "to=SLV"
            default: throw Unknown(description: "no sample value for required query parameter '\(name)' of \(path): add one to RouteProbe")
            }
        }
        if !query.isEmpty { uri += "?" + query.joined(separator: "&") }
        return uri
    }

    /// A body that `who` may send to `route` (nil when the route takes none). `unique` keeps
    /// ids created by different callers apart.
    func body(_ route: RouteSpec, as who: Who, unique: String) throws -> JSONValue? {
        guard let schema = route.requestBody else { return nil }
        switch schema {
        case "RecordBody":
            // A record type the caller's role may record, so the handler accepts it.
            if let role = who.role, RecordPermissions.roles(for: .courtOrder).contains(role),
                !RecordPermissions.roles(for: .caseRecord).contains(role)
            {
                return TestRecords.courtOrder("CO-PROBE-\(unique)", issuedOn: "2025-05-01", scope: ["nationalities": ["CUB"]])
            }
            return TestRecords.caseRecord("PROBE-\(unique)", nationalities: ["GTM"])
        case "StepBody":
            return ["at": route.path.hasSuffix("/depart") ? .string(Scenario.departAt) : .string(Scenario.lockAt)]
        case "StrikeBody":
            return ["case": .string(ids.manifestCase), "reason": "struck by the route probe"]
        case "CourtOrderRecord":
            return TestRecords.courtOrder("CO-PROPOSED-\(unique)", issuedOn: "2025-05-01", scope: ["nationalities": ["VEN"]])
        case "PolicyChoice":
            return ["policy": "us-dvd-2025"]
        case "TokenBody":
            return ["name": .string("probe \(unique)"), "role": "counsel", "counsel": "Synthetic counsel of the route probe"]
        case "SubscriptionBody":
            // The scenario's server allows no private address: refused (422) after the role check.
            return ["url": "http://127.0.0.1:9/corridor-probe"]
        default:
            throw Unknown(description: "no sample body for schema '\(schema)' of \(Self.name(route)): add one to RouteProbe")
        }
    }
}
