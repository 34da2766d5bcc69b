import CorridorDomain

/// `human-rights-risk`: for a third country, its risk is below the policy threshold, or an
/// individual (negative) screening for that destination exists. Where the profile requires an
/// individual assessment for every third country, one not yet made is waited for, not a bar.
public enum HumanRightsRiskGate: Gate {
    public static let id = GateID.humanRightsRisk

    public static func evaluate(_ c: GateContext) -> GateFinding {
        func citation() -> String { c.reference("risk.threshold") + "; UNHCR 2013 guidance" }
        guard c.isThirdCountry else {
            return c.notApplicable(id, "\(c.countryName) is a country of nationality", citation: citation())
        }
        guard let threshold = c.values.riskThreshold else {
            return c.finding(id, .pass, "\(c.destination.policy.id) sets no country-risk threshold", citation: citation())
        }
        let screening = c.facts.screening(for: c.country, on: c.day)
        if let screening, screening.outcome == .negative {
            return c.finding(id, .pass, "individual screening for \(c.countryName) on \(screening.on) (negative)", citation: citation())
        }
        if let screening, screening.outcome == .positive {
            return c.finding(
                id, .fail, "the individual screening for \(c.countryName) on \(screening.on) was positive", citation: citation(),
                wouldClear: "nothing short of a new screening")
        }
        if threshold <= 0 {
            // The assessment can still be made before the transfer: a missing fact, so a wait.
            return c.finding(
                id, .pending, "\(c.destination.policy.id) requires an individual assessment for every third country; none for \(c.countryName) yet",
                citation: citation(), wouldClear: "an individual assessment (screening) for \(c.countryName)")
        }
        guard let risk = c.destination.country?.risk else {
            return c.finding(
                id, .pending, "no risk assessment recorded for \(c.countryName)", citation: citation(),
                wouldClear: "a risk assessment for \(c.countryName), or an individual screening")
        }
        if risk.score < threshold {
            return c.finding(
                id, .pass, "\(c.countryName) risk \(risk.score) (\(risk.basis); \(risk.assessedOn)) is below \(threshold)", citation: citation())
        }
        return c.finding(
            id, .fail, "\(c.countryName) risk \(risk.score) (\(risk.basis); \(risk.assessedOn)) is at or above \(threshold)",
            citation: citation(), wouldClear: "an individual screening for \(c.countryName)")
    }
}
