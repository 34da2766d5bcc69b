import ArgumentParser
import CorridorDomain
import CorridorRules
import CorridorServices
import Foundation

struct EligibleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eligible",
        abstract: "Everyone who may lawfully go to a country at a time, and how many each gate blocks.",
        discussion: """
            Starts from the caseload image the store keeps (and the records after it), or rebuilds it from the log when \
            there is none or it cannot be used (saying why, on standard error), then judges everyone in parallel. \
            Allowed case ids are listed in id order.
            """
    )

    @OptionGroup var store: StoreOptions

    @OptionGroup var question: DecisionOptions

    @Option(name: .long, help: "List at most this many eligible case ids (0 for none).")
    var limit: Int = 50

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func validate() throws { try CommandLimits.check("--limit", limit, in: 0...10_000_000) }

    func run() async throws {
        let service = RulesService(store: try await store.open())
        let profile = try await reportingRules { try await service.profile(question.policy) }
        let caseload = try await service.loadCaseloadSayingHow()
        let result = caseload.eligibility(try await service.destination(question.to.code, at: question.on.instant, policy: profile))
        if json {
            let object: [String: Any] = [
                "destination": result.destination.rawValue, "on": result.on.description, "policy": result.policy,
                "policyVersion": result.policyVersion, "total": result.total, "allowedCount": result.allowed.count,
                "blockedCount": result.blockedCount, "pendingCount": result.pendingCount,
                "failing": Dictionary(uniqueKeysWithValues: result.failing.map { ($0.key.rawValue, $0.value) }),
                "waiting": Dictionary(uniqueKeysWithValues: result.waiting.map { ($0.key.rawValue, $0.value) }),
                "allowed": result.allowed.prefix(limit).map(\.rawValue),
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("\(result.destination) at \(result.on) under \(result.policy) (\(result.policyVersion)): \(result.total.grouped) cases")
        print("  allowed \(result.allowed.count.grouped), pending \(result.pendingCount.grouped), blocked \(result.blockedCount.grouped)")
        print("\nper gate (a person may fail or wait at several):")
        for gate in GateID.allCases {
            let failing = result.failing[gate] ?? 0, waiting = result.waiting[gate] ?? 0
            guard failing + waiting > 0 else { continue }
            print("  \(gate.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) blocks \(failing.grouped), waiting \(waiting.grouped)")
        }
        if limit > 0, !result.allowed.isEmpty {
            print("\nallowed (first \(Swift.min(limit, result.allowed.count))):")
            for id in result.allowed.prefix(limit) { print("  \(id)") }
        }
    }
}
