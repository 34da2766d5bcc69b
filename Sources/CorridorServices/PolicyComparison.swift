import CorridorDomain
import CorridorRules

/// The caseload's verdicts under two regimes, and who differs.
public struct PolicyComparison: Sendable {
    public struct Difference: Sendable {
        public var caseID: CaseRecord.ID
        public var destination: CountryCode
        public var first: Verdict
        public var second: Verdict
        /// The gate whose result differs first (in gate order): what decides the difference.
        public var decidingGate: GateID?
    }

    public var first: PolicyProfile
    public var second: PolicyProfile
    public var on: Instant
    public var destinations: [CountryCode]
    public var evaluated: Int
    public var differences: [Difference]
    /// Counts of (first verdict → second verdict) transitions.
    public var transitions: [String: Int]

    public static func run(
        caseload: Caseload, network: Network, capacity: CapacityUsage, first: PolicyProfile, second: PolicyProfile,
        destinations: [CountryCode], at instant: Instant
    ) -> PolicyComparison {
        var differences: [Difference] = []
        // Counts by (first verdict, second verdict), named once at the end.
        let verdicts: [Verdict] = [.allowed, .pending, .blocked]
        var counts = [Int](repeating: 0, count: verdicts.count * verdicts.count)
        for destination in destinations {
            // One pass per destination judges everyone under both profiles, each person decoded once.
            let both = caseload.outcomes([
                DestinationContext(destination: destination, instant: instant, policy: first, network: network, capacity: capacity),
                DestinationContext(destination: destination, instant: instant, policy: second, network: network, capacity: capacity),
            ])
            let a = both[0], b = both[1]
            for index in a.indices {
                let va = a[index].verdict, vb = b[index].verdict
                counts[verdicts.firstIndex(of: va)! * verdicts.count + verdicts.firstIndex(of: vb)!] += 1
                guard va != vb else { continue }
                let gate = GateID.allCases.first { a[index].result($0) != b[index].result($0) }
                differences.append(Difference(caseID: caseload.id(at: index), destination: destination, first: va, second: vb, decidingGate: gate))
            }
        }
        var transitions: [String: Int] = [:]
        for (i, va) in verdicts.enumerated() {
            for (j, vb) in verdicts.enumerated() where counts[i * verdicts.count + j] > 0 {
                transitions["\(va.rawValue) → \(vb.rawValue)"] = counts[i * verdicts.count + j]
            }
        }
        return PolicyComparison(
            first: first, second: second, on: instant, destinations: destinations,
            evaluated: caseload.count * destinations.count, differences: differences, transitions: transitions)
    }
}
