import CorridorDomain

/// What one gate found: the result, a plain-language reason naming the facts used, the legal
/// citation, the earliest instant a waiting gate can pass, and what would clear a failing or
/// waiting gate.
public struct GateFinding: Sendable, Equatable {
    public var gate: GateID
    public var result: GateResult
    /// For `pending`: the earliest instant it can pass, when that is knowable.
    public var clears: Instant?
    /// The words, kept in one box (nil when there are none, as in whole-caseload passes, which
    /// do not explain): a finding without words copies and frees with no reference counting.
    private var words: Words?

    private final class Words: Sendable, Equatable {
        let reason: String
        let citation: String
        let wouldClear: String?

        init(reason: String, citation: String, wouldClear: String?) {
            self.reason = reason
            self.citation = citation
            self.wouldClear = wouldClear
        }

        static func == (a: Words, b: Words) -> Bool { a.reason == b.reason && a.citation == b.citation && a.wouldClear == b.wouldClear }
    }

    public var reason: String {
        get { words?.reason ?? "" }
        set { words = Self.box(reason: newValue, citation: citation, wouldClear: wouldClear) }
    }

    public var citation: String {
        get { words?.citation ?? "" }
        set { words = Self.box(reason: reason, citation: newValue, wouldClear: wouldClear) }
    }

    /// What would change the result (for `fail` and `pending`).
    public var wouldClear: String? {
        get { words?.wouldClear }
        set { words = Self.box(reason: reason, citation: citation, wouldClear: newValue) }
    }

    public init(gate: GateID, result: GateResult, reason: String, citation: String, clears: Instant? = nil, wouldClear: String? = nil) {
        self.gate = gate
        self.result = result
        self.clears = clears
        self.words = Self.box(reason: reason, citation: citation, wouldClear: wouldClear)
    }

    /// A finding without words (whole-caseload passes do not explain).
    init(gate: GateID, result: GateResult, clears: Instant?) {
        self.gate = gate
        self.result = result
        self.clears = clears
        self.words = nil
    }

    private static func box(reason: String, citation: String, wouldClear: String?) -> Words? {
        reason.isEmpty && citation.isEmpty && wouldClear == nil ? nil : Words(reason: reason, citation: citation, wouldClear: wouldClear)
    }

    public static func == (a: GateFinding, b: GateFinding) -> Bool {
        a.gate == b.gate && a.result == b.result && a.clears == b.clears && a.reason == b.reason && a.citation == b.citation
            && a.wouldClear == b.wouldClear
    }
}
