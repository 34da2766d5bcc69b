import CorridorDomain

/// A legal regime as data: dated, versioned parameters, each value with its legal reference
/// (OpenFisca's style). Every decision records the profile's id and version.
public struct PolicyProfile: Sendable {
    public typealias ID = String

    /// Which diplomatic assurances a profile accepts for a purpose.
    public enum AssuranceStandard: String, Sendable, CaseIterable {
        /// No assurances suffice.
        case none
        /// Non-return assurances the State Department has found credible.
        case credible
        /// Only assurances that bind the host's responsible organs suffice.
        case binding

        /// Whether an arrangement's assurances meet this standard for non-return.
        public func isMet(by assurances: ArrangementRecord.Assurances?) -> Bool {
            guard let assurances, assurances.nonReturn == true else { return false }
            switch self {
            case .none: return false
            case .credible: return assurances.credibleFinding == true
            case .binding: return assurances.binding == true
            }
        }
    }

    /// One dated value of a parameter.
    public struct DatedValue: Sendable {
        public var from: Day
        public var value: JSONValue
        public var reference: String
    }

    /// A parameter's description and its values over time.
    public struct Parameter: Sendable {
        public var description: String
        public var values: [DatedValue]

        /// The value in force on `day`: the latest value from on or before it, else the earliest.
        public func value(on day: Day) -> DatedValue {
            values.last { $0.from <= day } ?? values[0]
        }
    }

    public var id: ID
    public var version: String
    public var title: String
    public var legalStatus: String
    public var removingState: CountryCode
    public var parameters: [String: Parameter]

    /// The names every profile must define, with the JSON kind each value must have.
    public static let requiredParameters: [(name: String, kind: String)] = [
        ("notice.minimumHours", "number"), ("notice.exigentMinimumHours", "number-or-null"),
        ("notice.counselRequired", "bool"), ("notice.languageRequired", "bool"),
        ("notice.waivedByAssurances", "assurance"), ("fear.waitAfterNegativeDays", "number"),
        ("risk.threshold", "number-or-null"), ("chainRefoulement.blocks", "bool"),
        ("chainRefoulement.liftedByAssurances", "assurance"), ("vulnerability.blockUnaccompaniedMinors", "bool"),
        ("aea.noticeDays", "number"),
    ]

    /// The parameters as they stand on one day, typed.
    public struct Values: Sendable {
        public var noticeMinimumHours: Double
        public var noticeExigentMinimumHours: Double?
        public var noticeCounselRequired: Bool
        public var noticeLanguageRequired: Bool
        public var noticeWaivedByAssurances: AssuranceStandard
        public var fearWaitAfterNegativeDays: Double
        public var riskThreshold: Double?
        public var chainRefoulementBlocks: Bool
        public var chainRefoulementLiftedByAssurances: AssuranceStandard
        public var blockUnaccompaniedMinors: Bool
        public var aeaNoticeDays: Double
        /// Each parameter's legal reference on that day, by parameter name.
        public var references: [String: String]
    }

    /// The typed parameter values in force on `day`. Profiles are validated when loaded, so
    /// this cannot fail for a loaded profile.
    public func values(on day: Day) -> Values {
        func value(_ name: String) -> DatedValue { parameters[name]!.value(on: day) }
        func number(_ name: String) -> Double? { if case .number(let n) = value(name).value { n } else { nil } }
        func bool(_ name: String) -> Bool { value(name).value == .bool(true) }
        func standard(_ name: String) -> AssuranceStandard { AssuranceStandard(rawValue: value(name).value.stringValue ?? "none") ?? .none }
        var references: [String: String] = [:]
        for (name, _) in PolicyProfile.requiredParameters { references[name] = value(name).reference }
        return Values(
            noticeMinimumHours: number("notice.minimumHours") ?? 0,
            noticeExigentMinimumHours: number("notice.exigentMinimumHours"),
            noticeCounselRequired: bool("notice.counselRequired"),
            noticeLanguageRequired: bool("notice.languageRequired"),
            noticeWaivedByAssurances: standard("notice.waivedByAssurances"),
            fearWaitAfterNegativeDays: number("fear.waitAfterNegativeDays") ?? 0,
            riskThreshold: number("risk.threshold"),
            chainRefoulementBlocks: bool("chainRefoulement.blocks"),
            chainRefoulementLiftedByAssurances: standard("chainRefoulement.liftedByAssurances"),
            blockUnaccompaniedMinors: bool("vulnerability.blockUnaccompaniedMinors"),
            aeaNoticeDays: number("aea.noticeDays") ?? 0,
            references: references
        )
    }
}

extension PolicyProfile {
    /// Parses and validates a profile file; every problem names the parameter.
    public init(json text: String, file: String) throws(RecordError) {
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch {
            throw RecordError(code: "invalid-policy", message: error.description, file: file)
        }
        do throws(RecordError) {
            var r = try FieldReader.nested(value, path: "")
            id = try r.string("id", maxLength: 64)
            version = try r.string("version", maxLength: 64)
            title = try r.string("title")
            legalStatus = try r.string("legalStatus")
            removingState = try r.country("removingState")
            guard var p = try r.optionalObject("parameters") else { throw RecordError.missing("parameters") }
            var parameters: [String: Parameter] = [:]
            for (name, kind) in PolicyProfile.requiredParameters {
                guard var entry = try p.optionalObject(name) else { throw RecordError.missing("parameters.\(name)") }
                let description = try entry.string("description")
                guard let items = try entry.optionalArray("values"), !items.isEmpty else {
                    throw RecordError.invalid("parameters.\(name).values", "needs at least one dated value")
                }
                var values: [DatedValue] = []
                for (index, item) in items.enumerated() {
                    let path = "parameters.\(name).values[\(index)]"
                    var v = try FieldReader.nested(item, path: path)
                    let from = try v.day("from")
                    let reference = try v.string("reference")
                    let raw = v.object["value"] ?? .null
                    try v.finish(also: ["value"])
                    switch (kind, raw) {
                    case ("number", .number(let n)) where n >= 0, ("number-or-null", .number(let n)) where n >= 0: _ = n
                    case ("number-or-null", .null), ("bool", .bool): break
                    case ("assurance", .string(let s)) where AssuranceStandard(rawValue: s) != nil: break
                    default:
                        throw RecordError.invalid(
                            path + ".value",
                            "expected \(kind == "assurance" ? "\"none\", \"credible\" or \"binding\"" : kind), got \(raw.typeDescription)")
                    }
                    if let last = values.last, from <= last.from {
                        throw RecordError.invalid(path + ".from", "values must be in date order (\(from) is not after \(last.from))")
                    }
                    values.append(DatedValue(from: from, value: raw, reference: reference))
                }
                try entry.finish()
                parameters[name] = Parameter(description: description, values: values)
            }
            try p.finish()
            try r.finish()
            self.parameters = parameters
        } catch {
            throw error.at(file: file, line: nil)
        }
    }
}
