/// `country`: a state in the network (partner, removing state or nationality), with whether it
/// takes its own nationals back and a dated human-rights risk assessment.
public struct CountryRecord: Sendable, Equatable {
    public enum Returns: String, Sendable, CaseIterable { case accepts, limited, refuses }

    /// Where a returns-cooperation finding comes from.
    public struct ReturnsAssessment: Sendable, Equatable {
        public var basis: String
        public var source: String
        public var asOf: Day
    }

    /// A risk score in 0…1 with its basis, source and date; conflicting assessments stay visible.
    public struct Risk: Sendable, Equatable {
        public var score: Double
        public var basis: String
        public var source: String
        public var assessedOn: Day
        public var edition: String?
        public var conflicting: [Risk]
    }

    public struct Flag: Sendable, Equatable {
        public var note: String
        public var source: String
    }

    public var code: CountryCode
    public var name: String
    public var returns: Returns?
    public var returnsAssessment: ReturnsAssessment?
    public var risk: Risk?
    public var flags: [Flag]

    public init(
        code: CountryCode, name: String, returns: Returns? = nil, returnsAssessment: ReturnsAssessment? = nil,
        risk: Risk? = nil, flags: [Flag] = []
    ) {
        self.code = code
        self.name = name
        self.returns = returns
        self.returnsAssessment = returnsAssessment
        self.risk = risk
        self.flags = flags
    }
}

extension CountryRecord {
    init(reading r: inout FieldReader) throws(RecordError) {
        code = try r.country("code")
        name = try r.string("name", maxLength: 200)
        returns = try r.optionalEnumeration("returns")
        if var a = try r.optionalObject("returnsAssessment") {
            returnsAssessment = ReturnsAssessment(basis: try a.string("basis"), source: try a.string("source"), asOf: try a.day("asOf"))
            try a.finish()
        }
        if var risk = try r.optionalObject("risk") {
            self.risk = try Risk(reading: &risk, allowConflicts: true)
        }
        flags = []
        if let items = try r.optionalArray("flags") {
            for (index, item) in items.enumerated() {
                var f = try FieldReader.nested(item, path: r.childPath("flags") + "[\(index)]")
                flags.append(Flag(note: try f.string("note"), source: try f.string("source")))
                try f.finish()
            }
        }
    }
}

extension CountryRecord.Risk {
    init(reading r: inout FieldReader, allowConflicts: Bool) throws(RecordError) {
        guard let score = try r.optionalNumber("score", in: 0...1) else { throw .missing(r.childPath("score")) }
        self.score = score
        basis = try r.string("basis")
        source = try r.string("source")
        assessedOn = try r.day("assessedOn")
        edition = try r.optionalString("edition", maxLength: 100)
        conflicting = []
        if allowConflicts, let items = try r.optionalArray("conflicting") {
            for (index, item) in items.enumerated() {
                var c = try FieldReader.nested(item, path: r.childPath("conflicting") + "[\(index)]")
                conflicting.append(try Self(reading: &c, allowConflicts: false))
            }
        }
        try r.finish()
    }
}
