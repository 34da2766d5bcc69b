import ArgumentParser
import CorridorDomain

/// The ranges of every integer option, checked in `validate()` before a command does any work:
/// a negative `--limit` once trapped in `prefix(_:)`, and a huge `--runs` overflowed the
/// simulator's day count.
enum CommandLimits {
    static func check(_ option: String, _ value: Int, in range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw ValidationError("\(option) must be from \(range.lowerBound.grouped) to \(range.upperBound.grouped) (got \(value))")
        }
    }
}
