/// The state rules of the record vocabulary: given current state, is this record acceptable,
/// and what does it change? Pure; every store calls it inside its write transaction.
///
/// Entities with ids (`country`, `arrangement`, `case`) may be recorded again: the later
/// record supersedes the earlier one (a correction is a new record, never an edit of the log).
/// Acts with ids (`court-order`, `transfer`) are recorded once.
public enum StateRules {
    public static func changes(for record: Record, in state: some StateReader) throws(RecordError) -> [ProjectionChange] {
        switch record {
        case .country(let r):
            return [.putCountry(r.code)]

        case .arrangement(let r):
            guard state.hasCountry(r.partner) else {
                throw .unknownReference("partner", "country '\(r.partner)' has not been recorded; record a 'country' line for it first")
            }
            guard state.hasCountry(r.removingState) else {
                throw .unknownReference("removingState", "country '\(r.removingState)' has not been recorded; record a 'country' line for it first")
            }
            return [.putArrangement(r.id, partner: r.partner)]

        case .arrangementStatus(let r):
            guard state.hasArrangement(r.arrangement) else {
                throw .unknownReference("arrangement", "no arrangement '\(r.arrangement)' has been recorded")
            }
            return [.addArrangementStatus(r.arrangement, r.status, on: r.on)]

        case .caseRecord(let r):
            return [.putCase(r.id, familyUnit: r.familyUnit, closedOn: r.closedOn)]

        case .order, .claim, .designation, .notice, .fear, .screening, .disposition:
            let caseID = record.caseID!
            guard state.hasCase(caseID) else {
                throw .unknownReference("case", "no case '\(caseID)' has been recorded")
            }
            if case .disposition(let d) = record, !state.hasDeparted(caseID: d.caseID) {
                throw .state("case", "case '\(caseID)' has not departed on any transfer; a disposition records what happened after arrival")
            }
            return [.addCaseFact(caseID, record.kind)]

        case .courtOrder(let r):
            if let existing = state.courtOrder(r.id) {
                throw .state("id", "court order '\(r.id)' was already recorded (issued \(existing.issuedOn)); record a court-order-lift and a new order to change it")
            }
            if let cases = r.scope.cases {
                for id in cases where !state.hasCase(id) {
                    throw .unknownReference("scope.cases", "no case '\(id)' has been recorded")
                }
            }
            return [.addCourtOrder(r.id, issuedOn: r.issuedOn)]

        case .courtOrderLift(let r):
            guard let order = state.courtOrder(r.id) else {
                throw .unknownReference("id", "no court order '\(r.id)' has been recorded, so it cannot be lifted")
            }
            if let lifted = order.liftedOn {
                throw .state("id", "court order '\(r.id)' was already lifted on \(lifted)")
            }
            if r.on < order.issuedOn {
                throw .invalid("on", "\(r.on) is before the order was issued (\(order.issuedOn))")
            }
            return [.liftCourtOrder(r.id, on: r.on)]

        case .transfer(let r):
            if state.transfer(r.id) != nil {
                throw .state("id", "transfer '\(r.id)' was already recorded")
            }
            if let arrangement = r.arrangement, !state.hasArrangement(arrangement) {
                throw .unknownReference("arrangement", "no arrangement '\(arrangement)' has been recorded")
            }
            return [.addTransfer(r.id, TransferState(status: .scheduled, seats: r.seats, destination: r.destination, departs: r.departs)), .linkTransfer(r.id)]

        case .manifestAdd(let r):
            let transfer = try openTransfer(r.transfer, in: state, action: "add people to")
            guard transfer.status == .scheduled else {
                throw .state("transfer", "transfer '\(r.transfer)' is locked; strike or add only before locking")
            }
            guard state.hasCase(r.caseID) else { throw .unknownReference("case", "no case '\(r.caseID)' has been recorded") }
            if let closed = state.caseClosedOn(r.caseID) {
                throw .state("case", "case '\(r.caseID)' was closed on \(closed)")
            }
            if state.manifestEntry(transfer: r.transfer, caseID: r.caseID) == .on {
                throw .state("case", "case '\(r.caseID)' is already on the manifest of transfer '\(r.transfer)'")
            }
            if state.hasDeparted(caseID: r.caseID) {
                throw .state("case", "case '\(r.caseID)' has already departed on another transfer")
            }
            if let other = state.openManifests(caseID: r.caseID).first {
                throw .state("case", "case '\(r.caseID)' is on the open manifest of transfer '\(other)'; strike them there first")
            }
            if state.manifestCount(transfer: r.transfer) >= transfer.seats {
                throw .state("transfer", "transfer '\(r.transfer)' has no seats left (\(transfer.seats) seats, all taken)")
            }
            return [.manifestAdd(r.transfer, r.caseID), .linkTransfer(r.transfer)]

        case .manifestStrike(let r):
            _ = try openTransfer(r.transfer, in: state, action: "strike people from")
            guard state.manifestEntry(transfer: r.transfer, caseID: r.caseID) == .on else {
                throw .state("case", "case '\(r.caseID)' is not on the manifest of transfer '\(r.transfer)'")
            }
            return [.manifestStrike(r.transfer, r.caseID), .linkTransfer(r.transfer)]

        case .transferStep(let r):
            guard let transfer = state.transfer(r.transfer) else {
                throw .unknownReference("transfer", "no transfer '\(r.transfer)' has been recorded")
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
                throw .state("transfer", "transfer '\(r.transfer)' is \(transfer.status.rawValue); \(r.step.rawValue) needs it to be \(needed)")
            }
            return [.setTransferStatus(r.transfer, next, at: r.at), .linkTransfer(r.transfer)]
        }
    }

    private static func openTransfer(_ id: TransferRecord.ID, in state: some StateReader, action: String) throws(RecordError) -> TransferState {
        guard let transfer = state.transfer(id) else {
            throw .unknownReference("transfer", "no transfer '\(id)' has been recorded")
        }
        guard transfer.status.isOpen else {
            throw .state("transfer", "transfer '\(id)' is \(transfer.status.rawValue); cannot \(action) its manifest")
        }
        return transfer
    }
}
