import CorridorDomain
import CorridorStore
import CorridorTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CorridorWeb

/// Every integer a request carries is checked against its declared range before any arithmetic
/// sees it. `GET /api/v1/audit/events?after=9223372036854775807` once crashed the server on its
/// `+ 1`; this sends every integer parameter of every route at its extremes.
struct IntegerBoundaryTests {
    /// Values past any range, on its edges, and not integers at all.
    static let extremes: [String] = [
        "0", "-1", "1", String(Int64.min), String(Int64.max), "9223372036854775808", "-9223372036854775809",
        "9007199254740991", "9007199254740992", String(repeating: "9", count: 400), "1e3", "+5", "%205", "0x10", "5.0", "-0",
    ]

    /// Values for one parameter: the extremes and its own range's edges, one step in and out.
    static func values(for range: ClosedRange<Int64>) -> [String] {
        var values = extremes + [range.lowerBound, range.upperBound].map { String($0) }
        if range.lowerBound > Int64.min { values.append(String(range.lowerBound - 1)) }
        if range.upperBound < Int64.max { values.append(String(range.upperBound + 1)) }
        return values
    }

    @Test("Property: each integer parameter of each route at its extremes gets no 5xx; out of range is a 400 naming it and its range")
    func everyIntegerParameter() async throws {
        let world = try await Worlds.scenario()
        let probe = RouteProbe(ids: world.ids)
        let checked = try await world.test { caller -> Int in
            var checked = 0
            for route in routeSpecs(state: world.state) {
                for parameter in route.parameters where parameter.schema == "integer" && !parameter.name.contains("<") {
                    let range = try #require(parameter.range, "\(RouteProbe.name(route)): integer parameter '\(parameter.name)' declares no range")
                    #expect(route.method == .get, "\(RouteProbe.name(route)): extend this test to send its integers")
                    for value in Self.values(for: range) {
                        var uri = try probe.uri(route)
                        uri += (uri.contains("?") ? "&" : "?") + "\(parameter.name)=\(value)"
                        let reply = try await caller.get(uri, as: .role(.admin))
                        checked += 1
                        #expect(reply.status.code < 500, "GET \(uri.prefix(120)): \(reply)")
                        let decoded = value.removingPercentEncoding ?? value
                        let inRange = Int64(decoded).map(range.contains) ?? false
                        let plainDigits = decoded.allSatisfy(\.isNumber) || (decoded.first == "-" && decoded.dropFirst().allSatisfy(\.isNumber))
                        if !(inRange && plainDigits), !route.showsFormProblems {
                            #expect(reply.status == .badRequest, "GET \(uri.prefix(120)): \(reply)")
                            let named = "query parameter '\(parameter.name)' must be a whole number from \(range.lowerBound) to \(range.upperBound)"
                            let shown = RouteProbe.isPage(route) ? named.replacingOccurrences(of: "'", with: "&#39;") : named
                            #expect(reply.text.contains(shown), "GET \(uri.prefix(120)): \(reply)")
                            if !RouteProbe.isPage(route) { expectWellFormedProblem(reply, "GET \(uri.prefix(120))") }
                        }
                    }
                    // Still answering.
                    let health = try await caller.get("/healthz", as: .anonymous)
                    #expect(health.status == .ok)
                }
            }
            return checked
        }
        #expect(checked > 100)
    }

    @Test("The audit feed's cursor at Int64.max is refused, and the largest accepted cursor answers an empty page")
    func auditCursorEdges() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let refused = try await caller.get("/api/v1/audit/events?after=9223372036854775807", as: .role(.monitor))
            #expect(refused.status == .badRequest)
            #expect(refused.detail == "query parameter 'after' must be a whole number from 0 to 9007199254740990")
            let last = try await caller.get("/api/v1/audit/events?after=9007199254740990", as: .role(.monitor))
            #expect(last.status == .ok)
            guard case .array(let events)? = last.json?["events"] else { Issue.record("no events array: \(last)"); return }
            #expect(events.isEmpty)
        }
    }

    @Test("Formatting never traps on a number: non-finite and out-of-Int values are written, not converted")
    func formatting() {
        #expect(Int.min.grouped == "-9,223,372,036,854,775,808")
        #expect(1_234_567.4.groupedWhole == "1,234,567")
        #expect(Double.infinity.groupedWhole == "—")
        #expect(Double.nan.groupedWhole == "—")
        #expect(1e300.groupedWhole == "1e+300")
    }
}
