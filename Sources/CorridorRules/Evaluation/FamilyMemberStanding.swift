import CorridorDomain

/// Another member of the person's family unit as the `vulnerability` gate sees them: their own
/// results at the same destination, instant and profile (judged without their family, so units
/// do not recurse), and nothing else of their record — a decision about one person names the
/// other's case id and the gates holding them, never the facts behind those gates.
public struct FamilyMemberStanding: Sendable, Equatable {
    public var caseID: CaseRecord.ID
    /// The member's own gate results.
    public var outcome: GateOutcome
    /// For a waiting member: when every waiting gate that names a date can have passed (nil
    /// when some cannot say, or when not worked out, as in whole-caseload passes).
    public var clears: Instant?

    public init(caseID: CaseRecord.ID, outcome: GateOutcome, clears: Instant? = nil) {
        self.caseID = caseID
        self.outcome = outcome
        self.clears = clears
    }

    /// The gates that fail for the member, else the ones that wait (in gate order).
    public var holdingGates: [GateID] {
        let result: GateResult = outcome.failed != 0 ? .fail : .pending
        return GateID.allCases.filter { outcome.result($0) == result }
    }
}
