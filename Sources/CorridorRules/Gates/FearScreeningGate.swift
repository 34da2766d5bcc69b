import CorridorDomain

/// `fear-screening`: no fear claimed for the destination, or a screening came back negative
/// and the policy's waiting period after it has run; a positive screening fails.
public enum FearScreeningGate: Gate {
    public static let id = GateID.fearScreening

    public static func evaluate(_ c: GateContext) -> GateFinding {
        let screening = c.facts.screening(for: c.country, on: c.day)
        let fear = c.facts.fear(of: c.country, on: c.day)
        func citation() -> String { "8 CFR 208.31; " + c.reference("fear.waitAfterNegativeDays") }
        if let screening, screening.outcome == .positive {
            return c.finding(
                id, .fail, "positive fear screening for \(c.countryName) on \(screening.on)" + (fear.map { " (fear claimed \($0.on))" } ?? ""),
                citation: citation(), wouldClear: "nothing short of reopened proceedings deciding otherwise")
        }
        if let screening {
            let wait = c.values.fearWaitAfterNegativeDays
            // Screenings are dated, not timed: the person has every one of the `wait` days after
            // the screening day, so the period runs out at the end of day `on + wait`.
            let ready = wait > 0 ? screening.on.adding(days: Int(wait.rounded(.up)) + 1).startInstant : screening.on.startInstant
            if ready > c.instant {
                return c.finding(
                    id, .pending,
                    "negative fear screening for \(c.countryName) on \(screening.on); \(Int(wait)) days to seek reopening run through \(ready.day.adding(days: -1))",
                    citation: citation(), clears: ready, wouldClear: "waiting until \(ready)")
            }
            return c.finding(
                id, .pass,
                "negative fear screening for \(c.countryName) on \(screening.on)" + (wait > 0 ? "; the \(Int(wait))-day period has run" : ""),
                citation: citation())
        }
        if let fear {
            return c.finding(
                id, .pending, "fear of \(c.countryName) claimed \(fear.on); no screening yet", citation: citation(),
                wouldClear: "a fear screening for \(c.countryName)")
        }
        return c.finding(id, .pass, "no fear of \(c.countryName) claimed", citation: citation())
    }
}
