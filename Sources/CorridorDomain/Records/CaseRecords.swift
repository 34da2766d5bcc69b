/// `case`: a person with a removal order or an asylum claim. Case ids of the synthetic caseload
/// begin `SYN-`.
public struct CaseRecord: Sendable, Equatable {
    public typealias ID = Identifier<CaseTag>

    public enum Pathway: String, Sendable, CaseIterable {
        case removal
        case asylumTransfer = "asylum-transfer"
    }

    public var id: ID
    public var nationalities: [CountryCode]
    public var birthYear: Int?
    public var pathway: Pathway
    public var unaccompaniedMinor: Bool
    /// Members of one family unit share this id and travel together.
    public var familyUnit: String?
    public var criminalRecord: Bool?
    /// Counsel of record, when the person is represented.
    public var counsel: String?
    /// The case was closed on this date (no longer subject to transfer).
    public var closedOn: Day?

    public init(
        id: ID, nationalities: [CountryCode], birthYear: Int? = nil, pathway: Pathway = .removal,
        unaccompaniedMinor: Bool = false, familyUnit: String? = nil, criminalRecord: Bool? = nil, counsel: String? = nil,
        closedOn: Day? = nil
    ) {
        self.id = id
        self.nationalities = nationalities
        self.birthYear = birthYear
        self.pathway = pathway
        self.unaccompaniedMinor = unaccompaniedMinor
        self.familyUnit = familyUnit
        self.criminalRecord = criminalRecord
        self.counsel = counsel
        self.closedOn = closedOn
    }

    init(reading r: inout FieldReader) throws(RecordError) {
        id = try r.identifier("case")
        nationalities = try r.countryList("nationalities", required: true, allowEmpty: false) ?? []
        birthYear = try r.optionalInteger("birthYear", in: 1900...2100)
        pathway = try r.optionalEnumeration("pathway") ?? .removal
        unaccompaniedMinor = try r.optionalBool("unaccompaniedMinor") ?? false
        familyUnit = try r.optionalString("familyUnit", maxLength: 128)
        criminalRecord = try r.optionalBool("criminalRecord")
        counsel = try r.optionalString("counsel", maxLength: 300)
        closedOn = try r.optionalDay("closedOn")
    }
}

/// `order`: a removal order, final or pending.
public struct OrderRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case final, pending }
    public var caseID: CaseRecord.ID
    public var kind: Kind
    public var on: Day
    public var designatedCountry: CountryCode?

    public init(caseID: CaseRecord.ID, kind: Kind, on: Day, designatedCountry: CountryCode? = nil) {
        self.caseID = caseID
        self.kind = kind
        self.on = on
        self.designatedCountry = designatedCountry
    }

    init(reading r: inout FieldReader) throws(RecordError) {
        caseID = try r.identifier("case")
        kind = try r.enumeration("kind")
        on = try r.day("on")
        designatedCountry = try r.optionalCountry("designatedCountry")
    }
}

/// `claim`: a protection claim against one country (protection is country-specific).
public struct ClaimRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case asylum, withholding, cat
        case catDeferral = "cat-deferral"
    }

    public enum Status: String, Sendable, CaseIterable { case pending, granted, denied, withdrawn }

    public var caseID: CaseRecord.ID
    public var claim: Kind
    public var against: CountryCode
    public var status: Status
    public var on: Day

    public init(caseID: CaseRecord.ID, claim: Kind, against: CountryCode, status: Status, on: Day) {
        self.caseID = caseID
        self.claim = claim
        self.against = against
        self.status = status
        self.on = on
    }

    init(reading r: inout FieldReader) throws(RecordError) {
        caseID = try r.identifier("case")
        claim = try r.enumeration("claim")
        against = try r.country("against")
        status = try r.enumeration("status")
        on = try r.day("on")
    }
}

/// `designation`: e.g. an Alien Enemies Act designation (`kind: "aea"`).
public struct DesignationRecord: Sendable, Equatable {
    public var caseID: CaseRecord.ID
    public var kind: String
    public var on: Day
    public var basis: String?

    public init(caseID: CaseRecord.ID, kind: String, on: Day, basis: String? = nil) {
        self.caseID = caseID
        self.kind = kind
        self.on = on
        self.basis = basis
    }

    init(reading r: inout FieldReader) throws(RecordError) {
        caseID = try r.identifier("case")
        kind = try r.string("kind", maxLength: 64)
        on = try r.day("on")
        basis = try r.optionalString("basis")
    }
}

/// `notice`: written notice naming a destination, served at an instant.
public struct NoticeRecord: Sendable, Equatable {
    public var caseID: CaseRecord.ID
    public var destination: CountryCode
    public var servedOn: Instant
    public var language: String?
    public var counselNotified: Bool?
    /// The officer recorded exigent circumstances (some profiles then allow a shorter period).
    public var exigent: Bool?

    public init(
        caseID: CaseRecord.ID, destination: CountryCode, servedOn: Instant, language: String? = nil, counselNotified: Bool? = nil,
        exigent: Bool? = nil
    ) {
        self.caseID = caseID
        self.destination = destination
        self.servedOn = servedOn
        self.language = language
        self.counselNotified = counselNotified
        self.exigent = exigent
    }

    init(reading r: inout FieldReader) throws(RecordError) {
        caseID = try r.identifier("case")
        destination = try r.country("destination")
        servedOn = try r.instant("servedOn")
        language = try r.optionalString("language", maxLength: 64)
        counselNotified = try r.optionalBool("counselNotified")
        exigent = try r.optionalBool("exigent")
    }
}

/// `fear`: the person claims fear of the destination.
public struct FearRecord: Sendable, Equatable {
    public var caseID: CaseRecord.ID
    public var destination: CountryCode
    public var on: Day

    public init(caseID: CaseRecord.ID, destination: CountryCode, on: Day) {
        self.caseID = caseID
        self.destination = destination
        self.on = on
    }

    init(reading r: inout FieldReader) throws(RecordError) {
        caseID = try r.identifier("case")
        destination = try r.country("destination")
        on = try r.day("on")
    }
}

/// `screening`: the outcome of a fear screening for a destination.
public struct ScreeningRecord: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable { case positive, negative }
    public var caseID: CaseRecord.ID
    public var destination: CountryCode
    public var outcome: Outcome
    public var on: Day
    public var standard: String?

    public init(caseID: CaseRecord.ID, destination: CountryCode, outcome: Outcome, on: Day, standard: String? = nil) {
        self.caseID = caseID
        self.destination = destination
        self.outcome = outcome
        self.on = on
        self.standard = standard
    }

    init(reading r: inout FieldReader) throws(RecordError) {
        caseID = try r.identifier("case")
        destination = try r.country("destination")
        outcome = try r.enumeration("outcome")
        on = try r.day("on")
        standard = try r.optionalString("standard", maxLength: 200)
    }
}

/// `disposition`: what happened to a person after arrival in the host country.
public struct DispositionRecord: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable {
        case asylumGranted = "asylum-granted"
        case asylumPending = "asylum-pending"
        case detained, repatriated, released, resettled, unknown
    }

    public var caseID: CaseRecord.ID
    public var outcome: Outcome
    public var on: Day
    public var to: CountryCode?
    public var facility: String?
    public var source: String?

    /// A disposition as given (the record reader checks that `to` comes with `repatriated` only).
    public init(caseID: CaseRecord.ID, outcome: Outcome, on: Day, to: CountryCode? = nil, facility: String? = nil, source: String? = nil) {
        self.caseID = caseID
        self.outcome = outcome
        self.on = on
        self.to = to
        self.facility = facility
        self.source = source
    }

    init(reading r: inout FieldReader) throws(RecordError) {
        caseID = try r.identifier("case")
        outcome = try r.enumeration("outcome")
        on = try r.day("on")
        to = try r.optionalCountry("to")
        facility = try r.optionalString("facility")
        source = try r.optionalString("source")
        if to != nil, outcome != .repatriated {
            throw .invalid("to", "'to' is given only with outcome 'repatriated'")
        }
        if to == nil, outcome == .repatriated {
            throw .missing("to")
        }
    }
}
