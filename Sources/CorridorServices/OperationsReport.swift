import CorridorDomain
import CorridorRules
import CorridorStore

/// Accounting per arrangement and overall: people moved, lump sums and per-person costs, cost
/// per person moved, load factor, onward-return rate and chain-refoulement incidents, counted
/// from recorded transfers and dispositions.
public struct OperationsReport: Sendable {
    public struct Line: Sendable {
        public var arrangement: ArrangementRecord.ID?
        public var partner: CountryCode?
        public var name: String
        public var transfers = 0
        public var peopleMoved = 0
        public var seats = 0
        public var lumpSumUSD = 0.0
        public var perPersonCostUSD = 0.0
        public var transferCostUSD = 0.0
        public var onwardReturns = 0
        public var incidents = 0
        public var suspectedIncidents = 0
        /// Load factor of each departed transfer (people on board / seats).
        public var loadFactors: [Double] = []

        public var totalCostUSD: Double { lumpSumUSD + perPersonCostUSD + transferCostUSD }
        public var costPerPersonMovedUSD: Double? { peopleMoved > 0 ? totalCostUSD / Double(peopleMoved) : nil }
        public var loadFactor: Double? { seats > 0 ? Double(peopleMoved) / Double(seats) : nil }
        public var onwardReturnRate: Double? { peopleMoved > 0 ? Double(onwardReturns) / Double(peopleMoved) : nil }
    }

    public var lines: [Line]
    public var total: Line
    public var incidents: [TransferRules.Incident]

    /// Builds the report. Lump sums count for every arrangement that has moved anyone or is
    /// recorded as paid (a lump sum is spent whether or not people move).
    public static func build(store: some EventStore) async throws -> OperationsReport {
        let network = try await store.network()
        let transfers = try await store.transfers()
        var facts: [CaseRecord.ID: CaseFacts] = [:]
        for transfer in transfers where transfer.status == .departed || transfer.status == .arrived {
            for person in transfer.onBoard where facts[person] == nil {
                facts[person] = CaseFacts(records: try await store.caseRecords(person))
            }
        }
        return compute(network: network, transfers: transfers) { facts[$0] }
    }

    /// The report over records already loaded: `facts` gives a moved person's facts (their
    /// dispositions); `departed` keeps only transfers that departed within those days.
    public static func compute(
        network: Network, transfers: [TransferView], departed: ClosedRange<Day>? = nil,
        facts: (CaseRecord.ID) throws -> CaseFacts?
    ) rethrows -> OperationsReport {
        var lines: [ArrangementRecord.ID: Line] = [:]
        var adHoc = Line(arrangement: nil, partner: nil, name: "transfers under no recorded arrangement")
        var arrangementOfCase: [CaseRecord.ID: ArrangementRecord.ID?] = [:]
        for arrangement in network.arrangements.values {
            var line = Line(arrangement: arrangement.id, partner: arrangement.partner, name: arrangement.name ?? arrangement.id.rawValue)
            line.lumpSumUSD = arrangement.terms.payment?.lumpSumUSD ?? 0
            lines[arrangement.id] = line
        }
        for transfer in transfers where transfer.status == .departed || transfer.status == .arrived {
            if let departed, !departed.contains((transfer.steps[.departed] ?? transfer.record.departs).day) { continue }
            let moved = transfer.onBoard.count
            func account(_ line: inout Line) {
                line.transfers += 1
                line.peopleMoved += moved
                line.seats += transfer.record.seats
                line.transferCostUSD += transfer.record.costUSD ?? 0
                line.loadFactors.append(Double(moved) / Double(max(transfer.record.seats, 1)))
            }
            if let id = transfer.record.arrangement, var line = lines[id] {
                account(&line)
                line.perPersonCostUSD += Double(moved) * (network.arrangements[id]?.terms.payment?.perPersonUSD ?? 0)
                lines[id] = line
            } else {
                account(&adHoc)
            }
            for person in transfer.onBoard { arrangementOfCase[person] = transfer.record.arrangement }
        }
        var incidents: [TransferRules.Incident] = []
        for (person, arrangement) in arrangementOfCase {
            guard let facts = try facts(person),
                let disposition = facts.dispositions.max(by: { $0.on < $1.on })
            else { continue }
            var line = arrangement.flatMap { lines[$0] } ?? adHoc
            if disposition.outcome == .repatriated { line.onwardReturns += 1 }
            for d in facts.dispositions {
                guard let incident = TransferRules.incident(for: d, facts: facts) else { continue }
                incidents.append(incident)
                if incident.kind == .chainRefoulement { line.incidents += 1 } else { line.suspectedIncidents += 1 }
            }
            if let arrangement, lines[arrangement] != nil { lines[arrangement] = line } else { adHoc = line }
        }
        var all = lines.values.filter { $0.peopleMoved > 0 || $0.lumpSumUSD > 0 }.sorted { $0.name < $1.name }
        if adHoc.transfers > 0 { all.append(adHoc) }
        var total = Line(arrangement: nil, partner: nil, name: "all arrangements")
        for line in all {
            total.transfers += line.transfers
            total.peopleMoved += line.peopleMoved
            total.seats += line.seats
            total.lumpSumUSD += line.lumpSumUSD
            total.perPersonCostUSD += line.perPersonCostUSD
            total.transferCostUSD += line.transferCostUSD
            total.onwardReturns += line.onwardReturns
            total.incidents += line.incidents
            total.suspectedIncidents += line.suspectedIncidents
            total.loadFactors += line.loadFactors
        }
        return OperationsReport(lines: all, total: total, incidents: incidents.sorted { ($0.on, $0.caseID) < ($1.on, $1.caseID) })
    }
}
