import CorridorDomain

/// `protection`: no granted withholding, CAT or deferral against the destination; a pending
/// claim against it waits.
public enum ProtectionGate: Gate {
    public static let id = GateID.protection
    static let citation = "8 U.S.C. 1231(b)(3); 8 CFR 208.16–208.17"

    public static func evaluate(_ c: GateContext) -> GateFinding {
        if let granted = c.facts.protection(against: c.country, on: c.day) {
            return c.finding(
                id, .fail, "\(label(granted.claim)) to \(c.countryName) granted \(granted.on)", citation: citation,
                wouldClear: "the protection being terminated (a later claim record)")
        }
        if let pending = c.facts.pendingClaim(against: c.country, on: c.day) {
            return c.finding(
                id, .pending, "\(label(pending.claim)) claim against \(c.countryName) pending since \(pending.on)", citation: citation,
                wouldClear: "a decision on the \(pending.claim.rawValue) claim")
        }
        let decided = c.facts.claimStandings(on: c.day).filter { $0.against == c.country }
        if decided.isEmpty {
            return c.finding(id, .pass, "no protection claim against \(c.countryName)", citation: citation)
        }
        return c.finding(
            id, .pass, decided.map { "\($0.claim.rawValue) against \(c.countryName) \($0.status.rawValue) \($0.on)" }.joined(separator: "; "),
            citation: citation)
    }

    static func label(_ kind: ClaimRecord.Kind) -> String {
        switch kind {
        case .asylum: "asylum"
        case .withholding: "withholding of removal"
        case .cat: "CAT protection"
        case .catDeferral: "CAT deferral of removal"
        }
    }
}
