import CorridorDomain

/// Everything about one destination at one instant under one profile that does not depend on
/// the person: computed once and shared by every case evaluated against it (that is what makes
/// whole-caseload passes cheap). A class: every person's gate context shares one instance
/// instead of copying (and reference-counting) its dictionaries per person.
public final class DestinationContext: Sendable {
    /// An arrangement with the destination, and its standing at the instant. A class, so the
    /// gates' loops over candidates do not copy the arrangement's terms per person.
    public final class Candidate: Sendable {
        public let arrangement: ArrangementRecord
        public let status: ArrangementStatusRecord?
        public let totalUsed: Int
        public let monthUsed: Int
        public let isActive: Bool

        init(arrangement: ArrangementRecord, status: ArrangementStatusRecord?, totalUsed: Int, monthUsed: Int) {
            self.arrangement = arrangement
            self.status = status
            self.totalUsed = totalUsed
            self.monthUsed = monthUsed
            self.isActive = status?.status == .active
        }
    }

    /// A court order in force at the instant, with its lift (if any, later).
    public struct OrderInForce: Sendable {
        public var order: CourtOrderRecord
    }

    public let destination: CountryCode
    public let instant: Instant
    public let day: Day
    public let policy: PolicyProfile
    public let values: PolicyProfile.Values
    public let network: Network
    public let country: CountryRecord?
    /// Arrangements of the profile's removing state with this partner, active ones first.
    public let candidates: [Candidate]
    /// Court orders in force on the day whose destination scope admits this destination.
    public let ordersInForce: [CourtOrderRecord]
    /// Each parameter's citation (`profile parameter: reference`), made once per context: every
    /// decision cites several, and contexts are shared between the decisions of a request stream.
    let citations: [String: String]

    public init(destination: CountryCode, instant: Instant, policy: PolicyProfile, network: Network, capacity: CapacityUsage = CapacityUsage()) {
        self.destination = destination
        self.instant = instant
        self.day = instant.day
        self.policy = policy
        self.values = policy.values(on: instant.day)
        var citations: [String: String] = [:]
        for (parameter, reference) in values.references { citations[parameter] = "\(policy.id) \(parameter): " + reference }
        self.citations = citations
        self.network = network
        self.country = network.countries[destination]
        let day = instant.day
        candidates = network.arrangements.values
            .filter { $0.partner == destination && $0.removingState == policy.removingState }
            .map { arrangement in
                Candidate(
                    arrangement: arrangement, status: network.status(of: arrangement.id, on: day),
                    totalUsed: capacity.total(arrangement.id, through: day), monthUsed: capacity.month(arrangement.id, of: day))
            }
            .sorted { ($0.isActive ? 0 : 1, $0.arrangement.id.rawValue) < ($1.isActive ? 0 : 1, $1.arrangement.id.rawValue) }
        ordersInForce = network.courtOrders.values
            .filter { order in
                guard order.issuedOn <= day else { return false }
                if let expires = order.expiresOn, expires <= day { return false }
                if let lift = network.courtOrderLifts[order.id], lift.on <= day { return false }
                if let destinations = order.scope.destinations, !destinations.contains(destination) { return false }
                return true
            }
            .sorted { $0.id < $1.id }
    }

    public var countryName: String { network.countryName(destination) }

    func name(_ code: CountryCode) -> String { network.countryName(code) }
}
