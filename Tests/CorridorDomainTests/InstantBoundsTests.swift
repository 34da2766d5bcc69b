import CorridorDomain
import Testing

/// Every instant that is accepted prints as RFC 3339 text that parses again to the same instant.
struct InstantBoundsTests {
    @Test(
        "A zone that carries the time outside the years 0001–9999 (UTC) is refused",
        arguments: [
            "9999-12-31T23:59:59-23:59", "9999-12-31T23:00:00-01:00", "0001-01-01T00:00:00+00:01", "0001-01-01T00:59:59+01:00",
        ])
    func outsideTheWritableYears(_ text: String) {
        #expect(Instant(rfc3339: text) == nil)
        #expect(Instant(dateOrInstant: text) == nil)
    }

    @Test(
        "The first and last writable instants are accepted and round-trip",
        arguments: [
            "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59+00:00", "2025-05-20T10:30:00.250-04:00",
        ])
    func edgesRoundTrip(_ text: String) throws {
        let instant = try #require(Instant(rfc3339: text))
        #expect(Instant(rfc3339: instant.description) == instant)
    }
}
