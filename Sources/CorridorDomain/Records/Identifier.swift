/// A typed identifier: a `Case.ID` cannot be passed where a `Transfer.ID` is expected.
public struct Identifier<Tag>: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

public enum CaseTag {}
public enum ArrangementTag {}
public enum CourtOrderTag {}
public enum TransferTag {}
public enum CountryTag {}

/// An ISO 3166-1 alpha-3 code (`XKX` for Kosovo).
public typealias CountryCode = Identifier<CountryTag>
