/// `court-order`: an order that blocks transfers, or requires notice, for the people and
/// destinations its scope covers. Every key given in the scope must match.
public struct CourtOrderRecord: Sendable, Equatable {
    public typealias ID = Identifier<CourtOrderTag>

    public struct Scope: Sendable, Equatable {
        /// The most case ids one order may name (class-wide orders use the other keys).
        public static let maximumCases = 10_000

        /// The named people, in the order the record gives them.
        public var cases: [CaseRecord.ID]? { didSet { caseSet = cases.map(Set.init) } }
        /// The same ids as a set: whether an order covers a person is asked for every case of
        /// the caseload, so it must not cost the length of the list.
        public private(set) var caseSet: Set<CaseRecord.ID>?
        public var nationalities: [CountryCode]?
        public var designations: [String]?
        public var destinations: [CountryCode]?
        public var thirdCountryOnly: Bool?
        public var pathways: [CaseRecord.Pathway]?

        public init(
            cases: [CaseRecord.ID]? = nil, nationalities: [CountryCode]? = nil, designations: [String]? = nil,
            destinations: [CountryCode]? = nil, thirdCountryOnly: Bool? = nil, pathways: [CaseRecord.Pathway]? = nil
        ) {
            self.cases = cases
            self.caseSet = cases.map(Set.init)
            self.nationalities = nationalities
            self.designations = designations
            self.destinations = destinations
            self.thirdCountryOnly = thirdCountryOnly
            self.pathways = pathways
        }
    }

    public enum Effect: Sendable, Equatable {
        case block
        case noticeDays(Int)
    }

    public var id: ID
    public var court: String
    public var citation: String
    public var issuedOn: Day
    public var expiresOn: Day?
    public var scope: Scope
    public var effect: Effect

    init(reading r: inout FieldReader) throws(RecordError) {
        id = try r.identifier("id")
        court = try r.string("court", maxLength: 300)
        citation = try r.string("citation", maxLength: 500)
        issuedOn = try r.day("issuedOn")
        expiresOn = try r.optionalDay("expiresOn")
        if let expiresOn, expiresOn < issuedOn { throw .invalid("expiresOn", "\(expiresOn) is before issuedOn \(issuedOn)") }
        guard var s = try r.optionalObject("scope") else { throw .missing("scope") }
        scope = Scope()
        scope.cases = try s.optionalIdentifierList("cases", CaseTag.self, maxCount: Scope.maximumCases)
        scope.nationalities = try s.countryList("nationalities")
        scope.designations = try s.optionalStringList("designations")
        scope.destinations = try s.countryList("destinations")
        scope.thirdCountryOnly = try s.optionalBool("thirdCountryOnly")
        scope.pathways = try s.enumerationList("pathways")
        try s.finish()
        switch r.object["effect"] {
        case .string("block"): _ = try r.optionalString("effect"); effect = .block
        case .object:
            guard var e = try r.optionalObject("effect") else { throw .missing("effect") }
            guard let days = try e.optionalInteger("noticeDays", in: 0...3650) else { throw .missing("effect.noticeDays") }
            try e.finish()
            effect = .noticeDays(days)
        case nil, .null?: throw .missing("effect")
        case let other?:
            throw .invalid("effect", "expected \"block\" or {\"noticeDays\": n}, got \(other.typeDescription)")
        }
    }
}

/// `court-order-lift`: an order stops having effect from a date.
public struct CourtOrderLiftRecord: Sendable, Equatable {
    public var id: CourtOrderRecord.ID
    public var on: Day
    public var reason: String?

    init(reading r: inout FieldReader) throws(RecordError) {
        id = try r.identifier("id")
        on = try r.day("on")
        reason = try r.optionalString("reason")
    }
}
