/// One change to current state that an accepted record causes. Stores apply these to their
/// projections in the same transaction as the event.
public enum ProjectionChange: Sendable, Equatable {
    case putCountry(CountryCode)
    case putArrangement(ArrangementRecord.ID, partner: CountryCode)
    case addArrangementStatus(ArrangementRecord.ID, ArrangementStatusRecord.Status, on: Day)
    case putCase(CaseRecord.ID, familyUnit: String?, closedOn: Day?)
    case addCaseFact(CaseRecord.ID, Record.Kind)
    case addCourtOrder(CourtOrderRecord.ID, issuedOn: Day)
    case liftCourtOrder(CourtOrderRecord.ID, on: Day)
    case addTransfer(TransferRecord.ID, TransferState)
    case setTransferStatus(TransferRecord.ID, TransferStatus, at: Instant)
    case manifestAdd(TransferRecord.ID, CaseRecord.ID)
    case manifestStrike(TransferRecord.ID, CaseRecord.ID)
    /// The record belongs to this transfer's history (its creation, manifest changes, steps).
    case linkTransfer(TransferRecord.ID)
}
