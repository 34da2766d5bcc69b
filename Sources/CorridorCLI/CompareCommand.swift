import ArgumentParser
import CorridorDomain
import CorridorRules
import CorridorSQLite
import CorridorServices

struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Cases whose verdict differs between two policy profiles, with the deciding gate.",
        discussion: """
            Evaluates every case against each destination (--to, repeatable; default: every partner \
            with an arrangement active on the date) under both profiles.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("A policy profile; give exactly two.", valueName: "id"))
    var policy: [String] = []

    @Option(name: .long, help: WhenArgument.help)
    var on: WhenArgument?

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Destination(s) to compare (default: active partners).", valueName: "iso3"))
    var to: [CountryArgument] = []

    @Option(name: .long, help: "List at most this many differing cases.")
    var limit: Int = 50

    func validate() throws {
        guard policy.count == 2 else { throw ValidationError("give exactly two profiles: --policy A --policy B (got \(policy.count))") }
        guard policy[0] != policy[1] else { throw ValidationError("the two profiles are the same ('\(policy[0])')") }
        try CommandLimits.check("--limit", limit, in: 0...10_000_000)
    }

    func run() async throws {
        let service = RulesService(store: try await store.open())
        let first = try await reportingRules { try await service.profile(policy[0]) }
        let second = try await reportingRules { try await service.profile(policy[1]) }
        let instant = on?.instant ?? Edge.now()
        let network = try await service.store.network()
        let destinations =
            to.isEmpty ? RulesService<AnyStore>.activePartners(network, on: instant.day, removingState: first.removingState) : to.map(\.code)
        let comparison = PolicyComparison.run(
            caseload: try await service.loadCaseloadSayingHow(), network: network, capacity: try await service.capacityUsage(),
            first: first, second: second, destinations: destinations, at: instant)
        print("\(first.id) (\(first.version)) vs \(second.id) (\(second.version)) at \(instant)")
        print("destinations: \(destinations.map(\.rawValue).joined(separator: ", "))")
        print("\(comparison.evaluated.grouped) case-destination pairs; \(comparison.differences.count.grouped) differ\n")
        for (transition, count) in comparison.transitions.sorted(by: { $0.key < $1.key }) where !transition.hasPrefix("x") {
            let parts = transition.components(separatedBy: " → ")
            if parts.count == 2, parts[0] != parts[1] { print("  \(transition): \(count.grouped)") }
        }
        var byGate: [String: Int] = [:]
        for difference in comparison.differences { byGate[difference.decidingGate?.rawValue ?? "-", default: 0] += 1 }
        if !byGate.isEmpty {
            print("\ndeciding gate:")
            for (gate, count) in byGate.sorted(by: { $0.value > $1.value }) { print("  \(gate): \(count.grouped)") }
        }
        if limit > 0, !comparison.differences.isEmpty {
            print("\nfirst \(Swift.min(limit, comparison.differences.count)) differences:")
            for d in comparison.differences.prefix(limit) {
                print(
                    "  \(d.caseID) → \(d.destination): \(d.first.rawValue) under \(first.id), \(d.second.rawValue) under \(second.id) (\(d.decidingGate?.rawValue ?? "-"))"
                )
            }
        }
    }
}
