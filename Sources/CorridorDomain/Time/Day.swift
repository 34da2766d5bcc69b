/// A calendar date (`YYYY-MM-DD`, proleptic Gregorian, no time zone), stored as days since
/// 1970-01-01.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let daysSinceEpoch: Int32

    public init(daysSinceEpoch: Int32) { self.daysSinceEpoch = daysSinceEpoch }

    /// Creates a date from its parts, or returns nil when the date does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Day.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        daysSinceEpoch = Int32(Day.daysFromCivil(year: year, month: month, day: day))
    }

    /// Parses a strict `YYYY-MM-DD` date; nil when the text is not one or the date does not exist.
    public init?(_ text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 10, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-"),
            let year = Day.digits(utf8, 0, 4), let month = Day.digits(utf8, 5, 2), let day = Day.digits(utf8, 8, 2)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The instant at 00:00 UTC on this date.
    public var startInstant: Instant { Instant(epochMilliseconds: Int64(daysSinceEpoch) * 86_400_000) }

    public var components: (year: Int, month: Int, day: Int) { Day.civil(fromDays: Int(daysSinceEpoch)) }

    public var description: String {
        let (year, month, day) = components
        guard (0...9999).contains(year) else { return paddedDescription }
        // Written in place (no intermediate strings): dates are formatted in every decision.
        return String(unsafeUninitializedCapacity: 10) { text in
            Day.write(year, width: 4, into: text, at: 0)
            text[4] = UInt8(ascii: "-")
            Day.write(month, width: 2, into: text, at: 5)
            text[7] = UInt8(ascii: "-")
            Day.write(day, width: 2, into: text, at: 8)
            return 10
        }
    }

    /// The same text built by padding (any year; the definition the fast path is tested against).
    var paddedDescription: String {
        let (year, month, day) = components
        return Day.pad(year, 4) + "-" + Day.pad(month, 2) + "-" + Day.pad(day, 2)
    }

    /// Writes `value` (non-negative, below 10^width) as `width` decimal digits.
    @inline(__always)
    static func write(_ value: Int, width: Int, into text: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var value = value
        for index in stride(from: offset + width - 1, through: offset, by: -1) {
            text[index] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
    }

    public func adding(days: Int) -> Day { Day(daysSinceEpoch: daysSinceEpoch + Int32(days)) }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    // MARK: Calendar arithmetic (Howard Hinnant's civil-from-days algorithms)

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for byte in bytes[start..<start + count] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
