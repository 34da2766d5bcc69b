/// One record of the vocabulary (docs/records.md; its description as data: `RecordVocabulary`): what an import line, an event payload and an API
/// write body all are.
public enum Record: Sendable, Equatable {
    case country(CountryRecord)
    case arrangement(ArrangementRecord)
    case arrangementStatus(ArrangementStatusRecord)
    case caseRecord(CaseRecord)
    case order(OrderRecord)
    case claim(ClaimRecord)
    case designation(DesignationRecord)
    case notice(NoticeRecord)
    case fear(FearRecord)
    case screening(ScreeningRecord)
    case courtOrder(CourtOrderRecord)
    case courtOrderLift(CourtOrderLiftRecord)
    case transfer(TransferRecord)
    case manifestAdd(ManifestRecord)
    case manifestStrike(ManifestRecord)
    case transferStep(TransferStepRecord)
    case disposition(DispositionRecord)

    /// The record types, by their `type` string.
    public enum Kind: String, Sendable, CaseIterable {
        case country, arrangement
        case arrangementStatus = "arrangement-status"
        case caseRecord = "case"
        case order, claim, designation, notice, fear, screening
        case courtOrder = "court-order"
        case courtOrderLift = "court-order-lift"
        case transfer
        case manifestAdd = "manifest-add"
        case manifestStrike = "manifest-strike"
        case transferLock = "transfer-lock"
        case transferDepart = "transfer-depart"
        case transferArrive = "transfer-arrive"
        case transferCancel = "transfer-cancel"
        case disposition

        /// A `case` record or a per-case fact: what a caseload holds.
        public var isAboutOnePerson: Bool {
            switch self {
            case .caseRecord, .order, .claim, .designation, .notice, .fear, .screening, .disposition: return true
            default: return false
            }
        }
    }

    public var kind: Kind {
        switch self {
        case .country: .country
        case .arrangement: .arrangement
        case .arrangementStatus: .arrangementStatus
        case .caseRecord: .caseRecord
        case .order: .order
        case .claim: .claim
        case .designation: .designation
        case .notice: .notice
        case .fear: .fear
        case .screening: .screening
        case .courtOrder: .courtOrder
        case .courtOrderLift: .courtOrderLift
        case .transfer: .transfer
        case .manifestAdd: .manifestAdd
        case .manifestStrike: .manifestStrike
        case .transferStep(let step):
            switch step.step {
            case .lock: .transferLock
            case .depart: .transferDepart
            case .arrive: .transferArrive
            case .cancel: .transferCancel
            }
        case .disposition: .disposition
        }
    }

    /// The case a per-person record is about, if any.
    public var caseID: CaseRecord.ID? {
        switch self {
        case .caseRecord(let r): r.id
        case .order(let r): r.caseID
        case .claim(let r): r.caseID
        case .designation(let r): r.caseID
        case .notice(let r): r.caseID
        case .fear(let r): r.caseID
        case .screening(let r): r.caseID
        case .disposition(let r): r.caseID
        case .manifestAdd(let r), .manifestStrike(let r): r.caseID
        default: nil
        }
    }

    /// Parses JSON text and decodes it as a record.
    public static func parse(_ text: String) throws(RecordError) -> Record {
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch {
            throw RecordError(code: "invalid-json", message: error.description)
        }
        return try decode(value)
    }

    /// Decodes and validates the fields of one record (formats, enumerations, required fields).
    /// References to other records are checked later, against the store's state.
    public static func decode(_ value: JSONValue) throws(RecordError) -> Record {
        guard case .object(let object) = value else {
            throw RecordError(code: "invalid-record", message: "a record must be a JSON object, got \(value.typeDescription)")
        }
        guard let typeValue = object["type"] else { throw .missing("type") }
        guard case .string(let typeName) = typeValue else { throw .invalid("type", "expected a string, got \(typeValue.typeDescription)") }
        guard let kind = Kind(rawValue: typeName) else {
            let known = Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalid("type", "unknown record type '\(typeName.prefix(40))' (known: \(known))")
        }
        var r = FieldReader(object)
        let record: Record
        switch kind {
        case .country: record = .country(try CountryRecord(reading: &r))
        case .arrangement: record = .arrangement(try ArrangementRecord(reading: &r))
        case .arrangementStatus: record = .arrangementStatus(try ArrangementStatusRecord(reading: &r))
        case .caseRecord: record = .caseRecord(try CaseRecord(reading: &r))
        case .order: record = .order(try OrderRecord(reading: &r))
        case .claim: record = .claim(try ClaimRecord(reading: &r))
        case .designation: record = .designation(try DesignationRecord(reading: &r))
        case .notice: record = .notice(try NoticeRecord(reading: &r))
        case .fear: record = .fear(try FearRecord(reading: &r))
        case .screening: record = .screening(try ScreeningRecord(reading: &r))
        case .courtOrder: record = .courtOrder(try CourtOrderRecord(reading: &r))
        case .courtOrderLift: record = .courtOrderLift(try CourtOrderLiftRecord(reading: &r))
        case .transfer: record = .transfer(try TransferRecord(reading: &r))
        case .manifestAdd: record = .manifestAdd(try ManifestRecord(reading: &r, reasonRequired: false))
        case .manifestStrike: record = .manifestStrike(try ManifestRecord(reading: &r, reasonRequired: true))
        case .transferLock: record = .transferStep(try TransferStepRecord(step: .lock, reading: &r))
        case .transferDepart: record = .transferStep(try TransferStepRecord(step: .depart, reading: &r))
        case .transferArrive: record = .transferStep(try TransferStepRecord(step: .arrive, reading: &r))
        case .transferCancel: record = .transferStep(try TransferStepRecord(step: .cancel, reading: &r))
        case .disposition: record = .disposition(try DispositionRecord(reading: &r))
        }
        try r.finish(also: ["type"])
        return record
    }
}

/// A record together with its canonical JSON text and where it came from.
public struct SourcedRecord: Sendable {
    public var record: Record
    /// Canonical JSON of the record as submitted (sorted keys, no whitespace): the event payload.
    public var payload: String
    public var file: String?
    public var line: Int?

    public init(record: Record, payload: String, file: String? = nil, line: Int? = nil) {
        self.record = record
        self.payload = payload
        self.file = file
        self.line = line
    }

    /// Parses and validates one JSON Lines line; errors carry the file and line.
    public static func parse(line text: UnsafeBufferPointer<UInt8>, file: String?, line: Int) throws(RecordError) -> SourcedRecord {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw RecordError(code: "invalid-json", message: error.description, file: file, line: line)
        }
        return try make(value, file: file, line: line)
    }

    /// Validates an already-parsed JSON value.
    public static func make(_ value: JSONValue, file: String? = nil, line: Int? = nil) throws(RecordError) -> SourcedRecord {
        do {
            let record = try Record.decode(value)
            return SourcedRecord(record: record, payload: value.canonicalString, file: file, line: line)
        } catch {
            throw error.at(file: file, line: line)
        }
    }
}
