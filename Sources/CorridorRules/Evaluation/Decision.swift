import CorridorDomain

/// The answer for one person, one destination, one instant: `allowed` only when every gate
/// passes, `blocked` when any fails, `pending` when none fails and some wait.
public enum Verdict: String, Sendable, Codable, CaseIterable {
    case allowed, blocked, pending

    public init(results: some Sequence<GateResult>) {
        var sawPending = false
        for result in results {
            if result == .fail { self = .blocked; return }
            if result == .pending { sawPending = true }
        }
        self = sawPending ? .pending : .allowed
    }
}

/// A full, explained decision: the verdict, the profile and version it was made under, and every
/// gate's finding.
public struct Decision: Sendable {
    public var caseID: CaseRecord.ID
    public var destination: CountryCode
    public var on: Instant
    public var policy: PolicyProfile.ID
    public var policyVersion: String
    public var verdict: Verdict
    public var gates: [GateFinding]

    /// For a pending verdict: when every waiting gate that names a date can have passed (nil
    /// when some waiting gate cannot say).
    public var clears: Instant? {
        guard verdict == .pending else { return nil }
        let waiting = gates.filter { $0.result == .pending }
        guard waiting.allSatisfy({ $0.clears != nil }) else { return nil }
        return waiting.compactMap(\.clears).max()
    }

    public func finding(_ gate: GateID) -> GateFinding? { gates.first { $0.gate == gate } }
}

/// Gate results packed in two bitmasks: what whole-caseload passes keep per case.
public struct GateOutcome: Sendable, Equatable {
    public var failed: UInt16 = 0
    public var pending: UInt16 = 0

    /// Every gate passing (the start of a pass, or a person not judged).
    public init() {}

    public var verdict: Verdict { failed != 0 ? .blocked : (pending != 0 ? .pending : .allowed) }

    public func result(_ gate: GateID) -> GateResult {
        let bit = UInt16(1) << GateOutcome.index(gate)
        return failed & bit != 0 ? .fail : (pending & bit != 0 ? .pending : .pass)
    }

    /// The first failing gate, else the first waiting one (the gate that decides the verdict).
    public var decidingGate: GateID? {
        let mask = failed != 0 ? failed : pending
        guard mask != 0 else { return nil }
        return GateID.allCases[mask.trailingZeroBitCount]
    }

    public static func index(_ gate: GateID) -> Int { GateID.allCases.firstIndex(of: gate)! }

    /// Records the result of the gate at `index` (in gate order), replacing what was there.
    mutating func set(_ index: Int, _ result: GateResult) {
        let bit = UInt16(1) << index
        failed &= ~bit
        pending &= ~bit
        switch result {
        case .pass: break
        case .fail: failed |= bit
        case .pending: pending |= bit
        }
    }
}
