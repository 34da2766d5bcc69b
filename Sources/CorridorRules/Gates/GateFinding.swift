import CorridorDomain

/// What one gate found: the result, a plain-language reason naming the facts used, the legal
/// citation, the earliest instant a waiting gate can pass, and what would clear a failing or
/// waiting gate.
public struct GateFinding: Sendable, Equatable {
    public var gate: GateID
    public var result: GateResult
    public var reason: String
    public var citation: String
    /// For `pending`: the earliest instant it can pass, when that is knowable.
    public var clears: Instant?
    /// What would change the result (for `fail` and `pending`).
    public var wouldClear: String?

    public init(gate: GateID, result: GateResult, reason: String, citation: String, clears: Instant? = nil, wouldClear: String? = nil) {
        self.gate = gate
        self.result = result
        self.reason = reason
        self.citation = citation
        self.clears = clears
        self.wouldClear = wouldClear
    }
}
