import CorridorDomain

/// `stca`: on the asylum-transfer pathway, a formal agreement in force with the partner, the
/// person not its national, no positive screening for it, a full and fair procedure there
/// (`hostHandling` includes asylum), and no unaccompanied minor.
public enum STCAGate: Gate {
    public static let id = GateID.stca
    static let citation = "8 U.S.C. 1158(a)(2)(A)"

    public static func evaluate(_ c: GateContext) -> GateFinding {
        guard c.facts.person.pathway == .asylumTransfer else {
            return c.notApplicable(id, "removal pathway", citation: citation)
        }
        if c.isNationalityCountry {
            return c.finding(
                id, .fail, "the person is a national of \(c.countryName); the bar applies only to other countries", citation: citation,
                wouldClear: "nothing: 1158(a)(2)(A) excludes the country of nationality")
        }
        if c.facts.person.unaccompaniedMinor {
            return c.finding(id, .fail, "unaccompanied minor", citation: citation, wouldClear: "nothing: unaccompanied minors are excepted")
        }
        let agreements = c.destination.candidates.filter { $0.arrangement.kind == .asylumCooperative }
        guard let agreement = agreements.first(where: \.isActive) else {
            let known = agreements.map { "\($0.arrangement.id.rawValue) (\($0.status?.status.rawValue ?? "no status") on \(c.day))" }
            return c.finding(
                id, .fail,
                known.isEmpty
                    ? "no asylum cooperative agreement with \(c.countryName)"
                    : "no asylum cooperative agreement in force: " + known.joined(separator: ", "),
                citation: citation, wouldClear: "a formal agreement with \(c.countryName) in force")
        }
        if let screening = c.facts.screening(for: c.country, on: c.day), screening.outcome == .positive {
            return c.finding(
                id, .fail, "positive screening for \(c.countryName) on \(screening.on): life or freedom would be threatened there",
                citation: citation, wouldClear: "nothing short of a new screening")
        }
        guard let handling = agreement.arrangement.terms.hostHandling else {
            return c.finding(
                id, .pending, "\(agreement.arrangement.id.rawValue) does not record whether \(c.countryName) offers an asylum procedure",
                citation: citation, wouldClear: "the host's handling")
        }
        guard handling.contains(.asylum) else {
            return c.finding(
                id, .fail, "\(c.countryName) offers no full and fair asylum procedure under \(agreement.arrangement.id.rawValue)",
                citation: citation, wouldClear: "an asylum procedure in \(c.countryName)")
        }
        return c.finding(
            id, .pass, "\(agreement.arrangement.id.rawValue) in force since \(agreement.status!.on); \(c.countryName) examines asylum claims",
            citation: citation)
    }
}
