import CorridorDomain
import CorridorTestSupport
import PropertyBased

/// The small fixed world the departure property runs in, and the generator of random record
/// sequences over it.
///
/// - Countries: Venezuela and Cuba refuse returns; Guatemala and Honduras accept them; El
///   Salvador, Eswatini and Costa Rica are partners with varied terms and capacities;
///   `aca-hnd` is an asylum cooperative agreement with Honduras.
/// - Ten cases: Venezuelans (`P1`; `P2` with counsel; `P8` an unaccompanied minor), Cubans
///   (`P3` with a criminal record; `P4` and `P5`, the family unit `F1`, `P5` a child; `P10`),
///   `P6` (Guatemala), `P7` (Honduras) and `P9` (Guatemala, asylum-transfer pathway). All but
///   `P9` have final orders; many were served notices naming a partner on 2025-06-01.
///
/// A sequence is a few *transfer threads* (create a transfer, add people — mostly ones its
/// destination could lawfully take —, perhaps strike one, lock, depart at some instant near the
/// scheduled one, perhaps arrive and record a disposition) randomly interleaved with *noise*:
/// notices, claims, fear claims, screenings, orders, designations, court orders and lifts,
/// arrangement-status changes, profile changes, re-recorded cases, and manifest and transfer
/// steps on random transfers at random instants. Most noise is refused; that is the point.
enum PropertyWorld {
    /// One step of a sequence: a record to append, or a `corridor policy use`.
    enum Step: Sendable, CustomStringConvertible {
        case record(JSONValue)
        case useProfile(String)

        var description: String {
            switch self {
            case .record(let value): value.canonicalString
            case .useProfile(let id): "policy use \(id)"
            }
        }
    }

    static let length = 40
    static let day0 = Day(year: 2025, month: 6, day: 1)!
    static let caseIDs = ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10"]
    static let transferIDs = ["T0", "T1", "T2", "T3", "T4", "T5"]
    static let courtOrderIDs = ["K0", "K1", "K2", "K3"]
    static let arrangementIDs = ["arr-slv", "arr-swz", "arr-cri", "aca-hnd"]
    static let profiles = ["us-dvd-2025", "us-dhs-2025", "unhcr-2013"]
    static let destinations: [(weight: Int, code: String)] = [(30, "SLV"), (20, "GTM"), (15, "SWZ"), (15, "CRI"), (15, "HND"), (3, "VEN")]
    static let arrangementFor = ["SLV": "arr-slv", "SWZ": "arr-swz", "CRI": "arr-cri", "HND": "aca-hnd"]
    /// Who each destination could lawfully take, given the right facts.
    static let likelyFor = [
        "SLV": ["P1", "P2", "P3", "P4", "P10"], "SWZ": ["P1", "P2", "P3", "P10"], "CRI": ["P1", "P4", "P10"],
        "GTM": ["P6"], "HND": ["P7", "P9"], "VEN": ["P1", "P8"],
    ]
    static let family = ["P4", "P5"]
    static let countries = ["VEN", "CUB", "GTM", "HND", "SLV", "SWZ", "CRI"]

    static let people: [String: JSONValue] = [
        "P1": Fixture.person("P1", "VEN"),
        "P2": Fixture.person("P2", "VEN", extra: ["counsel": "Counsel of record"]),
        "P3": Fixture.person("P3", "CUB", extra: ["criminalRecord": true]),
        "P4": Fixture.person("P4", "CUB", extra: ["familyUnit": "F1", "criminalRecord": false]),
        "P5": Fixture.person("P5", "CUB", extra: ["familyUnit": "F1", "birthYear": 2012]),
        "P6": Fixture.person("P6", "GTM"),
        "P7": Fixture.person("P7", "HND"),
        "P8": Fixture.person("P8", "VEN", extra: ["unaccompaniedMinor": true, "birthYear": 2009]),
        "P9": Fixture.person("P9", "GTM", extra: ["pathway": "asylum-transfer"]),
        "P10": Fixture.person("P10", "CUB", extra: ["criminalRecord": false]),
    ]

    /// Terms of each arrangement, for checking capacity afterwards.
    static let capacity: [String: (total: Int?, perMonth: Int?)] = [
        "arr-slv": (6, 3), "arr-swz": (3, nil), "arr-cri": (nil, 2), "aca-hnd": (nil, nil),
    ]

    static let baseRecords: [JSONValue] = {
        var records: [JSONValue] = [
            Fixture.country("USA"),
            Fixture.country("VEN", returns: "refuses", risk: 0.85), Fixture.country("CUB", returns: "refuses", risk: 0.8),
            Fixture.country("GTM", returns: "accepts", risk: 0.45), Fixture.country("HND", returns: "accepts", risk: 0.5),
            Fixture.country("SLV", returns: "accepts", risk: 0.55), Fixture.country("SWZ", returns: "accepts", risk: 0.7),
            Fixture.country("CRI", returns: "accepts", risk: 0.1),
            Fixture.arrangement(
                "arr-slv", partner: "SLV",
                terms: [
                    "nationalities": "any", "capacityTotal": 6, "capacityPerMonth": 3, "hostHandling": ["detention", "repatriation"],
                    "assurances": ["nonReturn": false], "payment": ["lumpSumUSD": 6_000_000, "perPersonUSD": 20_000],
                ]),
            TestRecords.arrangementStatus("arr-slv", "active", on: "2025-03-01"),
            Fixture.arrangement(
                "arr-swz", partner: "SWZ",
                terms: [
                    "nationalities": ["VEN", "CUB", "HND"], "excludesMinors": true, "excludesFamilies": true, "capacityTotal": 3,
                    "hostHandling": ["detention", "repatriation"], "assurances": ["nonReturn": true, "credibleFinding": true],
                ]),
            TestRecords.arrangementStatus("arr-swz", "signed", on: "2025-05-01"),
            TestRecords.arrangementStatus("arr-swz", "active", on: "2025-06-15"),
            Fixture.arrangement(
                "arr-cri", partner: "CRI", kind: "transit",
                terms: [
                    "nationalities": "any", "capacityPerMonth": 2, "hostHandling": ["release"],
                    "assurances": ["nonReturn": true, "binding": true, "credibleFinding": true],
                ]),
            TestRecords.arrangementStatus("arr-cri", "active", on: "2025-02-20"),
            Fixture.arrangement(
                "aca-hnd", partner: "HND", kind: "asylum-cooperative",
                terms: [
                    "nationalities": ["GTM", "SLV"], "hostHandling": ["asylum"],
                ]),
            TestRecords.arrangementStatus("aca-hnd", "active", on: "2025-06-01"),
        ]
        records += caseIDs.map { people[$0]! }
        records += caseIDs.filter { $0 != "P9" }.map { TestRecords.order($0, kind: "final", on: "2025-01-10") }
        let notices: [(String, String)] = [
            ("P1", "SLV"), ("P3", "SLV"), ("P4", "SLV"), ("P5", "SLV"), ("P10", "SLV"),
            ("P1", "CRI"), ("P4", "CRI"), ("P5", "CRI"), ("P10", "CRI"), ("P1", "SWZ"), ("P3", "SWZ"), ("P10", "SWZ"), ("P9", "HND"),
        ]
        records += notices.map { Fixture.notice($0.0, $0.1) }
        records.append(Fixture.notice("P2", "SLV", counselNotified: true))
        records.append(Fixture.notice("P2", "SWZ", counselNotified: true))
        return records
    }()

    /// Sequences of ``length`` steps; shrinking drops steps (halves first, then one at a time).
    static let sequences = Generator<[Step], [[Step]]>(
        run: { rng in sequence(using: &rng) },
        shrink: { steps in
            guard steps.count > 1 else { return steps.isEmpty ? [] : [[]] }
            let half = steps.count / 2
            var candidates = [Array(steps[half...]), Array(steps[..<half])]
            for index in steps.indices {
                var shorter = steps
                shorter.remove(at: index)
                candidates.append(shorter)
            }
            return candidates
        }
    )

    static func sequence<R: RandomNumberGenerator>(using rng: inout R) -> [Step] {
        var draw = Draw(rng: rng)
        defer { rng = draw.rng }
        let threadCount = draw.int(3...4)
        var ids = transferIDs
        ids.shuffle(using: &draw.rng)
        var threads = ids.prefix(threadCount).map { draw.thread($0) }
        let noiseCount = max(5, length - threads.reduce(0) { $0 + $1.count })
        threads.append((0..<noiseCount).map { _ in draw.noise() })
        // Interleave, keeping each thread's order.
        var steps: [Step] = []
        var positions = [Int](repeating: 0, count: threads.count)
        while steps.count < length {
            let open = threads.indices.filter { positions[$0] < threads[$0].count }
            guard !open.isEmpty else { break }
            let weights = open.map { threads[$0].count - positions[$0] }
            var pick = draw.int(0...(weights.reduce(0, +) - 1))
            var chosen = open[0]
            for (index, weight) in zip(open, weights) {
                if pick < weight { chosen = index; break }
                pick -= weight
            }
            steps.append(threads[chosen][positions[chosen]])
            positions[chosen] += 1
        }
        return steps
    }

    /// Random choices over the world.
    struct Draw<R: RandomNumberGenerator> {
        var rng: R

        mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
        mutating func weighted<T>(_ items: [(weight: Int, value: T)]) -> T {
            var roll = int(0...(items.reduce(0) { $0 + $1.weight } - 1))
            for item in items {
                if roll < item.weight { return item.value }
                roll -= item.weight
            }
            return items[items.count - 1].value
        }

        /// `YYYY-MM-DD`, `offset` days after 2025-06-01.
        func day(_ offset: Int) -> String { PropertyWorld.day0.adding(days: offset).description }
        func instant(_ offset: Int, hour: Int) -> String {
            day(offset) + "T" + (hour < 10 ? "0" : "") + String(hour) + ":00:00Z"
        }
        func shifted(_ instant: String, hours: Double) -> String {
            Instant(rfc3339: instant)!.adding(hours: hours).description
        }

        mutating func destination() -> String { weighted(PropertyWorld.destinations.map { ($0.weight, $0.code) }) }

        mutating func transferRecord(_ id: String, to destination: String, departs: String) -> JSONValue {
            Fixture.transfer(
                id, to: destination, departs: departs, seats: int(1...4),
                arrangement: chance(0.9) ? PropertyWorld.arrangementFor[destination] : nil,
                costUSD: chance(0.7) ? Double(int(1...40) * 5_000) : nil)
        }

        /// A transfer's life: scheduled, manifest built, locked, usually departed.
        mutating func thread(_ id: String) -> [Step] {
            let destination = destination()
            let departs = instant(int(25...110), hour: 10)
            var steps: [Step] = [.record(transferRecord(id, to: destination, departs: departs))]
            var people: [String] = []
            for _ in 0..<int(1...3) {
                let person = chance(0.85) ? pick(PropertyWorld.likelyFor[destination]!) : pick(PropertyWorld.caseIDs)
                for member in PropertyWorld.family.contains(person) ? PropertyWorld.family : [person] where !people.contains(member) {
                    people.append(member)
                }
            }
            steps += people.map { .record(TestRecords.manifestAdd(id, $0)) }
            if chance(0.15) { steps.append(.record(TestRecords.manifestStrike(id, pick(people), reason: "struck in the property test"))) }
            steps.append(.record(Fixture.step(.lock, id, at: shifted(departs, hours: -24 * Double(int(1...5))))))
            if chance(0.9) {
                let departAt = shifted(departs, hours: pick([-48, -3, 0, 0, 0, 2, 72, 480, 960]))
                steps.append(.record(Fixture.step(.depart, id, at: departAt, policy: chance(0.15) ? pick(PropertyWorld.profiles) : nil)))
                if chance(0.5) {
                    steps.append(.record(Fixture.step(.arrive, id, at: shifted(departAt, hours: 6))))
                    if chance(0.5) { steps.append(.record(disposition(pick(people), after: departAt))) }
                }
            } else if chance(0.5) {
                steps.append(.record(Fixture.step(.cancel, id, at: shifted(departs, hours: -12))))
            }
            return steps
        }

        mutating func disposition(_ person: String, after instant: String? = nil) -> JSONValue {
            let base = instant.flatMap { Instant(rfc3339: $0)?.day.daysSinceEpoch } ?? (PropertyWorld.day0.daysSinceEpoch + Int32(int(20...120)))
            let on = Day(daysSinceEpoch: base + Int32(int(1...30))).description
            let outcome = pick(["asylum-pending", "detained", "repatriated", "repatriated", "released", "resettled", "unknown"])
            return TestRecords.disposition(person, outcome: outcome, on: on, to: outcome == "repatriated" ? pick(["VEN", "CUB", "GTM", "HND"]) : nil)
        }

        mutating func courtOrder() -> JSONValue {
            let scopes: [JSONValue] = [
                ["nationalities": .array([.string(pick(["VEN", "CUB", "GTM"]))]), "thirdCountryOnly": true],
                ["nationalities": .array([.string(pick(["VEN", "CUB", "HND"]))])],
                ["cases": .array([.string(pick(PropertyWorld.caseIDs))])],
                ["destinations": .array([.string(destination())])],
                ["nationalities": .array([.string(pick(["VEN", "CUB"]))]), "destinations": .array([.string(destination())])],
                ["designations": ["aea"]],
                ["pathways": ["asylum-transfer"]],
            ]
            let issued = int(0...110)
            return Fixture.courtOrder(
                pick(PropertyWorld.courtOrderIDs), issuedOn: day(issued), scope: pick(scopes),
                effect: chance(0.6) ? "block" : ["noticeDays": .number(Double(int(5...20)))],
                expiresOn: chance(0.2) ? day(issued + int(5...40)) : nil)
        }

        mutating func noise() -> Step {
            let person = pick(PropertyWorld.caseIDs)
            let transfer = pick(PropertyWorld.transferIDs)
            switch weighted([
                (12, 0), (7, 1), (3, 2), (4, 3), (2, 4), (1, 5), (5, 6), (3, 7), (2, 8), (6, 9), (4, 10), (2, 11), (2, 12),
                (2, 13), (1, 14), (4, 15), (4, 16), (3, 17), (2, 18),
            ]) {
            case 0:
                return .record(
                    Fixture.notice(
                        person, chance(0.8) ? destination() : pick(PropertyWorld.countries),
                        servedOn: instant(int(-20...100), hour: int(0...23)),
                        language: chance(0.85) ? "es" : nil, counselNotified: chance(0.6) ? true : nil,
                        exigent: chance(0.15) ? true : nil))
            case 1:
                let status = weighted([(35, "pending"), (30, "granted"), (25, "denied"), (10, "withdrawn")])
                return .record(
                    TestRecords.claim(
                        person, pick(["asylum", "withholding", "cat", "cat-deferral"]),
                        against: pick(PropertyWorld.countries), status: status, on: day(int(-30...100))))
            case 2: return .record(Fixture.fear(person, destination(), on: day(int(-10...100))))
            case 3:
                return .record(Fixture.screening(person, destination(), outcome: chance(0.3) ? "positive" : "negative", on: day(int(-10...100))))
            case 4: return .record(TestRecords.order(person, kind: chance(0.7) ? "final" : "pending", on: day(int(-10...100))))
            case 5: return .record(Fixture.designation(person, on: day(int(-10...100))))
            case 6: return .record(courtOrder())
            case 7: return .record(TestRecords.courtOrderLift(pick(PropertyWorld.courtOrderIDs), on: day(int(0...120))))
            case 8:
                let destination = destination()
                return .record(transferRecord(transfer, to: destination, departs: instant(int(25...110), hour: 10)))
            case 9: return .record(TestRecords.manifestAdd(transfer, person))
            case 10: return .record(TestRecords.manifestStrike(transfer, person, reason: "struck at random"))
            case 11: return .record(Fixture.step(.lock, transfer, at: instant(int(10...110), hour: 12)))
            case 12:
                return .record(
                    Fixture.step(
                        .depart, transfer, at: instant(int(20...120), hour: int(0...23)),
                        policy: chance(0.15) ? pick(PropertyWorld.profiles) : nil))
            case 13: return .record(Fixture.step(.arrive, transfer, at: instant(int(20...120), hour: 18)))
            case 14: return .record(Fixture.step(.cancel, transfer, at: instant(int(10...110), hour: 8)))
            case 15: return .record(disposition(person))
            case 16:
                let status = weighted([(50, "active"), (25, "suspended"), (10, "terminated"), (15, "signed")])
                return .record(TestRecords.arrangementStatus(pick(PropertyWorld.arrangementIDs), status, on: day(int(0...110))))
            case 17: return .useProfile(pick(PropertyWorld.profiles))
            default:
                // The person re-recorded with one change.
                guard case .object(var fields) = PropertyWorld.people[person]! else { return .useProfile("us-dvd-2025") }
                switch int(0...3) {
                case 0: fields["closedOn"] = .string(day(int(0...100)))
                case 1: fields["familyUnit"] = fields["familyUnit"] == nil ? "F1" : nil
                case 2: fields["counsel"] = "New counsel"
                default: fields["unaccompaniedMinor"] = true
                }
                return .record(.object(fields.filter { $0.value != .null }))
            }
        }
    }
}
