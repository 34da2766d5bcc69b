import CorridorDomain

/// `aea`: a person designated under the Alien Enemies Act must have notice early enough to
/// seek habeas relief (policy days).
public enum AEAGate: Gate {
    public static let id = GateID.aea

    public static func evaluate(_ c: GateContext) -> GateFinding {
        func citation() -> String { "Trump v. J.G.G. (2025); A.A.R.P. v. Trump (2025); " + c.reference("aea.noticeDays") }
        guard let designation = c.facts.designation("aea", on: c.day) else {
            return c.notApplicable(id, "no Alien Enemies Act designation", citation: citation())
        }
        let days = c.values.aeaNoticeDays
        // The earliest notice gives the most time to seek habeas.
        guard let notice = c.facts.notices(for: c.country, at: c.instant).first else {
            return c.finding(
                id, .pending, "designated under the Alien Enemies Act on \(designation.on); no notice naming \(c.countryName) served",
                citation: citation(), wouldClear: "notice naming \(c.countryName), then \(Int(days)) days to seek habeas")
        }
        let ready = notice.servedOn.adding(days: days)
        if ready > c.instant {
            return c.finding(
                id, .pending,
                "designated under the Alien Enemies Act on \(designation.on); notice served \(notice.servedOn) needs \(Int(days)) days before removal",
                citation: citation(), clears: ready, wouldClear: "waiting until \(ready)")
        }
        return c.finding(
            id, .pass,
            "designated under the Alien Enemies Act on \(designation.on); notice served \(notice.servedOn), at least \(Int(days)) days before",
            citation: citation())
    }
}
