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
    /// How many covered people hold each nationality, most first (a person with two
    /// nationalities counts under both): the part of the impact that names nobody.
    public var coveredByNationality: [(nationality: CountryCode, people: Int)]
    public var transfers: [TouchedTransfer]

    public static func of(_ order: CourtOrderRecord, caseload: Caseload, transfers: [TransferView]) -> CourtOrderImpact {
        let day = order.issuedOn
        var covered: [CaseRecord.ID] = []
        var byNationality: [CountryCode: Int] = [:]
        for facts in caseload.cases where CourtOrderGate.covers(order, facts: facts, destination: nil, day: day) {
            covered.append(facts.id)
            for nationality in Set(facts.person.nationalities) { byNationality[nationality, default: 0] += 1 }
        }
        var touched: [TouchedTransfer] = []
        for transfer in transfers where transfer.status.isOpen {
            let people = transfer.onBoard.filter { id in
                guard let facts = caseload.facts(id) else { return false }
                return CourtOrderGate.covers(order, facts: facts, destination: transfer.record.destination, day: day)
            }
            if !people.isEmpty { touched.append(TouchedTransfer(transfer: transfer, covered: people)) }
        }
        let counts = byNationality.map { (nationality: $0.key, people: $0.value) }
            .sorted { ($1.people, $0.nationality.rawValue) < ($0.people, $1.nationality.rawValue) }
        return CourtOrderImpact(order: order, coveredCases: covered, coveredByNationality: counts, transfers: touched)
    }
}
