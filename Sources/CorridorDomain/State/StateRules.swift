/// The state rules of the record vocabulary: given current state, is this record acceptable,
/// and what does it change? Pure; every store calls it inside its write transaction.
///
/// A refused record throws a ``RecordError``; any other error is a lookup of the store failing
/// and passes through unchanged, to be reported as a fault.
///
/// Entities with ids (`country`, `arrangement`, `case`) may be recorded again: the later
/// record supersedes the earlier one (a correction is a new record, never an edit of the log).
/// Acts with ids (`court-order`, `transfer`) are recorded once.
public enum StateRules {
    public static func changes(for record: Record, in state: some StateReader) throws -> [ProjectionChange] {
        switch record {
        case .country(let r):
            return [.putCountry(r.code)]

        case .arrangement(let r):
            guard try state.hasCountry(r.partner) else {
                throw RecordError.unknownReference("partner", "country '\(r.partner)' has not been recorded; record a 'country' line for it first")
            }
            guard try state.hasCountry(r.removingState) else {
                throw RecordError.unknownReference(
                    "removingState", "country '\(r.removingState)' has not been recorded; record a 'country' line for it first")
            }
            return [.putArrangement(r.id, partner: r.partner)]

        case .arrangementStatus(let r):
            guard try state.hasArrangement(r.arrangement) else {
                throw RecordError.unknownReference("arrangement", "no arrangement '\(r.arrangement)' has been recorded")
            }
            return [.addArrangementStatus(r.arrangement, r.status, on: r.on)]

        case .caseRecord(let r):
            return [.putCase(r.id, familyUnit: r.familyUnit, closedOn: r.closedOn)]

        case .order, .claim, .designation, .notice, .fear, .screening, .disposition:
            let caseID = record.caseID!
            guard try state.hasCase(caseID) else {
                throw RecordError.unknownReference("case", "no case '\(caseID)' has been recorded")
            }
            if case .disposition(let d) = record, try !state.hasDeparted(caseID: d.caseID) {
                throw RecordError.state(
                    "case", "case '\(caseID)' has not departed on any transfer; a disposition records what happened after arrival")
            }
            return [.addCaseFact(caseID, record.kind)]

        case .courtOrder(let r):
            if let existing = try state.courtOrder(r.id) {
                throw RecordError.state(
                    "id",
                    "court order '\(r.id)' was already recorded (issued \(existing.issuedOn)); record a court-order-lift and a new order to change it"
                )
            }
            if let cases = r.scope.cases {
                for id in cases where try !state.hasCase(id) {
                    throw RecordError.unknownReference("scope.cases", "no case '\(id)' has been recorded")
                }
            }
            return [.addCourtOrder(r.id, issuedOn: r.issuedOn)]

        case .courtOrderLift(let r):
            guard let order = try state.courtOrder(r.id) else {
                throw RecordError.unknownReference("id", "no court order '\(r.id)' has been recorded, so it cannot be lifted")
            }
            if let lifted = order.liftedOn {
                throw RecordError.state("id", "court order '\(r.id)' was already lifted on \(lifted)")
            }
            if r.on < order.issuedOn {
                throw RecordError.invalid("on", "\(r.on) is before the order was issued (\(order.issuedOn))")
            }
            return [.liftCourtOrder(r.id, on: r.on)]

        case .transfer(let r):
            if try state.transfer(r.id) != nil {
                throw RecordError.state("id", "transfer '\(r.id)' was already recorded")
            }
            if let arrangement = r.arrangement, try !state.hasArrangement(arrangement) {
                throw RecordError.unknownReference("arrangement", "no arrangement '\(arrangement)' has been recorded")
            }
            return [
                .addTransfer(r.id, TransferState(status: .scheduled, seats: r.seats, destination: r.destination, departs: r.departs)),
                .linkTransfer(r.id),
            ]

        case .manifestAdd(let r):
            let transfer = try openTransfer(r.transfer, in: state, action: "add people to")
            guard transfer.status == .scheduled else {
                throw RecordError.state("transfer", "transfer '\(r.transfer)' is locked; strike or add only before locking")
            }
            guard try state.hasCase(r.caseID) else { throw RecordError.unknownReference("case", "no case '\(r.caseID)' has been recorded") }
            if let closed = try state.caseClosedOn(r.caseID) {
                throw RecordError.state("case", "case '\(r.caseID)' was closed on \(closed)")
            }
            if try state.manifestEntry(transfer: r.transfer, caseID: r.caseID) == .on {
                throw RecordError.state("case", "case '\(r.caseID)' is already on the manifest of transfer '\(r.transfer)'")
            }
            if try state.hasDeparted(caseID: r.caseID) {
                throw RecordError.state("case", "case '\(r.caseID)' has already departed on another transfer")
            }
            if let other = try state.openManifests(caseID: r.caseID).first {
                throw RecordError.state("case", "case '\(r.caseID)' is on the open manifest of transfer '\(other)'; strike them there first")
            }
            if try state.manifestCount(transfer: r.transfer) >= transfer.seats {
                throw RecordError.state("transfer", "transfer '\(r.transfer)' has no seats left (\(transfer.seats) seats, all taken)")
            }
            return [.manifestAdd(r.transfer, r.caseID), .linkTransfer(r.transfer)]

        case .manifestStrike(let r):
            _ = try openTransfer(r.transfer, in: state, action: "strike people from")
            guard try state.manifestEntry(transfer: r.transfer, caseID: r.caseID) == .on else {
                throw RecordError.state("case", "case '\(r.caseID)' is not on the manifest of transfer '\(r.transfer)'")
            }
            return [.manifestStrike(r.transfer, r.caseID), .linkTransfer(r.transfer)]

        case .transferStep(let r):
            guard let transfer = try state.transfer(r.transfer) else {
                throw RecordError.unknownReference("transfer", "no transfer '\(r.transfer)' has been recorded")
            }
            let allowedFrom: [TransferStatus]
            let next: TransferStatus
            switch r.step {
            case .lock: allowedFrom = [.scheduled]; next = .locked
            case .depart: allowedFrom = [.locked]; next = .departed
            case .arrive: allowedFrom = [.departed]; next = .arrived
            case .cancel: allowedFrom = [.scheduled, .locked]; next = .cancelled
            }
            guard allowedFrom.contains(transfer.status) else {
                let needed = allowedFrom.map(\.rawValue).joined(separator: " or ")
                throw RecordError.state(
                    "transfer", "transfer '\(r.transfer)' is \(transfer.status.rawValue); \(r.step.rawValue) needs it to be \(needed)")
            }
            return [.setTransferStatus(r.transfer, next, at: r.at), .linkTransfer(r.transfer)]
        }
    }

    private static func openTransfer(_ id: TransferRecord.ID, in state: some StateReader, action: String) throws -> TransferState {
        guard let transfer = try state.transfer(id) else {
            throw RecordError.unknownReference("transfer", "no transfer '\(id)' has been recorded")
        }
        guard transfer.status.isOpen else {
            throw RecordError.state("transfer", "transfer '\(id)' is \(transfer.status.rawValue); cannot \(action) its manifest")
        }
        return transfer
    }
}
