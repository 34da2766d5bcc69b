/// A seeded, deterministic synthetic caseload for demos and benchmarks. Every case id begins
/// `SYN-`, counsel names say "synthetic", and no value comes from a real person.
///
/// Nationality weights follow the final-order docket published by ICE for 24 Nov 2024
/// (ICE ERO's response to Congress, November 2024): the seven nationalities listed there with their counts, and
/// the unlisted remainder (806,030 of 1,445,549) spread evenly over a set of other frequent
/// nationalities — that spread is an assumption of this generator, not a published figure.
/// Rates of claims, notices, screenings, families and minors are illustrative assumptions,
/// stated in ``Rates``.
public struct SyntheticCaseload: Sequence, Sendable {
    /// A nationality's weight in the caseload.
    public struct Weight: Sendable {
        public let code: CountryCode
        public let weight: Double
        public let source: String
    }

    public static let docketSource = "ICE, final orders on the non-detained docket as of 2024-11-24 [S228]"
    public static let assumption = "assumption: unlisted remainder spread evenly"

    public static let nationalityWeights: [Weight] = {
        let listed: [(String, Double)] = [
            ("GTM", 253_413), ("SLV", 203_822), ("CUB", 42_084), ("BRA", 38_677), ("CHN", 37_908), ("HTI", 32_363), ("ECU", 31_252),
        ]
        let others = ["HND", "MEX", "VEN", "NIC", "COL", "IND", "VNM", "RUS", "IRN", "JAM", "NGA", "DOM"]
        let remainder = 1_445_549.0 - listed.reduce(0) { $0 + $1.1 }
        return listed.map { Weight(code: CountryCode($0.0), weight: $0.1, source: docketSource) }
            + others.map { Weight(code: CountryCode($0), weight: remainder / Double(others.count), source: assumption) }
    }()

    /// Illustrative rates (assumptions, varied freely in tests).
    public struct Rates: Sendable {
        public var finalOrder = 0.9
        public var designatedCountry = 0.6
        public var dualNational = 0.02
        public var asylumTransferPathway = 0.03
        public var familyUnit = 0.08
        public var unaccompaniedMinor = 0.01
        public var criminalRecord = 0.25
        public var represented = 0.3
        public var withholdingGranted = 0.03
        public var catGranted = 0.01
        public var asylumPending = 0.05
        public var claimDenied = 0.10
        public var thirdCountryNotice = 0.06
        public var fearGivenNotice = 0.4
        public var screenedGivenFear = 0.7
        public var positiveScreening = 0.2
        public var aeaGivenVenezuelan = 0.02
        public init() {}
    }

    /// Third countries notices name, weighted towards the partners that took most people.
    static let noticeDestinations: [CountryCode] = ["MEX", "MEX", "MEX", "SLV", "HND", "GTM", "CRI", "PAN", "SWZ", "RWA", "GNQ", "GHA", "CMR", "SSD"]

    public let count: Int
    public let seed: UInt64
    public let rates: Rates

    public init(count: Int, seed: UInt64, rates: Rates = Rates()) {
        self.count = count
        self.seed = seed
        self.rates = rates
    }

    /// The id of the i-th synthetic case (0-based).
    public static func caseID(_ index: Int) -> String {
        let digits = String(index + 1)
        return "SYN-" + String(repeating: "0", count: Swift.max(0, 7 - digits.count)) + digits
    }

    public func makeIterator() -> Iterator { Iterator(caseload: self) }

    /// Yields, case by case, the records of each case (the `case` line first).
    public struct Iterator: IteratorProtocol {
        let caseload: SyntheticCaseload
        var index = 0
        var familyRemaining = 0
        var familyID: String?
        var familyNationality: CountryCode?

        public mutating func next() -> [JSONValue]? {
            guard index < caseload.count else { return nil }
            defer { index += 1 }
            return caseload.records(forCase: index, family: &self)
        }
    }

    static let cumulative: [Double] = {
        let total = nationalityWeights.reduce(0) { $0 + $1.weight }
        var running = 0.0
        return nationalityWeights.map {
            running += $0.weight / total; return running
        }
    }()

    static func pickNationality(_ rng: inout SplitMix64) -> CountryCode {
        let u = rng.nextUnit()
        let index = cumulative.firstIndex { u < $0 } ?? (cumulative.count - 1)
        return nationalityWeights[index].code
    }

    static func day(_ rng: inout SplitMix64, from: Day, to: Day) -> String {
        Day(daysSinceEpoch: from.daysSinceEpoch + Int32(rng.int(in: 0...Int(to.daysSinceEpoch - from.daysSinceEpoch)))).description
    }

    func records(forCase index: Int, family: inout Iterator) -> [JSONValue] {
        // Mix the index before seeding: SplitMix64 steps by its own constant, so seeding case i
        // with `seed + i * constant` would make case i+1's draws case i's shifted by one.
        var mixer = SplitMix64(seed: UInt64(index) &+ 1)
        var rng = SplitMix64(seed: seed ^ mixer.next())
        let id = JSONValue.string(Self.caseID(index))
        var records: [JSONValue] = []

        // Families: consecutive cases share a unit id and a nationality.
        var nationality = Self.pickNationality(&rng)
        var familyUnit: String?
        if family.familyRemaining > 0, let unit = family.familyID, let shared = family.familyNationality {
            family.familyRemaining -= 1
            familyUnit = unit
            nationality = shared
        } else if rng.chance(rates.familyUnit) {
            family.familyRemaining = rng.int(in: 1...3)
            familyUnit = "SYN-FAM-" + String(index + 1)
            family.familyID = familyUnit
            family.familyNationality = nationality
        }

        var nationalities: [JSONValue] = [.string(nationality.rawValue)]
        if rng.chance(rates.dualNational) {
            let second = Self.pickNationality(&rng)
            if second != nationality { nationalities.append(.string(second.rawValue)) }
        }
        let minor = familyUnit == nil && rng.chance(rates.unaccompaniedMinor)
        let birthYear = minor ? rng.int(in: 2009...2012) : rng.int(in: 1960...2006)
        let pathway = rng.chance(rates.asylumTransferPathway) ? "asylum-transfer" : "removal"
        var caseObject: [String: JSONValue] = [
            "type": "case", "case": id, "nationalities": .array(nationalities), "birthYear": .number(Double(birthYear)),
        ]
        if pathway != "removal" { caseObject["pathway"] = .string(pathway) }
        if minor { caseObject["unaccompaniedMinor"] = true }
        if let familyUnit { caseObject["familyUnit"] = .string(familyUnit) }
        if !minor, rng.chance(rates.criminalRecord) { caseObject["criminalRecord"] = true }
        if rng.chance(rates.represented) { caseObject["counsel"] = .string("Synthetic counsel \(rng.int(in: 1...500))") }
        records.append(.object(caseObject))

        if pathway == "removal" {
            let orderDay = Self.day(&rng, from: Day(year: 2016, month: 1, day: 1)!, to: Day(year: 2025, month: 6, day: 30)!)
            var order: [String: JSONValue] = [
                "type": "order", "case": id, "kind": rng.chance(rates.finalOrder) ? "final" : "pending", "on": .string(orderDay),
            ]
            if rng.chance(rates.designatedCountry) { order["designatedCountry"] = .string(nationality.rawValue) }
            records.append(.object(order))
        }

        // Country-specific protection claims against the country of nationality.
        let claimFrom = Day(year: 2017, month: 1, day: 1)!, claimTo = Day(year: 2025, month: 9, day: 30)!
        let u = rng.nextUnit()
        var claim: (String, String)?
        if u < rates.withholdingGranted {
            claim = ("withholding", "granted")
        } else if u < rates.withholdingGranted + rates.catGranted {
            claim = ("cat", "granted")
        } else if u < rates.withholdingGranted + rates.catGranted + rates.asylumPending {
            claim = ("asylum", "pending")
        } else if u < rates.withholdingGranted + rates.catGranted + rates.asylumPending + rates.claimDenied {
            claim = ("asylum", "denied")
        }
        if let (kind, status) = claim {
            records.append([
                "type": "claim", "case": id, "claim": .string(kind), "against": .string(nationality.rawValue),
                "status": .string(status), "on": .string(Self.day(&rng, from: claimFrom, to: claimTo)),
            ])
        }

        if nationality == "VEN", rng.chance(rates.aeaGivenVenezuelan) {
            records.append([
                "type": "designation", "case": id, "kind": "aea", "on": "2025-03-15", "basis": "Proclamation 10903 (synthetic designation)",
            ])
        }

        if rng.chance(rates.thirdCountryNotice) {
            var destination = Self.noticeDestinations[rng.int(in: 0...(Self.noticeDestinations.count - 1))]
            if destination == nationality { destination = "PAN" }
            let served = Day(daysSinceEpoch: Day(year: 2025, month: 3, day: 1)!.daysSinceEpoch + Int32(rng.int(in: 0...240)))
            let hour = rng.int(in: 8...17)
            records.append([
                "type": "notice", "case": id, "destination": .string(destination.rawValue),
                "servedOn": .string(served.description + "T" + (hour < 10 ? "0" : "") + String(hour) + ":00:00Z"),
                "language": "es", "counselNotified": .bool(caseObject["counsel"] != nil),
            ])
            if rng.chance(rates.fearGivenNotice) {
                let fearDay = served.adding(days: rng.int(in: 1...9))
                records.append(["type": "fear", "case": id, "destination": .string(destination.rawValue), "on": .string(fearDay.description)])
                if rng.chance(rates.screenedGivenFear) {
                    records.append([
                        "type": "screening", "case": id, "destination": .string(destination.rawValue),
                        "outcome": rng.chance(rates.positiveScreening) ? "positive" : "negative",
                        "on": .string(fearDay.adding(days: rng.int(in: 1...5)).description), "standard": "reasonable fear",
                    ])
                }
            }
        }
        return records
    }
}
