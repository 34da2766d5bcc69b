/// `arrangement`: a deal under which a partner country takes people the removing state sends.
public struct ArrangementRecord: Sendable, Equatable {
    public typealias ID = Identifier<ArrangementTag>

    public enum Kind: String, Sendable, CaseIterable {
        case asylumCooperative = "asylum-cooperative"
        case transit, detention, resettlement
        case adHoc = "ad-hoc"
    }

    /// What the host does with people it receives.
    public enum HostHandling: String, Sendable, CaseIterable {
        case asylum, detention, repatriation, release, resettlement
    }

    /// Which nationalities the partner takes.
    public enum Nationalities: Sendable, Equatable {
        case any
        case only([CountryCode])

        public func covers(_ code: CountryCode) -> Bool {
            switch self {
            case .any: true
            case .only(let codes): codes.contains(code)
            }
        }
    }

    public struct Assurances: Sendable, Equatable {
        public var nonReturn: Bool?
        public var humaneTreatment: Bool?
        public var binding: Bool?
        public var credibleFinding: Bool?
    }

    public struct Payment: Sendable, Equatable {
        public var lumpSumUSD: Double?
        public var perPersonUSD: Double?
    }

    /// What a partner gets besides money (visa-sanction relief, trade terms, security
    /// cooperation, aid, diplomatic standing), each as its source reports it.
    public struct Benefit: Sendable, Equatable {
        public enum Kind: String, Sendable, CaseIterable {
            case visaRelief = "visa-relief"
            case trade, security, aid, diplomatic, other
        }

        public var kind: Kind
        public var description: String
        public var source: String

        public init(kind: Kind, description: String, source: String) {
            self.kind = kind
            self.description = description
            self.source = source
        }
    }

    public struct Terms: Sendable, Equatable {
        public var capacityTotal: Int?
        public var capacityPerMonth: Int?
        public var nationalities: Nationalities?
        public var excludedNationalities: [CountryCode]
        public var excludesMinors: Bool?
        public var excludesFamilies: Bool?
        public var excludesCriminalRecord: Bool?
        public var requiresCriminalRecord: Bool?
        public var hostHandling: [HostHandling]?
        public var assurances: Assurances?
        public var payment: Payment?
        /// What the partner gets besides money.
        public var benefits: [Benefit]
        public var notes: String?

        public init(
            capacityTotal: Int? = nil, capacityPerMonth: Int? = nil, nationalities: Nationalities? = nil,
            excludedNationalities: [CountryCode] = [], excludesMinors: Bool? = nil, excludesFamilies: Bool? = nil,
            excludesCriminalRecord: Bool? = nil, requiresCriminalRecord: Bool? = nil,
            hostHandling: [HostHandling]? = nil, assurances: Assurances? = nil, payment: Payment? = nil, benefits: [Benefit] = [],
            notes: String? = nil
        ) {
            self.capacityTotal = capacityTotal
            self.capacityPerMonth = capacityPerMonth
            self.nationalities = nationalities
            self.excludedNationalities = excludedNationalities
            self.excludesMinors = excludesMinors
            self.excludesFamilies = excludesFamilies
            self.excludesCriminalRecord = excludesCriminalRecord
            self.requiresCriminalRecord = requiresCriminalRecord
            self.hostHandling = hostHandling
            self.assurances = assurances
            self.payment = payment
            self.benefits = benefits
            self.notes = notes
        }
    }

    /// A dated figure reported by one source ("people-transferred": 945 as of 2021-01-15). Sources
    /// that disagree each get an entry, marked `conflict`.
    public struct ReportedFigure: Sendable, Equatable {
        public var metric: String
        public var value: Double
        public var asOf: Day
        public var source: String
        public var note: String?
        public var conflict: Bool
    }

    /// A document about the arrangement. Court filings and printed reports have no address, so
    /// `url` is optional; the title (and, where known, the date) identify it.
    public struct Source: Sendable, Equatable {
        public var title: String
        public var url: String?
        public var date: Day?
    }

    public var id: ID
    public var partner: CountryCode
    public var kind: Kind
    public var name: String?
    /// The state that sends people under the arrangement (USA when not given).
    public var removingState: CountryCode
    public var terms: Terms
    public var reported: [ReportedFigure]
    public var sources: [Source]

    public init(
        id: ID, partner: CountryCode, kind: Kind, name: String? = nil, removingState: CountryCode = "USA",
        terms: Terms = Terms(), reported: [ReportedFigure] = [], sources: [Source] = []
    ) {
        self.id = id
        self.partner = partner
        self.kind = kind
        self.name = name
        self.removingState = removingState
        self.terms = terms
        self.reported = reported
        self.sources = sources
    }
}

extension ArrangementRecord {
    init(reading r: inout FieldReader) throws(RecordError) {
        id = try r.identifier("id")
        partner = try r.country("partner")
        kind = try r.enumeration("kind")
        name = try r.optionalString("name", maxLength: 300)
        removingState = try r.optionalCountry("removingState") ?? "USA"
        if removingState == partner { throw .invalid("partner", "the partner cannot be the removing state itself") }
        terms = Terms()
        if var t = try r.optionalObject("terms") {
            terms = try Terms(reading: &t)
        }
        reported = []
        if let items = try r.optionalArray("reported") {
            for (index, item) in items.enumerated() {
                var f = try FieldReader.nested(item, path: "reported[\(index)]")
                guard let value = try f.optionalNumber("value", in: 0...1e15) else { throw .missing("reported[\(index)].value") }
                reported.append(
                    ReportedFigure(
                        metric: try f.string("metric", maxLength: 100), value: value, asOf: try f.day("asOf"),
                        source: try f.string("source"), note: try f.optionalString("note"), conflict: try f.optionalBool("conflict") ?? false))
                try f.finish()
            }
        }
        sources = []
        if let items = try r.optionalArray("sources") {
            for (index, item) in items.enumerated() {
                var s = try FieldReader.nested(item, path: "sources[\(index)]")
                let url = try s.optionalString("url", maxLength: 2000)
                if let url, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                    throw .invalid("sources[\(index)].url", "must be an http(s) URL (leave it out for a printed or court source)")
                }
                sources.append(Source(title: try s.string("title", maxLength: 500), url: url, date: try s.optionalDay("date")))
                try s.finish()
            }
        }
    }
}

extension ArrangementRecord.Terms {
    init(reading t: inout FieldReader) throws(RecordError) {
        capacityTotal = try t.optionalInteger("capacityTotal", in: 0...100_000_000)
        capacityPerMonth = try t.optionalInteger("capacityPerMonth", in: 0...10_000_000)
        switch t.object["nationalities"] {
        case .string("any"): _ = try t.optionalString("nationalities"); nationalities = .any
        case .string(let other):
            _ = try t.optionalString("nationalities")
            throw .invalid(t.childPath("nationalities"), "'\(other.prefix(40))' is neither \"any\" nor an array of ISO 3166-1 alpha-3 codes")
        default:
            nationalities = try t.countryList("nationalities", allowEmpty: false).map { .only($0) }
        }
        excludedNationalities = try t.countryList("excludedNationalities") ?? []
        excludesMinors = try t.optionalBool("excludesMinors")
        excludesFamilies = try t.optionalBool("excludesFamilies")
        excludesCriminalRecord = try t.optionalBool("excludesCriminalRecord")
        requiresCriminalRecord = try t.optionalBool("requiresCriminalRecord")
        if excludesCriminalRecord == true, requiresCriminalRecord == true {
            throw .invalid(t.childPath("requiresCriminalRecord"), "cannot both require and exclude a criminal record")
        }
        hostHandling = try t.enumerationList("hostHandling")
        if var a = try t.optionalObject("assurances") {
            assurances = ArrangementRecord.Assurances(
                nonReturn: try a.optionalBool("nonReturn"), humaneTreatment: try a.optionalBool("humaneTreatment"),
                binding: try a.optionalBool("binding"), credibleFinding: try a.optionalBool("credibleFinding"))
            try a.finish()
        }
        if var p = try t.optionalObject("payment") {
            payment = ArrangementRecord.Payment(
                lumpSumUSD: try p.optionalNumber("lumpSumUSD", in: 0...1e12), perPersonUSD: try p.optionalNumber("perPersonUSD", in: 0...1e9))
            try p.finish()
        }
        benefits = []
        if let items = try t.optionalArray("benefits") {
            for (index, item) in items.enumerated() {
                var b = try FieldReader.nested(item, path: t.childPath("benefits[\(index)]"))
                benefits.append(
                    ArrangementRecord.Benefit(
                        kind: try b.enumeration("kind"), description: try b.string("description", maxLength: 2000), source: try b.string("source")))
                try b.finish()
            }
        }
        notes = try t.optionalString("notes", maxLength: 8000)
        try t.finish()
    }
}

/// `arrangement-status`: a dated change in an arrangement's standing.
public struct ArrangementStatusRecord: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case proposed, negotiating, signed, active, suspended, terminated
    }

    public var arrangement: ArrangementRecord.ID
    public var status: Status
    public var on: Day
    public var reason: String?
    public var source: String?
}

extension ArrangementStatusRecord {
    init(reading r: inout FieldReader) throws(RecordError) {
        arrangement = try r.identifier("arrangement")
        status = try r.enumeration("status")
        on = try r.day("on")
        reason = try r.optionalString("reason")
        source = try r.optionalString("source")
    }
}
