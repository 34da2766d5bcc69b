import CorridorDomain

/// `destination-order`: the statutory order of countries. The designated country or a country
/// of nationality that accepts returns (fully or with limits) comes first; a third country only
/// when those are impracticable: the country refuses returns, or the person holds protection
/// against it.
public enum DestinationOrderGate: Gate {
    public static let id = GateID.destinationOrder
    static let citation = "8 U.S.C. 1231(b)(2)(A)–(E)(vii)"

    public static func evaluate(_ c: GateContext) -> GateFinding {
        if c.facts.person.pathway == .asylumTransfer {
            return c.notApplicable(id, "asylum-transfer pathway (8 U.S.C. 1158(a)(2)(A) governs, not 1231(b))", citation: citation)
        }
        let designated = c.facts.order(on: c.day)?.designatedCountry
        let isDesignated = designated == c.country
        if c.isNationalityCountry || isDesignated {
            let clause = isDesignated ? "designated country (1231(b)(2)(A))" : "country of nationality (1231(b)(2)(D))"
            switch c.destination.country?.returns {
            case .accepts?, .limited?:
                let how = c.destination.country?.returns == .limited ? "accepts returns, with limits" : "accepts returns"
                return c.finding(id, .pass, "\(c.countryName) is the \(clause) and \(how)", citation: citation)
            case .refuses?:
                return c.finding(
                    id, .fail, "\(c.countryName) is the \(clause) but refuses returns" + basis(c.destination.country),
                    citation: citation, wouldClear: "\(c.countryName) accepting returns")
            case nil:
                return c.finding(
                    id, .pending, "\(c.countryName) is the \(clause); whether it accepts returns is not recorded",
                    citation: citation, wouldClear: "a returns-cooperation assessment for \(c.countryName)")
            }
        }
        // A third country: every prior country must be impracticable.
        var priors = c.facts.person.nationalities
        if let designated, !priors.contains(designated) { priors.insert(designated, at: 0) }
        var impracticable: [String] = []
        for prior in priors {
            if let protection = c.facts.protection(against: prior, on: c.day) {
                if c.explain { impracticable.append("\(protection.claim.rawValue) against \(c.name(prior)) granted \(protection.on)") }
                continue
            }
            switch c.destination.network.countries[prior]?.returns {
            case .refuses?:
                if c.explain { impracticable.append("\(c.name(prior)) refuses returns") }
            case .accepts?, .limited?:
                return c.finding(
                    id, .fail,
                    "\(c.countryName) is a third country, but \(c.name(prior)) (\(priors.first == prior && designated == prior ? "designated" : "nationality")) \(c.destination.network.countries[prior]?.returns == .limited ? "accepts returns, with limits," : "accepts returns") and the person holds no protection against it",
                    citation: citation, wouldClear: "removal to \(c.name(prior)) first, or a finding that it is impracticable")
            case nil:
                return c.finding(
                    id, .pending, "\(c.countryName) is a third country; whether \(c.name(prior)) accepts returns is not recorded",
                    citation: citation, wouldClear: "a returns-cooperation assessment for \(c.name(prior))")
            }
        }
        return c.finding(id, .pass, "third country permitted under 1231(b)(2)(E)(vii): " + impracticable.joined(separator: "; "), citation: citation)
    }

    static func basis(_ country: CountryRecord?) -> String {
        guard let assessment = country?.returnsAssessment else { return "" }
        return " (\(assessment.basis); as of \(assessment.asOf))"
    }
}
