import CorridorDomain

extension Scenario {
    /// A third-country arrangement: who it accepts, when it runs, how it flies, what it costs
    /// and what happens to people after they land.
    public struct Arrangement: Sendable, Equatable {
        public typealias ID = Identifier<Arrangement>

        public var id: ID
        /// The receiving country.
        public var partner: CountryCode
        public var accepts: Acceptance
        /// Active from this day…
        public var startDay: Double
        /// …until this day (exclusive), or until it collapses.
        public var endDay: Double?
        /// Hazard of collapse while active; the arrangement ends at
        /// min(`endDay`, `startDay` + Exp(365 / `collapsePerYear`)).
        public var collapsePerYear: Double
        /// People carried per 30-day month (months start at t = 0, 30, 60, …).
        public var capacityPerMonth: Int
        public var flightEveryDays: Double
        public var seatsPerFlight: Int
        public var firstFlightDay: Double
        /// Probability that a person served notice claims fear.
        public var fearRate: Double
        /// Probability that a fear screening is positive (the arrangement is then ruled out).
        public var positiveRate: Double
        /// Probability that the host returns a person to their country of origin.
        public var repatriationRate: Double
        /// Human-rights risk score in [0, 1], compared with the policy's `riskThreshold`.
        public var riskScore: Double
        /// Whether the host gave binding assurances against onward return.
        public var bindingAssurances: Bool
        /// Paid when the arrangement starts (if it starts before the horizon).
        public var lumpSumUSD: Double
        public var costPerPersonUSD: Double

        public init(
            id: ID, partner: CountryCode, accepts: Acceptance, startDay: Double, endDay: Double? = nil, collapsePerYear: Double = 0,
            capacityPerMonth: Int, flightEveryDays: Double, seatsPerFlight: Int, firstFlightDay: Double, fearRate: Double = 0,
            positiveRate: Double = 0, repatriationRate: Double = 0, riskScore: Double = 0, bindingAssurances: Bool = false,
            lumpSumUSD: Double = 0, costPerPersonUSD: Double = 0
        ) {
            self.id = id
            self.partner = partner
            self.accepts = accepts
            self.startDay = startDay
            self.endDay = endDay
            self.collapsePerYear = collapsePerYear
            self.capacityPerMonth = capacityPerMonth
            self.flightEveryDays = flightEveryDays
            self.seatsPerFlight = seatsPerFlight
            self.firstFlightDay = firstFlightDay
            self.fearRate = fearRate
            self.positiveRate = positiveRate
            self.repatriationRate = repatriationRate
            self.riskScore = riskScore
            self.bindingAssurances = bindingAssurances
            self.lumpSumUSD = lumpSumUSD
            self.costPerPersonUSD = costPerPersonUSD
        }

        /// Which nationalities an arrangement takes.
        public enum Acceptance: Sendable, Equatable {
            /// `"any"`.
            case any
            /// A list of nationality codes.
            case only([CountryCode])

            public func includes(_ code: CountryCode) -> Bool {
                switch self {
                case .any: true
                case .only(let codes): codes.contains(code)
                }
            }
        }

        /// Whether the policy lets a person (protected or not) be sent here, before
        /// nationality and timing are considered (docs/simulation.md, the search).
        public func isAllowed(by policy: Policy, protected: Bool) -> Bool {
            if let threshold = policy.riskThreshold, !(riskScore < threshold) { return false }
            if policy.blockChainRefoulement, protected, repatriationRate > 0, !bindingAssurances { return false }
            return true
        }
    }
}
