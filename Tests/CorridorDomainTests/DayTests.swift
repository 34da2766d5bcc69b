import CorridorDomain
import Testing

struct DayTests {
    @Test(
        "Valid dates parse and print back",
        arguments: [
            "1970-01-01", "2024-02-29", "2000-02-29", "2025-12-31", "1900-03-01", "0001-01-01", "9999-12-31", "1969-12-31",
        ])
    func validDates(text: String) throws {
        let day = try #require(Day(text))
        #expect(day.description == text)
    }

    @Test(
        "Impossible or malformed dates are refused",
        arguments: [
            "2025-02-30", "2025-02-29", "1900-02-29", "2100-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "2025-01-00",
            "2025-1-01", "25-01-01", "2025/01/01", "2025-01-01T00:00:00Z", "", "0000-01-01", "2025-01-0a", " 2025-01-01",
        ])
    func invalidDates(text: String) {
        #expect(Day(text) == nil)
    }

    @Test(
        "Days count from 1970-01-01",
        arguments: [
            ("1970-01-01", 0), ("1970-01-02", 1), ("1969-12-31", -1), ("2000-02-29", 11_016), ("2024-02-29", 19_782),
            ("2025-03-01", 20_148),
        ])
    func daysSinceEpoch(text: String, days: Int32) throws {
        #expect(try #require(Day(text)).daysSinceEpoch == days)
        #expect(Day(daysSinceEpoch: days).description == text)
    }

    @Test("Leap years: 29 February exists in 2024 and 2000, not in 2025, 1900 or 2100")
    func leapYears() {
        #expect(Day(year: 2024, month: 2, day: 29) != nil)
        #expect(Day(year: 2000, month: 2, day: 29) != nil)
        #expect(Day(year: 2025, month: 2, day: 29) == nil)
        #expect(Day(year: 1900, month: 2, day: 29) == nil)
        #expect(Day(year: 2100, month: 2, day: 29) == nil)
        #expect(Day("2024-02-28")!.adding(days: 1).description == "2024-02-29")
        #expect(Day("2025-02-28")!.adding(days: 1).description == "2025-03-01")
        #expect(Day("2024-03-01")!.daysSinceEpoch - Day("2024-02-01")!.daysSinceEpoch == 29)
    }

    @Test("Every day of four centuries round-trips through its text")
    func roundTripsEveryDay() throws {
        var day = try #require(Day("1800-01-01"))
        let end = try #require(Day("2200-01-01"))
        var mismatches: [String] = []
        var count = 0
        while day < end {
            if Day(day.description) != day { mismatches.append(day.description) }
            day = day.adding(days: 1)
            count += 1
        }
        #expect(mismatches.isEmpty)
        #expect(count == 146_097)  // a Gregorian 400-year cycle
    }

    @Test("Comparison and the start instant")
    func comparisonAndStartInstant() throws {
        let a = try #require(Day("2025-05-20")), b = try #require(Day("2025-05-21"))
        #expect(a < b)
        #expect(a.startInstant.description == "2025-05-20T00:00:00Z")
        #expect(a.components.year == 2025 && a.components.month == 5 && a.components.day == 20)
    }
}
