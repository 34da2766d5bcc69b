/// `transfer`: a flight or movement to a destination, with a seat count.
public struct TransferRecord: Sendable, Equatable {
    public typealias ID = Identifier<TransferTag>
    public var id: ID
    public var destination: CountryCode
    public var departs: Instant
    public var seats: Int
    public var arrangement: ArrangementRecord.ID?
    public var costUSD: Double?

    init(reading r: inout FieldReader) throws(RecordError) {
        id = try r.identifier("id")
        destination = try r.country("destination")
        departs = try r.instant("departs")
        seats = try r.integer("seats", in: 1...10_000)
        arrangement = try r.optionalIdentifier("arrangement")
        costUSD = try r.optionalNumber("costUSD", in: 0...1e12)
    }
}

/// `manifest-add` / `manifest-strike`: a person put on, or struck from, a transfer's manifest.
public struct ManifestRecord: Sendable, Equatable {
    public var transfer: TransferRecord.ID
    public var caseID: CaseRecord.ID
    public var reason: String?

    init(reading r: inout FieldReader, reasonRequired: Bool) throws(RecordError) {
        transfer = try r.identifier("transfer")
        caseID = try r.identifier("case")
        reason = reasonRequired ? try r.string("reason") : try r.optionalString("reason")
    }
}

/// `transfer-lock` / `transfer-depart` / `transfer-arrive` / `transfer-cancel`.
public struct TransferStepRecord: Sendable, Equatable {
    public enum Step: String, Sendable, CaseIterable {
        case lock = "transfer-lock"
        case depart = "transfer-depart"
        case arrive = "transfer-arrive"
        case cancel = "transfer-cancel"
    }

    public var step: Step
    public var transfer: TransferRecord.ID
    public var at: Instant
    public var reason: String?
    /// For lock and depart: the policy profile the manifest was judged under. The store stamps
    /// the active profile when absent, so every departure names its regime.
    public var policy: String?
    public var policyVersion: String?

    init(step: Step, reading r: inout FieldReader) throws(RecordError) {
        self.step = step
        transfer = try r.identifier("transfer")
        at = try r.instant("at")
        reason = try r.optionalString("reason")
        if step == .lock || step == .depart {
            policy = try r.optionalString("policy", maxLength: 64)
            policyVersion = try r.optionalString("policyVersion", maxLength: 64)
        }
    }
}
