/// What record validation needs to know about current state. Each store answers these from
/// its own projections; the rules that use them (``StateRules``) are written once.
///
/// A lookup throws only when the store cannot answer (a database or disk fault): the error is
/// a fault to report as such, never taken for "not found".
public protocol StateReader {
    func hasCountry(_ code: CountryCode) throws -> Bool
    func hasArrangement(_ id: ArrangementRecord.ID) throws -> Bool
    func hasCase(_ id: CaseRecord.ID) throws -> Bool
    /// When the case was closed, if it was.
    func caseClosedOn(_ id: CaseRecord.ID) throws -> Day?
    func courtOrder(_ id: CourtOrderRecord.ID) throws -> CourtOrderState?
    func transfer(_ id: TransferRecord.ID) throws -> TransferState?
    /// The person's entry on a transfer's manifest, if they were ever added.
    func manifestEntry(transfer: TransferRecord.ID, caseID: CaseRecord.ID) throws -> ManifestEntryStatus?
    /// People currently on the manifest (not struck).
    func manifestCount(transfer: TransferRecord.ID) throws -> Int
    /// Transfers not yet departed, cancelled or arrived on whose manifest the person currently is.
    func openManifests(caseID: CaseRecord.ID) throws -> [TransferRecord.ID]
    /// Whether the person has departed on any transfer.
    func hasDeparted(caseID: CaseRecord.ID) throws -> Bool
}

/// A court order's standing.
public struct CourtOrderState: Sendable, Equatable {
    public var issuedOn: Day
    public var liftedOn: Day?
    public init(issuedOn: Day, liftedOn: Day?) {
        self.issuedOn = issuedOn
        self.liftedOn = liftedOn
    }
}

/// Where a transfer is in its life.
public enum TransferStatus: String, Sendable, CaseIterable {
    case scheduled, locked, departed, arrived, cancelled

    /// Scheduled or locked: people on its manifest have not left.
    public var isOpen: Bool { self == .scheduled || self == .locked }
}

public struct TransferState: Sendable, Equatable {
    public var status: TransferStatus
    public var seats: Int
    public var destination: CountryCode
    public var departs: Instant
    public init(status: TransferStatus, seats: Int, destination: CountryCode, departs: Instant) {
        self.status = status
        self.seats = seats
        self.destination = destination
        self.departs = departs
    }
}

public enum ManifestEntryStatus: String, Sendable, CaseIterable {
    case on, struck
}
