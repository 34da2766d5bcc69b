/// A point in time, to the millisecond, parsed from RFC 3339 text with an explicit zone
/// (`2025-05-20T14:30:00Z`, `2025-05-20T10:30:00.250-04:00`).
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let epochMilliseconds: Int64

    public init(epochMilliseconds: Int64) { self.epochMilliseconds = epochMilliseconds }

    /// Parses RFC 3339 `date-time` (a `T` or space separator; `Z` or `±HH:MM` zone; optional
    /// fraction). Returns nil for anything else, including a missing zone.
    public init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        guard b.count >= 20, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
            let day = Day(String(decoding: b[0..<10], as: UTF8.self)),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            let hour = Day.digits(b, 11, 2), let minute = Day.digits(b, 14, 2), let second = Day.digits(b, 17, 2),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var millis = 0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < b.count, b[index] >= UInt8(ascii: "0"), b[index] <= UInt8(ascii: "9") {
                if digits < 3 { millis = millis * 10 + Int(b[index] - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { millis *= 10 }
        }
        guard index < b.count else { return nil }
        var offsetMinutes = 0
        if b[index] == UInt8(ascii: "Z") || b[index] == UInt8(ascii: "z") {
            index += 1
        } else if b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-") {
            guard index + 6 == b.count, b[index + 3] == UInt8(ascii: ":"),
                let offsetHours = Day.digits(b, index + 1, 2), let offsetMins = Day.digits(b, index + 4, 2),
                offsetHours < 24, offsetMins < 60
            else { return nil }
            offsetMinutes = (offsetHours * 60 + offsetMins) * (b[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == b.count else { return nil }
        let seconds =
            Int64(day.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
            - Int64(offsetMinutes * 60)
        let value = seconds * 1000 + Int64(millis)
        // A zone can carry a local time past the years that can be written back
        // (9999-12-31T23:59:59-23:59 is in the year 10000 UTC): every instant accepted must print
        // as text that parses again.
        guard (Self.earliest.epochMilliseconds...Self.latest.epochMilliseconds).contains(value) else { return nil }
        epochMilliseconds = value
    }

    /// The first and last instants RFC 3339 can write in UTC: 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z (dates are years 1–9999).
    public static let earliest = Day(year: 1, month: 1, day: 1)!.startInstant
    public static let latest = Day(year: 9999, month: 12, day: 31)!.startInstant.adding(milliseconds: 86_399_999)

    /// Parses what the CLI and API accept for "when": a date (00:00 UTC that day) or an RFC 3339 instant.
    public init?(dateOrInstant text: String) {
        if let day = Day(text) { self = day.startInstant } else if let instant = Instant(rfc3339: text) { self = instant } else { return nil }
    }

    /// The UTC calendar date this instant falls on.
    public var day: Day {
        Day(daysSinceEpoch: Int32(floorDiv(epochMilliseconds, 86_400_000)))
    }

    public func adding(milliseconds: Int64) -> Instant { Instant(epochMilliseconds: epochMilliseconds + milliseconds) }
    public func adding(hours: Double) -> Instant { adding(milliseconds: Int64((hours * 3_600_000).rounded())) }
    public func adding(days: Double) -> Instant { adding(hours: days * 24) }

    /// RFC 3339 in UTC (`2025-05-20T14:30:00Z`, with milliseconds only when non-zero).
    public var description: String {
        let day = self.day
        let (year, month, dayOfMonth) = day.components
        guard (0...9999).contains(year) else { return paddedDescription }
        let millisOfDay = Int(epochMilliseconds - Int64(day.daysSinceEpoch) * 86_400_000)
        let seconds = millisOfDay / 1000
        let fraction = millisOfDay % 1000
        // Written in place (no intermediate strings): instants are formatted in every decision.
        return String(unsafeUninitializedCapacity: fraction == 0 ? 20 : 24) { text in
            Day.write(year, width: 4, into: text, at: 0)
            text[4] = UInt8(ascii: "-")
            Day.write(month, width: 2, into: text, at: 5)
            text[7] = UInt8(ascii: "-")
            Day.write(dayOfMonth, width: 2, into: text, at: 8)
            text[10] = UInt8(ascii: "T")
            Day.write(seconds / 3600, width: 2, into: text, at: 11)
            text[13] = UInt8(ascii: ":")
            Day.write(seconds / 60 % 60, width: 2, into: text, at: 14)
            text[16] = UInt8(ascii: ":")
            Day.write(seconds % 60, width: 2, into: text, at: 17)
            guard fraction != 0 else {
                text[19] = UInt8(ascii: "Z")
                return 20
            }
            text[19] = UInt8(ascii: ".")
            Day.write(fraction, width: 3, into: text, at: 20)
            text[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// The same text built by padding (any year; the definition the fast path is tested against).
    var paddedDescription: String {
        let millisOfDay = Int(epochMilliseconds - Int64(day.daysSinceEpoch) * 86_400_000)
        let seconds = millisOfDay / 1000
        let fraction = millisOfDay % 1000
        var text =
            day.paddedDescription + "T" + Day.pad(seconds / 3600, 2) + ":" + Day.pad(seconds / 60 % 60, 2) + ":"
            + Day.pad(seconds % 60, 2)
        if fraction != 0 { text += "." + Day.pad(fraction, 3) }
        return text + "Z"
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.epochMilliseconds < rhs.epochMilliseconds }
}

@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
