import CorridorDomain
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue #5, point 8: `/metrics` (monitor, admin) exposes request counts per route and decision
/// counts. The registry is the process's, shared by tests running in parallel, so the tests
/// compare counts before and after (at least what this test added).
@Suite("Metrics")
struct MetricsTests {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
    }

    /// Parses Prometheus text exposition: `name{label="value",…} number`.
    static func parse(_ text: String) -> [Sample: Double] {
        var samples: [Sample: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            var labels: [String: String] = [:]
            var name = String(series)
            if let open = series.firstIndex(of: "{"), series.hasSuffix("}") {
                name = String(series[..<open])
                let body = series[series.index(after: open)..<series.index(before: series.endIndex)]
                var rest = Substring(body)
                while let equals = rest.firstIndex(of: "=") {
                    let key = rest[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: ", "))
                    rest = rest[rest.index(after: equals)...]
                    guard rest.first == "\"" else { break }
                    rest = rest.dropFirst()
                    var value = ""
                    var escaped = false
                    while let character = rest.first {
                        rest = rest.dropFirst()
                        if escaped {
                            value.append(character); escaped = false
                        } else if character == "\\" {
                            escaped = true
                        } else if character == "\"" {
                            break
                        } else {
                            value.append(character)
                        }
                    }
                    labels[key] = value
                }
            }
            samples[Sample(name: name, labels: labels)] = value
        }
        return samples
    }

    static func metrics(_ caller: Caller, as role: Role = .monitor) async throws -> [Sample: Double] {
        let reply = try await caller.get("/metrics", as: .role(role))
        try #require(reply.status == .ok, "\(reply)")
        #expect(reply.contentType.hasPrefix("text/plain"), "\(reply.contentType)")
        return parse(reply.text)
    }

    /// The request counter of one route, method and status (Hummingbird's `hb_requests`).
    static func requests(_ samples: [Sample: Double], route: String, method: String = "GET", status: Int = 200) -> Double {
        samples.filter { sample, _ in
            sample.name.hasPrefix("hb_requests") && sample.labels["http_route"] == route
                && sample.labels["http_request_method"] == method && sample.labels["http_response_status_code"] == String(status)
        }.values.reduce(0, +)
    }

    static func decisions(_ samples: [Sample: Double], verdict: String) -> Double {
        samples.filter { $0.key.name.hasPrefix("corridor_decisions_total") && $0.key.labels["verdict"] == verdict }.values.reduce(0, +)
    }

    @Test("Request counts per route (and status) rise with requests; monitor and admin may read them")
    func requestCounts() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let before = try await Self.metrics(caller)
            for _ in 0..<3 { #expect(try await caller.get("/api/v1/transfers", as: .role(.officer)).status == .ok) }
            for _ in 0..<2 { #expect(try await caller.get("/api/v1/transfers/NOPE", as: .role(.officer)).status == .notFound) }
            #expect(try await caller.get("/api/v1/cases/V1", as: .role(.counsel)).status == .ok)
            let after = try await Self.metrics(caller, as: .admin)
            #expect(
                Self.requests(after, route: "/api/v1/transfers") - Self.requests(before, route: "/api/v1/transfers") >= 3,
                "hb_requests for GET /api/v1/transfers: \(after.keys.filter { $0.name.hasPrefix("hb_requests") }.map(\.labels).prefix(5))")
            #expect(
                Self.requests(after, route: "/api/v1/transfers/{id}", status: 404)
                    - Self.requests(before, route: "/api/v1/transfers/{id}", status: 404) >= 2)
            #expect(Self.requests(after, route: "/api/v1/cases/{id}") - Self.requests(before, route: "/api/v1/cases/{id}") >= 1)
            // The metrics request itself is counted too.
            #expect(Self.requests(after, route: "/metrics") >= 1)
        }
    }

    @Test("corridor_decisions_total counts a check's verdict")
    func decisionCounts() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let before = try await Self.metrics(caller)
            let decision = try await caller.getJSON("/api/v1/cases/V3/check?to=SLV&on=2025-07-01", as: .role(.officer))
            let verdict = try #require(decision["verdict"]?.stringValue)
            let after = try await Self.metrics(caller)
            #expect(
                Self.decisions(after, verdict: verdict) - Self.decisions(before, verdict: verdict) >= 1,
                "corridor_decisions_total{verdict=\"\(verdict)\"}: \(after.filter { $0.key.name.hasPrefix("corridor_decisions") })")
        }
    }
}
