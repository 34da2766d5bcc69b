import CorridorDomain
import CorridorRules

/// Who a court order (proposed or issued) covers, and which transfers and manifests it touches.
public struct CourtOrderImpact: Sendable {
    public struct TouchedTransfer: Sendable {
        public var transfer: TransferView
        /// Covered people currently on its manifest.
        public var covered: [CaseRecord.ID]
    }

    public var order: CourtOrderRecord
    public var coveredCases: [CaseRecord.ID]
    public var transfers: [TouchedTransfer]

    public static func of(_ order: CourtOrderRecord, caseload: Caseload, transfers: [TransferView]) -> CourtOrderImpact {
        let day = order.issuedOn
        var covered: [CaseRecord.ID] = []
        for facts in caseload.cases where CourtOrderGate.covers(order, facts: facts, destination: nil, day: day) { covered.append(facts.id) }
        var touched: [TouchedTransfer] = []
        for transfer in transfers where transfer.status.isOpen {
            let people = transfer.onBoard.filter { id in
                guard let facts = caseload.facts(id) else { return false }
                return CourtOrderGate.covers(order, facts: facts, destination: transfer.record.destination, day: day)
            }
            if !people.isEmpty { touched.append(TouchedTransfer(transfer: transfer, covered: people)) }
        }
        return CourtOrderImpact(order: order, coveredCases: covered, transfers: touched)
    }
}
