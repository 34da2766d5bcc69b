/// The record vocabulary described as data: every record type, every field, its kind, whether it
/// is required, its allowed values and ranges, and the rules that tie fields together.
///
/// The JSON Schema (`RecordVocabulary.jsonSchema`, `corridor schema records`,
/// `/schemas/records.json`) is generated from this description. The decoder (`Record.decode`
/// and each record's `init(reading:)`) is written by hand; the test suite derives valid and
/// invalid values for every field from this description and checks that the decoder and the
/// schema accept and refuse the same ones (docs/adr/0005-record-vocabulary-as-data.md).
/// Enumerations are taken from the same Swift enums the decoder uses.
public enum RecordVocabulary {
    /// What a field holds.
    public indirect enum Value: Sendable {
        /// A non-empty string of at most `maxBytes` UTF-8 bytes (no limit when nil).
        case text(maxBytes: Int?)
        /// An identifier: 1–128 UTF-8 bytes, no control characters, no leading or trailing space.
        case identifier
        /// An assigned ISO 3166-1 alpha-3 code (or `XKX`, Kosovo).
        case country
        /// A calendar date, `YYYY-MM-DD`.
        case date
        /// An RFC 3339 instant with a zone (`Z` or `±HH:MM`).
        case instant
        case boolean
        /// Any JSON number within the bounds given.
        case number(minimum: Double?, maximum: Double?)
        /// A whole number within the range.
        case integer(ClosedRange<Int>)
        /// One of these strings.
        case choice([String])
        /// This exact string.
        case constant(String)
        /// An `http://` or `https://` URL of at most `maxBytes` bytes.
        case url(maxBytes: Int)
        /// An array of values, at most `maxItems` of them; `unique` when the same value may not appear twice.
        case list(Value, minItems: Int, maxItems: Int, unique: Bool)
        /// A nested object with these fields (no others) and rules.
        case object([Field], rules: [Rule])
        /// Any one of these shapes (`"any"` or a list of codes; `"block"` or `{noticeDays}`).
        case oneOf([Value])
    }

    /// One field of a record or nested object.
    public struct Field: Sendable {
        public var name: String
        public var value: Value
        public var required: Bool
        /// What the field means, in a sentence.
        public var summary: String

        public init(_ name: String, _ value: Value, required: Bool = false, _ summary: String) {
            self.name = name
            self.value = value
            self.required = required
            self.summary = summary
        }
    }

    /// A rule between fields of one object, checked when the record is read.
    public enum Rule: Sendable {
        /// The two boolean fields may not both be true.
        case notBothTrue(String, String)
        /// The two country fields must differ; the second defaults to `default` when absent.
        case differentCountries(String, String, default: String)
        /// The date in the first field may not be before the date in the second.
        case notBefore(String, String)
        /// `field` is given exactly when `when` equals `equals`.
        case presentExactlyWhen(field: String, when: String, equals: String)

        /// Whether the JSON Schema can state the rule in full. Where it cannot, Corridor still
        /// refuses the record, and the schema states what it can.
        public var schemaExpressesFully: Bool {
            switch self {
            case .notBothTrue, .presentExactlyWhen: true
            case .differentCountries, .notBefore: false
            }
        }

        /// The rule in words.
        public var summary: String {
            switch self {
            case .notBothTrue(let a, let b): "`\(a)` and `\(b)` cannot both be true"
            case .differentCountries(let a, let b, let fallback): "`\(a)` must differ from `\(b)` (which is \(fallback) when not given)"
            case .notBefore(let a, let b): "`\(a)` may not be before `\(b)`"
            case .presentExactlyWhen(let field, let when, let equals): "`\(field)` is required when `\(when)` is `\(equals)` and refused otherwise"
            }
        }
    }

    /// One record type: its `type` string, what it records, its fields and rules.
    public struct RecordType: Sendable {
        public var kind: Record.Kind
        public var summary: String
        public var fields: [Field]
        public var rules: [Rule]

        public init(_ kind: Record.Kind, _ summary: String, fields: [Field], rules: [Rule] = []) {
            self.kind = kind
            self.summary = summary
            self.fields = fields
            self.rules = rules
        }
    }

    /// The longest identifier, in UTF-8 bytes.
    public static let identifierMaxBytes = 128
    /// The default longest free text, in UTF-8 bytes.
    public static let textMaxBytes = 4096

    static func names<E: RawRepresentable & CaseIterable>(_ type: E.Type) -> [String] where E.RawValue == String {
        E.allCases.map(\.rawValue)
    }

    static let text: Value = .text(maxBytes: textMaxBytes)

    static func countries(minItems: Int = 0) -> Value { .list(.country, minItems: minItems, maxItems: ISO3166.names.count, unique: true) }

    static let risk: [Field] = [
        Field("score", .number(minimum: 0, maximum: 1), required: true, "The risk score, from 0 (no known risk) to 1 (the highest)."),
        Field("basis", text, required: true, "How the score was reached."),
        Field("source", text, required: true, "Where the assessment comes from."),
        Field("assessedOn", .date, required: true, "The date of the assessment."),
        Field("edition", .text(maxBytes: 100), "The edition of the source (e.g. `FIW 2025`)."),
    ]

    /// Fields shared by the four transfer steps.
    static func stepFields(judged: Bool) -> [Field] {
        var fields = [
            Field("transfer", .identifier, required: true, "The transfer's id."),
            Field("at", .instant, required: true, "When the step happened (or is to happen)."),
            Field("reason", text, "Why, in words."),
        ]
        if judged {
            fields += [
                Field(
                    "policy", .text(maxBytes: 64),
                    "The policy profile the manifest was judged under; the store fills in the active profile when absent."),
                Field("policyVersion", .text(maxBytes: 64), "That profile's version; filled in with it."),
            ]
        }
        return fields
    }

    /// Every record type, in the order of `Record.Kind`.
    public static let types: [RecordType] = [
        RecordType(
            .country,
            "A state in the network: a partner, a removing state or a nationality, with whether it takes its own nationals back and a dated human-rights risk assessment.",
            fields: [
                Field("code", .country, required: true, "The country's ISO 3166-1 alpha-3 code."),
                Field("name", .text(maxBytes: 200), required: true, "The country's name."),
                Field("returns", .choice(names(CountryRecord.Returns.self)), "Whether it accepts its nationals back (issues travel documents)."),
                Field(
                    "returnsAssessment",
                    .object(
                        [
                            Field("basis", text, required: true, "The facts behind the finding."),
                            Field("source", text, required: true, "Where they come from."),
                            Field("asOf", .date, required: true, "The date the finding holds as of."),
                        ], rules: []), "Where the `returns` finding comes from."),
                Field(
                    "risk",
                    .object(
                        risk + [
                            Field(
                                "conflicting",
                                .list(.object(risk, rules: []), minItems: 0, maxItems: FieldReader.defaultMaximumListCount, unique: false),
                                "Other assessments that disagree, each in the same shape (without `conflicting`).")
                        ], rules: []), "A human-rights risk assessment."),
                Field(
                    "flags",
                    .list(
                        .object(
                            [
                                Field("note", text, required: true, "What to be aware of."),
                                Field("source", text, required: true, "Where it comes from."),
                            ], rules: []), minItems: 0, maxItems: FieldReader.defaultMaximumListCount, unique: false),
                    "Notes to show beside the country."),
            ]),
        RecordType(
            .arrangement, "A deal under which a partner country takes people the removing state sends.",
            fields: [
                Field("id", .identifier, required: true, "The arrangement's id, chosen by you and used by later records."),
                Field("partner", .country, required: true, "The country that receives people."),
                Field("kind", .choice(names(ArrangementRecord.Kind.self)), required: true, "What sort of arrangement it is."),
                Field("name", .text(maxBytes: 300), "A readable name."),
                Field("removingState", .country, "The state that sends people (USA when not given)."),
                Field(
                    "terms",
                    .object(
                        [
                            Field("capacityTotal", .integer(0...100_000_000), "How many people it takes in all."),
                            Field("capacityPerMonth", .integer(0...10_000_000), "How many it takes per calendar month."),
                            Field(
                                "nationalities", .oneOf([.constant("any"), countries(minItems: 1)]),
                                "Which nationalities it takes: `\"any\"` or a list of codes."),
                            Field("excludedNationalities", countries(), "Nationalities it refuses."),
                            Field("excludesMinors", .boolean, "It takes no minors."),
                            Field("excludesFamilies", .boolean, "It takes no family units."),
                            Field("excludesCriminalRecord", .boolean, "It takes no one with a criminal record."),
                            Field("requiresCriminalRecord", .boolean, "It takes only people with a criminal record."),
                            Field(
                                "hostHandling",
                                .list(
                                    .choice(names(ArrangementRecord.HostHandling.self)), minItems: 0,
                                    maxItems: ArrangementRecord.HostHandling.allCases.count, unique: true),
                                "What the host does with the people it receives."),
                            Field(
                                "assurances",
                                .object(
                                    [
                                        Field("nonReturn", .boolean, "The host assures it will not return people to persecution."),
                                        Field("humaneTreatment", .boolean, "The host assures humane treatment."),
                                        Field("binding", .boolean, "The assurances bind the host's responsible organs."),
                                        Field("credibleFinding", .boolean, "The State Department has found the assurances credible."),
                                    ], rules: []), "Diplomatic assurances the host gave."),
                            Field(
                                "payment",
                                .object(
                                    [
                                        Field("lumpSumUSD", .number(minimum: 0, maximum: 1e12), "A lump sum paid to the partner, in US dollars."),
                                        Field("perPersonUSD", .number(minimum: 0, maximum: 1e9), "The payment per person received, in US dollars."),
                                    ], rules: []), "What the partner is paid."),
                            Field(
                                "benefits",
                                .list(
                                    .object(
                                        [
                                            Field(
                                                "kind", .choice(names(ArrangementRecord.Benefit.Kind.self)), required: true,
                                                "What sort of benefit: visa-sanction relief, trade, security cooperation, aid, diplomatic standing, or other."
                                            ),
                                            Field("description", .text(maxBytes: 2000), required: true, "What the partner gets, as reported."),
                                            Field("source", text, required: true, "Who reported it."),
                                        ], rules: []), minItems: 0, maxItems: FieldReader.defaultMaximumListCount, unique: false),
                                "What the partner gets besides money."),
                            Field("notes", .text(maxBytes: 8000), "Anything else about the terms."),
                        ], rules: [.notBothTrue("excludesCriminalRecord", "requiresCriminalRecord")]),
                    "The terms: capacity, who is taken, what the host does, assurances, payment and other benefits."),
                Field(
                    "reported",
                    .list(
                        .object(
                            [
                                Field("metric", .text(maxBytes: 100), required: true, "What is counted (e.g. `people-transferred`)."),
                                Field("value", .number(minimum: 0, maximum: 1e15), required: true, "The figure (0 to 10^15)."),
                                Field("asOf", .date, required: true, "The date it holds as of."),
                                Field("source", text, required: true, "Who reported it."),
                                Field("note", text, "A comment."),
                                Field("conflict", .boolean, "This figure disagrees with another source's."),
                            ], rules: []), minItems: 0, maxItems: FieldReader.defaultMaximumListCount, unique: false),
                    "Dated figures reported by sources."),
                Field(
                    "sources",
                    .list(
                        .object(
                            [
                                Field("title", .text(maxBytes: 500), required: true, "The source's title."),
                                Field("url", .url(maxBytes: 2000), "Where to read it (left out for printed or court sources that have no address)."),
                                Field("date", .date, "Its date."),
                            ], rules: []), minItems: 0, maxItems: FieldReader.defaultMaximumListCount, unique: false),
                    "Where the arrangement is documented; the first is cited by decisions."),
            ], rules: [.differentCountries("partner", "removingState", default: "USA")]),
        RecordType(
            .arrangementStatus, "A dated change in an arrangement's standing; the latest status on or before a date is the one in force.",
            fields: [
                Field("arrangement", .identifier, required: true, "The arrangement's id."),
                Field("status", .choice(names(ArrangementStatusRecord.Status.self)), required: true, "Its standing from that date."),
                Field("on", .date, required: true, "The date the status takes effect."),
                Field("reason", text, "Why."),
                Field("source", text, "Where this is reported."),
            ]),
        RecordType(
            .caseRecord, "A person with a removal order or an asylum claim.",
            fields: [
                Field("case", .identifier, required: true, "The case id, chosen by you and used by every later record about the person."),
                Field("nationalities", countries(minItems: 1), required: true, "Every nationality the person holds."),
                Field("birthYear", .integer(1900...2100), "The year of birth (minors are judged from it)."),
                Field(
                    "pathway", .choice(names(CaseRecord.Pathway.self)),
                    "`removal` (the default) or `asylum-transfer` (a transfer under an asylum cooperative agreement)."),
                Field("unaccompaniedMinor", .boolean, "The person is an unaccompanied minor (false when not given)."),
                Field("familyUnit", .text(maxBytes: 128), "Members of one family unit share this id and travel together."),
                Field("criminalRecord", .boolean, "Whether the person has a criminal record (unknown when not given)."),
                Field("counsel", .text(maxBytes: 300), "Counsel of record, when the person is represented."),
                Field("closedOn", .date, "The case was closed on this date and is no longer subject to transfer."),
            ]),
        RecordType(
            .order, "A removal order, final or pending.",
            fields: [
                Field("case", .identifier, required: true, "The case id."),
                Field("kind", .choice(names(OrderRecord.Kind.self)), required: true, "`final`, or `pending` (e.g. on appeal)."),
                Field("on", .date, required: true, "The date of the order."),
                Field("designatedCountry", .country, "The country the order designates for removal."),
            ]),
        RecordType(
            .claim, "A protection claim against one country (protection is country-specific).",
            fields: [
                Field("case", .identifier, required: true, "The case id."),
                Field("claim", .choice(names(ClaimRecord.Kind.self)), required: true, "The kind of protection claimed."),
                Field("against", .country, required: true, "The country the person fears."),
                Field("status", .choice(names(ClaimRecord.Status.self)), required: true, "Where the claim stands."),
                Field("on", .date, required: true, "The date of that status."),
            ]),
        RecordType(
            .designation, "A designation of the person, e.g. under the Alien Enemies Act (`kind: \"aea\"`).",
            fields: [
                Field("case", .identifier, required: true, "The case id."),
                Field("kind", .text(maxBytes: 64), required: true, "The designation (`aea` for the Alien Enemies Act)."),
                Field("on", .date, required: true, "The date of the designation."),
                Field("basis", text, "Its legal basis."),
            ]),
        RecordType(
            .notice, "Written notice to the person naming a destination, served at an instant.",
            fields: [
                Field("case", .identifier, required: true, "The case id."),
                Field("destination", .country, required: true, "The country the notice names."),
                Field("servedOn", .instant, required: true, "When it was served."),
                Field("language", .text(maxBytes: 64), "The language it was given in."),
                Field("counselNotified", .boolean, "Counsel was given the notice too."),
                Field("exigent", .boolean, "The officer recorded exigent circumstances (some profiles then allow a shorter period)."),
            ]),
        RecordType(
            .fear, "The person claims fear of being sent to a destination.",
            fields: [
                Field("case", .identifier, required: true, "The case id."),
                Field("destination", .country, required: true, "The country feared."),
                Field("on", .date, required: true, "The date of the claim."),
            ]),
        RecordType(
            .screening, "The outcome of a fear screening for a destination.",
            fields: [
                Field("case", .identifier, required: true, "The case id."),
                Field("destination", .country, required: true, "The country screened for."),
                Field("outcome", .choice(names(ScreeningRecord.Outcome.self)), required: true, "`positive` (fear established) or `negative`."),
                Field("on", .date, required: true, "The date of the outcome."),
                Field("standard", .text(maxBytes: 200), "The standard applied (e.g. `reasonable fear`)."),
            ]),
        RecordType(
            .courtOrder, "A court order that blocks transfers, or requires notice, for the people and destinations its scope covers.",
            fields: [
                Field("id", .identifier, required: true, "The order's id, chosen by you."),
                Field("court", .text(maxBytes: 300), required: true, "The court."),
                Field("citation", .text(maxBytes: 500), required: true, "The case citation; decisions quote it."),
                Field("issuedOn", .date, required: true, "The date it takes effect."),
                Field("expiresOn", .date, "The first date on which it no longer has effect, if it expires."),
                Field(
                    "scope",
                    .object(
                        [
                            Field(
                                "cases", .list(.identifier, minItems: 0, maxItems: CourtOrderRecord.Scope.maximumCases, unique: true),
                                "Only these case ids."),
                            Field("nationalities", countries(), "Only people holding one of these nationalities."),
                            Field(
                                "designations", .list(.text(maxBytes: 200), minItems: 0, maxItems: 100, unique: true),
                                "Only people with one of these designations (e.g. `aea`)."),
                            Field("destinations", countries(), "Only transfers to these countries."),
                            Field("thirdCountryOnly", .boolean, "Only transfers to a country that is not one of the person's nationalities."),
                            Field(
                                "pathways",
                                .list(
                                    .choice(names(CaseRecord.Pathway.self)), minItems: 0, maxItems: CaseRecord.Pathway.allCases.count, unique: true),
                                "Only people on these pathways."),
                        ], rules: []), required: true,
                    "Whom and where the order covers; every key given must match (`{}` covers everyone everywhere)."),
                Field(
                    "effect",
                    .oneOf([
                        .constant("block"),
                        .object(
                            [
                                Field("noticeDays", .integer(0...3650), required: true, "Days of notice naming the destination the order requires.")
                            ], rules: []),
                    ]), required: true, "`\"block\"`, or `{\"noticeDays\": n}`."),
            ], rules: [.notBefore("expiresOn", "issuedOn")]),
        RecordType(
            .courtOrderLift, "A court order stops having effect from a date.",
            fields: [
                Field("id", .identifier, required: true, "The order's id."),
                Field("on", .date, required: true, "The date from which the order no longer has effect."),
                Field("reason", text, "Why (e.g. stayed on appeal)."),
            ]),
        RecordType(
            .transfer, "A flight or other movement to a destination, with a seat count.",
            fields: [
                Field("id", .identifier, required: true, "The transfer's id, chosen by you."),
                Field("destination", .country, required: true, "Where it goes."),
                Field("departs", .instant, required: true, "The scheduled departure."),
                Field("seats", .integer(1...10_000), required: true, "How many people it can carry."),
                Field("arrangement", .identifier, "The arrangement it operates under."),
                Field("costUSD", .number(minimum: 0, maximum: 1e12), "What it costs, in US dollars."),
            ]),
        RecordType(
            .manifestAdd, "A person put on a transfer's manifest.",
            fields: [
                Field("transfer", .identifier, required: true, "The transfer's id."),
                Field("case", .identifier, required: true, "The case id."),
                Field("reason", text, "Why, in words."),
            ]),
        RecordType(
            .manifestStrike, "A person struck from a transfer's manifest, with the reason.",
            fields: [
                Field("transfer", .identifier, required: true, "The transfer's id."),
                Field("case", .identifier, required: true, "The case id."),
                Field("reason", text, required: true, "Why the person is struck."),
            ]),
        RecordType(.transferLock, "The manifest is locked: everyone on it is judged for the scheduled departure.", fields: stepFields(judged: true)),
        RecordType(
            .transferDepart, "The transfer departs: refused unless everyone on the manifest is allowed at that instant.",
            fields: stepFields(judged: true)),
        RecordType(.transferArrive, "The transfer arrived.", fields: stepFields(judged: false)),
        RecordType(.transferCancel, "The transfer is cancelled.", fields: stepFields(judged: false)),
        RecordType(
            .disposition, "What happened to a person after arrival in the host country.",
            fields: [
                Field("case", .identifier, required: true, "The case id."),
                Field("outcome", .choice(names(DispositionRecord.Outcome.self)), required: true, "What happened."),
                Field("on", .date, required: true, "When."),
                Field("to", .country, "With `repatriated` (and only then): the country the person was sent on to."),
                Field("facility", text, "Where the person is held, if detained."),
                Field("source", text, "Where this is reported."),
            ], rules: [.presentExactlyWhen(field: "to", when: "outcome", equals: DispositionRecord.Outcome.repatriated.rawValue)]),
    ]

    /// The description of one record type.
    public static func type(_ kind: Record.Kind) -> RecordType {
        types.first { $0.kind == kind }!
    }
}
