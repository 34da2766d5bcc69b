import CorridorDomain

/// `arrangement`: for a third country, an arrangement active on the date covers the person's
/// nationality and profile, with capacity left in total and this month.
public enum ArrangementGate: Gate {
    public static let id = GateID.arrangement

    /// Why an arrangement does not take this person, or nil when it does.
    public static func exclusion(
        _ candidate: DestinationContext.Candidate, _ c: GateContext
    ) -> (result: GateResult, reason: String, clears: Instant?)? {
        // Reasons are words for a person; a whole-caseload pass (not explaining) skips them.
        func why(_ text: @autoclosure () -> String) -> String { c.explain ? text() : "" }
        // Fields are read through the candidate, never copied out: copying the arrangement (or
        // its terms) per person retained every array in it, a tenth of a whole-caseload pass.
        var name: String { candidate.arrangement.id.rawValue }
        guard let status = candidate.status else {
            return (.fail, why("\(name) has no status in force on \(c.day)"), nil)
        }
        guard status.status == .active else {
            return (.fail, why("\(name) is \(status.status.rawValue) since \(status.on)"), nil)
        }
        guard let nationalities = candidate.arrangement.terms.nationalities else {
            return (.pending, why("\(name) does not record which nationalities it accepts"), nil)
        }
        let accepted = c.facts.person.nationalities.contains {
            nationalities.covers($0) && !candidate.arrangement.terms.excludedNationalities.contains($0)
        }
        if !accepted {
            return (.fail, why("\(name) does not accept nationals of \(c.facts.person.nationalities.map(\.rawValue).joined(separator: ", "))"), nil)
        }
        if candidate.arrangement.terms.excludesMinors == true, c.isMinor { return (.fail, why("\(name) excludes minors"), nil) }
        if candidate.arrangement.terms.excludesFamilies == true, c.facts.person.familyUnit != nil {
            return (.fail, why("\(name) excludes families"), nil)
        }
        if candidate.arrangement.terms.excludesCriminalRecord == true {
            switch c.facts.person.criminalRecord {
            case true?: return (.fail, why("\(name) excludes people with a criminal record"), nil)
            case nil:
                return (.pending, why("\(name) excludes people with a criminal record; the case does not record whether the person has one"), nil)
            case false?: break
            }
        }
        if candidate.arrangement.terms.requiresCriminalRecord == true {
            switch c.facts.person.criminalRecord {
            case false?: return (.fail, why("\(name) takes only people with a criminal record"), nil)
            case nil:
                return (.pending, why("\(name) takes only people with a criminal record; the case does not record whether the person has one"), nil)
            case true?: break
            }
        }
        if let cap = candidate.arrangement.terms.capacityTotal, candidate.totalUsed >= cap {
            return (.fail, why("\(name) is full: \(candidate.totalUsed) of \(cap) places used"), nil)
        }
        if let perMonth = candidate.arrangement.terms.capacityPerMonth, candidate.monthUsed >= perMonth {
            let (year, month, _) = c.day.components
            let next = month == 12 ? Day(year: year + 1, month: 1, day: 1)! : Day(year: year, month: month + 1, day: 1)!
            return (.pending, why("\(name) has used its \(perMonth) places for this month"), next.startInstant)
        }
        return nil
    }

    static func citation(_ a: ArrangementRecord) -> String {
        guard let source = a.sources.first else { return "\(a.id.rawValue) (no sources recorded)" }
        return "\(a.id.rawValue): \(source.title)" + (source.date.map { " (\($0))" } ?? "")
    }

    public static func evaluate(_ c: GateContext) -> GateFinding {
        guard c.isThirdCountry else {
            return c.notApplicable(id, "\(c.countryName) is a country of nationality", citation: "8 U.S.C. 1231(b)(2)(D)")
        }
        let candidates = c.destination.candidates
        guard !candidates.isEmpty else {
            return c.finding(
                id, .fail, "no arrangement with \(c.countryName) is recorded for \(c.destination.policy.removingState)",
                citation: "arrangements recorded in the network", wouldClear: "an arrangement with \(c.countryName)")
        }
        var reasons: [String] = []
        var best: (GateResult, Instant?, String)?
        for candidate in candidates {
            guard let problem = exclusion(candidate, c) else {
                guard c.explain else { return GateFinding(gate: id, result: .pass, clears: nil) }
                let a = candidate.arrangement
                let left = a.terms.capacityTotal.map { "; \($0 - candidate.totalUsed) of \($0) places left" } ?? ""
                return c.finding(
                    id, .pass, "\(a.id.rawValue) is active (since \(candidate.status!.on)) and takes this person\(left)",
                    citation: citation(a))
            }
            if c.explain { reasons.append(problem.reason) }
            if problem.result == .pending, best == nil || best!.0 == .fail {
                best = (.pending, problem.clears, c.explain ? citation(candidate.arrangement) : "")
            } else if best == nil {
                best = (.fail, nil, c.explain ? citation(candidate.arrangement) : "")
            }
        }
        let (result, clears, cite) = best!
        return c.finding(
            id, result, reasons.joined(separator: "; "), citation: cite, clears: clears,
            wouldClear: result == .pending
                ? "the missing facts or terms (named above), or next month's capacity"
                : "an active arrangement with \(c.countryName) that takes this person")
    }
}
