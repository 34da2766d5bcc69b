import CorridorDomain

/// `court-order`: no court order in force on the date covers this person and destination.
/// Every key given in an order's scope must match. An order with `noticeDays` requires a notice
/// naming the destination served that many days before.
public enum CourtOrderGate: Gate {
    public static let id = GateID.courtOrder

    /// Whether `order`'s scope covers this person for this destination on the day. With no
    /// destination, whether it covers the person at all (destination keys are then ignored).
    public static func covers(_ order: CourtOrderRecord, facts: CaseFacts, destination: CountryCode?, day: Day) -> Bool {
        let scope = order.scope
        if let cases = scope.caseSet, !cases.contains(facts.id) { return false }
        if let nationalities = scope.nationalities, !facts.person.nationalities.contains(where: nationalities.contains) { return false }
        if let designations = scope.designations,
            !facts.designations.contains(where: { $0.on <= day && designations.contains($0.kind) })
        {
            return false
        }
        if let destination {
            if let destinations = scope.destinations, !destinations.contains(destination) { return false }
            if scope.thirdCountryOnly == true, facts.isNational(of: destination) { return false }
        }
        if let pathways = scope.pathways, !pathways.contains(facts.person.pathway) { return false }
        return true
    }

    public static func evaluate(_ c: GateContext) -> GateFinding {
        var pending: GateFinding?
        for order in c.destination.ordersInForce where covers(order, facts: c.facts, destination: c.country, day: c.day) {
            let until = order.expiresOn.map { " until \($0)" } ?? ""
            switch order.effect {
            case .block:
                return c.finding(
                    id, .fail,
                    "blocked by \(order.court) order \(order.id) issued \(order.issuedOn)\(until), which covers this person and \(c.countryName)",
                    citation: order.citation, clears: order.expiresOn?.startInstant,
                    wouldClear: "the order being lifted or expiring\(until)")
            case .noticeDays(let days):
                let required = Double(days)
                guard let notice = c.facts.notices(for: c.country, at: c.instant).first else {
                    pending =
                        pending
                        ?? c.finding(
                            id, .pending, "\(order.court) order \(order.id) requires \(days) days' notice naming \(c.countryName); none served",
                            citation: order.citation, wouldClear: "written notice naming \(c.countryName), then \(days) days")
                    continue
                }
                let ready = notice.servedOn.adding(days: required)
                if ready > c.instant {
                    pending =
                        pending
                        ?? c.finding(
                            id, .pending,
                            "\(order.court) order \(order.id) requires \(days) days' notice; notice naming \(c.countryName) served \(notice.servedOn)",
                            citation: order.citation, clears: ready, wouldClear: "waiting until \(ready)")
                }
            }
        }
        if let pending { return pending }
        let count = c.destination.ordersInForce.count
        return c.finding(
            id, .pass,
            count == 0
                ? "no court order in force on \(c.day) concerns \(c.countryName)"
                : "none of the \(count) court order(s) in force on \(c.day) covers this person for \(c.countryName)",
            citation: "court orders recorded in the network")
    }
}
