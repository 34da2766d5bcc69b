import CorridorDomain

/// A network scenario as docs/simulation.md defines it: the population, the home removal
/// pipeline, the policy, and the third-country arrangements, over a horizon of `horizonDays`.
///
/// Build one from JSON with ``Scenario/init(json:)`` (every problem reported at once, each
/// naming its JSON path), take the shipped reference with ``Scenario/bundled(_:)``, or build
/// one in code and check it with ``Scenario/validated()``.
public struct Scenario: Sendable, Equatable {
    /// A short name (`network-2025`); informational.
    public var name: String?
    /// What the scenario represents; informational.
    public var description: String?
    /// H: the simulation covers continuous time [0, H) days.
    public var horizonDays: Int
    /// N0: people who exist at t = 0.
    public var initialBacklog: Int
    /// λ: Poisson arrivals per day until H.
    public var arrivalsPerDay: Double
    /// Seats on each home flight (flights at t = 1, 2, …, H − 1).
    public var homeSeatsPerDay: Int
    public var homeCostPerPersonUSD: Double
    public var injunctions: Injunctions
    public var policy: Policy
    /// Who the people are; shares sum to 1.
    public var nationalities: [Nationality]
    /// Third-country arrangements, in the order a search tries them.
    public var arrangements: [Arrangement]

    public init(
        name: String? = nil, description: String? = nil, horizonDays: Int, initialBacklog: Int, arrivalsPerDay: Double,
        homeSeatsPerDay: Int, homeCostPerPersonUSD: Double, injunctions: Injunctions, policy: Policy,
        nationalities: [Nationality], arrangements: [Arrangement]
    ) {
        self.name = name
        self.description = description
        self.horizonDays = horizonDays
        self.initialBacklog = initialBacklog
        self.arrivalsPerDay = arrivalsPerDay
        self.homeSeatsPerDay = homeSeatsPerDay
        self.homeCostPerPersonUSD = homeCostPerPersonUSD
        self.injunctions = injunctions
        self.policy = policy
        self.nationalities = nationalities
        self.arrangements = arrangements
    }

    /// Court injunctions halting third-country flights: a Poisson process of `ratePerYear`,
    /// each lasting Exp(`meanDays`).
    public struct Injunctions: Sendable, Equatable {
        public var ratePerYear: Double
        public var meanDays: Double
        public init(ratePerYear: Double, meanDays: Double) {
            self.ratePerYear = ratePerYear
            self.meanDays = meanDays
        }
        /// No injunctions ever.
        public static let none = Injunctions(ratePerYear: 0, meanDays: 0)
    }

    /// The procedural rules every third-country removal goes through.
    public struct Policy: Sendable, Equatable {
        /// The policy profile this models (`us-dvd-2025`); informational.
        public var id: String?
        public var noticeDays: Double
        public var screeningDays: Double
        public var waitAfterNegativeDays: Double
        /// When set, only arrangements whose `riskScore` is below it may be used.
        public var riskThreshold: Double?
        /// When set, a protected person is excluded from arrangements with onward returns
        /// (`repatriationRate` > 0) unless they carry binding assurances.
        public var blockChainRefoulement: Bool

        public init(
            id: String? = nil, noticeDays: Double, screeningDays: Double, waitAfterNegativeDays: Double,
            riskThreshold: Double? = nil, blockChainRefoulement: Bool = false
        ) {
            self.id = id
            self.noticeDays = noticeDays
            self.screeningDays = screeningDays
            self.waitAfterNegativeDays = waitAfterNegativeDays
            self.riskThreshold = riskThreshold
            self.blockChainRefoulement = blockChainRefoulement
        }
    }

    /// One nationality of the population.
    public struct Nationality: Sendable, Equatable {
        public var code: CountryCode
        /// Probability that a person has this nationality.
        public var share: Double
        /// Probability that the country issues travel documents to an unprotected national.
        public var acceptance: Double
        /// Mean days to obtain documents.
        public var docDays: Double
        /// Probability that a person holds withholding or CAT protection against this country.
        public var protectedShare: Double

        public init(code: CountryCode, share: Double, acceptance: Double, docDays: Double, protectedShare: Double) {
            self.code = code
            self.share = share
            self.acceptance = acceptance
            self.docDays = docDays
            self.protectedShare = protectedShare
        }
    }
}
