import CorridorDomain

/// People moved under each arrangement, by departure date: what the `arrangement` gate counts
/// capacity against. Built from departed transfers.
public struct CapacityUsage: Sendable {
    /// Departures per arrangement per day.
    public private(set) var departures: [ArrangementRecord.ID: [Day: Int]] = [:]

    public init() {}

    /// Counts the people on board every departed (or arrived) transfer that names an
    /// arrangement, on its departure date.
    public init(transfers: some Sequence<TransferView>) {
        for transfer in transfers {
            guard let arrangement = transfer.record.arrangement, transfer.status == .departed || transfer.status == .arrived,
                let departed = transfer.steps[.departed]
            else { continue }
            record(transfer.onBoard.count, under: arrangement, on: departed.day)
        }
    }

    public mutating func record(_ count: Int, under arrangement: ArrangementRecord.ID, on day: Day) {
        departures[arrangement, default: [:]][day, default: 0] += count
    }

    /// People moved under the arrangement up to and including `day`: the arrangement's
    /// standing as of that day (what the `arrangement` gate counts).
    public func total(_ arrangement: ArrangementRecord.ID, through day: Day) -> Int {
        departures[arrangement]?.reduce(0) { $1.key <= day ? $0 + $1.value : $0 } ?? 0
    }

    /// People moved under the arrangement in the calendar month of `day`, up to and including it.
    public func month(_ arrangement: ArrangementRecord.ID, of day: Day) -> Int {
        let (year, month, _) = day.components
        return departures[arrangement]?.reduce(0) { sum, entry in
            let c = entry.key.components
            return c.year == year && c.month == month && entry.key <= day ? sum + entry.value : sum
        } ?? 0
    }

    /// People moved by every recorded departure, whatever its date: what a new departure must
    /// fit beside, so one recorded late but dated early can never overdraw the cap.
    public func recordedTotal(_ arrangement: ArrangementRecord.ID) -> Int {
        departures[arrangement]?.values.reduce(0, +) ?? 0
    }

    /// People moved by every recorded departure dated in the calendar month of `day`.
    public func recordedMonth(_ arrangement: ArrangementRecord.ID, of day: Day) -> Int {
        let (year, month, _) = day.components
        return departures[arrangement]?.reduce(0) { sum, entry in
            let c = entry.key.components
            return c.year == year && c.month == month ? sum + entry.value : sum
        } ?? 0
    }
}
