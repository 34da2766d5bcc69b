import CorridorDomain

/// `final-order`: on the removal pathway, a final order of removal must exist.
public enum FinalOrderGate: Gate {
    public static let id = GateID.finalOrder
    static let citation = "8 U.S.C. 1231(a)"

    public static func evaluate(_ c: GateContext) -> GateFinding {
        if let closed = c.facts.person.closedOn, closed <= c.day {
            return c.finding(
                id, .fail, "the case was closed on \(closed): no longer subject to transfer", citation: "case record (closedOn)",
                wouldClear: "a correction of the case record reopening it")
        }
        if c.facts.person.pathway == .asylumTransfer {
            return c.notApplicable(id, "asylum-transfer pathway (8 U.S.C. 1158(a)(2)(A) governs, not 1231)", citation: citation)
        }
        guard let order = c.facts.order(on: c.day) else {
            if let later = c.facts.orders.first {
                return c.finding(
                    id, .pending, "no removal order on \(c.day); the first is dated \(later.on)", citation: citation,
                    wouldClear: "a final order of removal dated on or before the transfer")
            }
            return c.finding(id, .pending, "no removal order recorded", citation: citation, wouldClear: "a final order of removal")
        }
        switch order.kind {
        case .final:
            return c.finding(id, .pass, "final order of removal entered \(order.on)", citation: citation)
        case .pending:
            return c.finding(
                id, .pending, "removal order of \(order.on) is not final", citation: citation,
                wouldClear: "the order becoming final (a final order record)")
        }
    }
}
