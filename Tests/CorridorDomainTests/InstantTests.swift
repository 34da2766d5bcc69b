import CorridorDomain
import Testing

struct InstantTests {
    @Test(
        "RFC 3339 instants with zones parse to the right epoch",
        arguments: [
            ("2025-05-20T14:30:00Z", 1_747_751_400_000),
            ("2025-05-20T14:30:00.250Z", 1_747_751_400_250),
            ("2025-05-20T10:30:00.250-04:00", 1_747_751_400_250),
            ("2025-05-20T16:00:00.25+01:30", 1_747_751_400_250),
            ("2025-05-20t14:30:00z", 1_747_751_400_000),
            ("2025-05-20 14:30:00Z", 1_747_751_400_000),
            ("2025-05-20T14:30:00.123456Z", 1_747_751_400_123),
            ("2025-01-01T01:00:00+05:00", 1_735_675_200_000),
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59Z", -1_000),
            ("1970-01-01T00:00:00+00:01", -60_000),
            ("2024-02-29T23:59:59-00:00", 1_709_251_199_000),
        ])
    func parses(text: String, epochMilliseconds: Int64) throws {
        let instant = try #require(Instant(rfc3339: text))
        #expect(instant.epochMilliseconds == epochMilliseconds)
    }

    @Test(
        "Instants without a zone, or malformed, are refused",
        arguments: [
            "2025-05-20T14:30:00", "2025-05-20", "2025-05-20T14:30Z", "2025-05-20T24:00:00Z", "2025-05-20T14:60:00Z",
            "2025-05-20T14:30:00+0400", "2025-05-20T14:30:00+04", "2025-05-20T14:30:00+24:00", "2025-05-20T14:30:00.Z",
            "2025-02-30T00:00:00Z", "2025-05-20X14:30:00Z", "2025-05-20T14:30:00ZZ", "2025-05-20T14:30:00 Z", "",
        ])
    func refuses(text: String) {
        #expect(Instant(rfc3339: text) == nil)
    }

    @Test(
        "The UTC day of an instant, also across midnight and before 1970",
        arguments: [
            ("2025-01-01T01:00:00+05:00", "2024-12-31"),
            ("2024-12-31T22:00:00-05:00", "2025-01-01"),
            ("1969-12-31T23:59:59.999Z", "1969-12-31"),
            ("2024-02-29T12:00:00Z", "2024-02-29"),
        ])
    func utcDay(text: String, day: String) throws {
        #expect(try #require(Instant(rfc3339: text)).day.description == day)
    }

    @Test(
        "Description is RFC 3339 in UTC and parses back",
        arguments: [
            ("2025-05-20T10:30:00-04:00", "2025-05-20T14:30:00Z"),
            ("2025-05-20T10:30:00.5-04:00", "2025-05-20T14:30:00.500Z"),
            ("1969-12-31T23:59:59.001Z", "1969-12-31T23:59:59.001Z"),
        ])
    func description(text: String, expected: String) throws {
        let instant = try #require(Instant(rfc3339: text))
        #expect(instant.description == expected)
        #expect(Instant(rfc3339: instant.description) == instant)
    }

    @Test(
        "dateOrInstant: a date means 00:00 UTC that day; an instant keeps its time",
        arguments: [
            ("2025-05-20", "2025-05-20T00:00:00Z"),
            ("2024-02-29", "2024-02-29T00:00:00Z"),
            ("2025-05-20T10:30:00-04:00", "2025-05-20T14:30:00Z"),
        ])
    func dateOrInstant(text: String, expected: String) throws {
        #expect(try #require(Instant(dateOrInstant: text)).description == expected)
    }

    @Test("dateOrInstant refuses what is neither", arguments: ["2025-02-30", "2025-05-20T10:30:00", "tomorrow", ""])
    func dateOrInstantRefuses(text: String) {
        #expect(Instant(dateOrInstant: text) == nil)
    }

    @Test("Arithmetic in hours and days")
    func arithmetic() throws {
        let start = try #require(Instant(rfc3339: "2025-05-20T14:30:00Z"))
        #expect(start.adding(hours: 24).description == "2025-05-21T14:30:00Z")
        #expect(start.adding(days: 10).description == "2025-05-30T14:30:00Z")
        #expect(start.adding(days: -1.5).description == "2025-05-19T02:30:00Z")
        #expect(start < start.adding(milliseconds: 1))
    }
}
