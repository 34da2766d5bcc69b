import CorridorDomain

/// `chain-refoulement`: for a third country whose handling can include repatriation, the person
/// must hold no protection (else fail) and no pending claim (else pending) against the country
/// they would be returned to; assurances lift this only where the policy accepts them.
public enum ChainRefoulementGate: Gate {
    public static let id = GateID.chainRefoulement
    static let citation = "Refugee Convention art. 33(1); UK Supreme Court, AAA v SSHD [2023] UKSC 42"

    public static func evaluate(_ c: GateContext) -> GateFinding {
        guard c.isThirdCountry else {
            return c.notApplicable(id, "\(c.countryName) is a country of nationality", citation: citation)
        }
        let v = c.values
        // Every country of return the person is protected against, or has a claim pending
        // against: a host could return them to any of them, and each protection stands on its own.
        var protections: [ClaimRecord] = []
        var pendingClaims: [ClaimRecord] = []
        for origin in c.facts.person.nationalities {
            if let protection = c.facts.protection(against: origin, on: c.day) {
                protections.append(protection)
            } else if let pending = c.facts.pendingClaim(against: origin, on: c.day) {
                pendingClaims.append(pending)
            }
        }
        if protections.isEmpty, pendingClaims.isEmpty {
            return c.finding(
                id, .pass,
                "the person holds no protection or pending claim against \(c.facts.person.nationalities.map { c.name($0) }.joined(separator: ", ")), the countries they could be returned to",
                citation: citation)
        }
        /// Each protection and pending claim, with its kind, country and date.
        func risks() -> String {
            (protections.map { "\($0.claim.rawValue) against \(c.name($0.against)) (granted \($0.on))" }
                + pendingClaims.map { "\($0.claim.rawValue) claim against \(c.name($0.against)) (pending since \($0.on))" })
                .joined(separator: "; ")
        }
        if !v.chainRefoulementBlocks {
            return c.finding(
                id, .pass, "\(c.destination.policy.id) does not treat onward return as a bar; risk noted: \(risks())",
                citation: c.reference("chainRefoulement.blocks"))
        }
        guard let host = c.destination.candidates.first else {
            return c.finding(
                id, .pending, "no arrangement records what \(c.countryName) does with people it receives; the person holds \(risks())",
                citation: citation,
                wouldClear: "an arrangement recording the host's handling")
        }
        guard let handling = host.arrangement.terms.hostHandling else {
            return c.finding(
                id, .pending,
                "\(host.arrangement.id.rawValue) does not record what \(c.countryName) does with people it receives; the person holds \(risks())",
                citation: citation, wouldClear: "the host's handling (asylum, detention, repatriation …)")
        }
        guard handling.contains(.repatriation) else {
            return c.finding(
                id, .pass, "\(c.countryName) does not repatriate people it receives (\(handling.map(\.rawValue).joined(separator: ", ")))",
                citation: citation)
        }
        if v.chainRefoulementLiftedByAssurances.isMet(by: host.arrangement.terms.assurances) {
            return c.finding(
                id, .pass,
                "\(host.arrangement.id.rawValue) carries \(v.chainRefoulementLiftedByAssurances.rawValue) non-return assurances, which \(c.destination.policy.id) accepts, for: \(risks())",
                citation: citation + "; " + c.reference("chainRefoulement.liftedByAssurances"))
        }
        if !protections.isEmpty {
            return c.finding(
                id, .fail, "\(c.countryName) repatriates people it receives and could return the person to any of: \(risks())",
                citation: citation, wouldClear: "binding non-return assurances from \(c.countryName), or a host that does not repatriate")
        }
        return c.finding(
            id, .pending, "\(c.countryName) repatriates people it receives and could return the person to any of: \(risks())",
            citation: citation, wouldClear: "a decision on the pending claim" + (pendingClaims.count == 1 ? "" : "s"))
    }
}
