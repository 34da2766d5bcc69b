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
        var transitions: [String: Int] = [:]
        for destination in destinations {
            let a = caseload.outcomes(
                DestinationContext(destination: destination, instant: instant, policy: first, network: network, capacity: capacity))
            let b = caseload.outcomes(
                DestinationContext(destination: destination, instant: instant, policy: second, network: network, capacity: capacity))
            for index in a.indices {
                let va = a[index].verdict, vb = b[index].verdict
                transitions["\(va.rawValue) → \(vb.rawValue)", default: 0] += 1
                guard va != vb else { continue }
                let gate = GateID.allCases.first { a[index].result($0) != b[index].result($0) }
                differences.append(Difference(caseID: caseload.cases[index].id, destination: destination, first: va, second: vb, decidingGate: gate))
            }
        }
        return PolicyComparison(
            first: first, second: second, on: instant, destinations: destinations,
            evaluated: caseload.count * destinations.count, differences: differences, transitions: transitions)
    }
}
