import Testing

@testable import CorridorDomain

/// Dates and instants are formatted in place (no intermediate strings); the text must be the
/// padded definition's, digit for digit, wherever the fast path applies.
struct TimeFormattingTests {
    /// Year 0000-01-01 and 9999-12-31T23:59:59.999Z, in epoch milliseconds.
    static let first: Int64 = -62_167_219_200_000
    static let last: Int64 = 253_402_300_799_999

    @Test("Edges: the first and last instants of years 0000–9999, the epoch, a second before it, with and without milliseconds")
    func edges() {
        let cases: [(Int64, String)] = [
            (Self.first, "0000-01-01T00:00:00Z"),
            (Self.last, "9999-12-31T23:59:59.999Z"),
            (0, "1970-01-01T00:00:00Z"),
            (-1_000, "1969-12-31T23:59:59Z"),
            (1_747_751_400_250, "2025-05-20T14:30:00.250Z"),
            (1_747_751_400_007, "2025-05-20T14:30:00.007Z"),
        ]
        for (milliseconds, text) in cases {
            let instant = Instant(epochMilliseconds: milliseconds)
            #expect(instant.description == text)
            #expect(instant.description == instant.paddedDescription)
            #expect(instant.day.description == String(text.prefix(10)))
        }
    }

    @Test("200,000 instants spread over years 0000–9999 format as the padded definition does")
    func sampled() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for index in 0..<200_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let span = UInt64(Self.last - Self.first + 1)
            var milliseconds = Self.first + Int64((state >> 1) % span)
            if index.isMultiple(of: 2) { milliseconds -= milliseconds % 1000 }  // half with no fraction
            let instant = Instant(epochMilliseconds: milliseconds)
            guard instant.description == instant.paddedDescription, instant.day.description == instant.day.paddedDescription else {
                Issue.record("\(milliseconds): \(instant.description) vs \(instant.paddedDescription)")
                return
            }
        }
    }
}
