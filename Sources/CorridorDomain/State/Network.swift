/// The network as the rules and pages see it: countries, arrangements with their dated status
/// history, and court orders. Built from records; small enough to hold whole in memory.
public struct Network: Sendable {
    public var countries: [CountryCode: CountryRecord] = [:]
    public var arrangements: [ArrangementRecord.ID: ArrangementRecord] = [:]
    /// Each arrangement's status changes, ordered by date (log order within a date).
    public var statusHistory: [ArrangementRecord.ID: [ArrangementStatusRecord]] = [:]
    public var courtOrders: [CourtOrderRecord.ID: CourtOrderRecord] = [:]
    public var courtOrderLifts: [CourtOrderRecord.ID: CourtOrderLiftRecord] = [:]

    public init() {}

    /// Builds the network from records in log order; records of other kinds are ignored.
    public init(records: some Sequence<Record>) {
        for record in records { apply(record) }
    }

    public mutating func apply(_ record: Record) {
        switch record {
        case .country(let r): countries[r.code] = r
        case .arrangement(let r): arrangements[r.id] = r
        case .arrangementStatus(let r):
            var history = statusHistory[r.arrangement, default: []]
            let index = history.firstIndex { $0.on > r.on } ?? history.count
            history.insert(r, at: index)
            statusHistory[r.arrangement] = history
        case .courtOrder(let r): courtOrders[r.id] = r
        case .courtOrderLift(let r): courtOrderLifts[r.id] = r
        default: break
        }
    }

    /// The arrangement's status in force on `day` (the latest change on or before it).
    public func status(of id: ArrangementRecord.ID, on day: Day) -> ArrangementStatusRecord? {
        statusHistory[id]?.last { $0.on <= day }
    }

    /// The most recent status change recorded for the arrangement, whatever its date.
    public func latestStatus(of id: ArrangementRecord.ID) -> ArrangementStatusRecord? {
        statusHistory[id]?.last
    }

    /// Arrangements sorted by removing state, then partner name, then id.
    public var sortedArrangements: [ArrangementRecord] {
        arrangements.values.sorted {
            ($0.removingState.rawValue, countryName($0.partner), $0.id.rawValue) < (
                $1.removingState.rawValue, countryName($1.partner), $1.id.rawValue
            )
        }
    }

    /// The recorded name of a country, or its ISO name, or the code itself.
    public func countryName(_ code: CountryCode) -> String {
        countries[code]?.name ?? ISO3166.names[code.rawValue] ?? code.rawValue
    }
}
