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
        var protected: ClaimRecord?
        var pending: ClaimRecord?
        for origin in c.facts.person.nationalities {
            if protected == nil { protected = c.facts.protection(against: origin, on: c.day) }
            if pending == nil { pending = c.facts.pendingClaim(against: origin, on: c.day) }
        }
        if protected == nil, pending == nil {
            return c.finding(id, .pass, "the person holds no protection or pending claim against \(c.facts.person.nationalities.map { c.name($0) }.joined(separator: ", ")), the countries they could be returned to",
                             citation: citation)
        }
        if !v.chainRefoulementBlocks {
            let risk = protected.map { "\($0.claim.rawValue) against \(c.name($0.against)) granted \($0.on)" }
                ?? pending.map { "\($0.claim.rawValue) claim against \(c.name($0.against)) pending" } ?? ""
            return c.finding(id, .pass, "\(c.destination.policy.id) does not treat onward return as a bar; risk noted: \(risk)",
                             citation: c.reference("chainRefoulement.blocks"))
        }
        guard let host = c.destination.candidates.first else {
            return c.finding(id, .pending, "no arrangement records what \(c.countryName) does with people it receives", citation: citation,
                             wouldClear: "an arrangement recording the host's handling")
        }
        guard let handling = host.arrangement.terms.hostHandling else {
            return c.finding(id, .pending, "\(host.arrangement.id.rawValue) does not record what \(c.countryName) does with people it receives",
                             citation: citation, wouldClear: "the host's handling (asylum, detention, repatriation …)")
        }
        guard handling.contains(.repatriation) else {
            return c.finding(id, .pass, "\(c.countryName) does not repatriate people it receives (\(handling.map(\.rawValue).joined(separator: ", ")))",
                             citation: citation)
        }
        if v.chainRefoulementLiftedByAssurances.isMet(by: host.arrangement.terms.assurances) {
            return c.finding(id, .pass, "\(host.arrangement.id.rawValue) carries \(v.chainRefoulementLiftedByAssurances.rawValue) non-return assurances, which \(c.destination.policy.id) accepts",
                             citation: citation + "; " + c.reference("chainRefoulement.liftedByAssurances"))
        }
        if let protected {
            return c.finding(id, .fail, "\(c.countryName) repatriates people it receives and the person holds \(protected.claim.rawValue) against \(c.name(protected.against)) (granted \(protected.on))",
                             citation: citation, wouldClear: "binding non-return assurances from \(c.countryName), or a host that does not repatriate")
        }
        if let pending {
            return c.finding(id, .pending, "\(c.countryName) repatriates people it receives and a \(pending.claim.rawValue) claim against \(c.name(pending.against)) is pending since \(pending.on)",
                             citation: citation, wouldClear: "a decision on the pending claim")
        }
        return c.finding(id, .pass, "no protection or pending claim against a country of return", citation: citation)
    }
}
