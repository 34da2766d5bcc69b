import ArgumentParser
import CorridorDomain
import CorridorRules
import CorridorServices

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "May this person lawfully be transferred to this country at this time, and if not, why not?",
        discussion: """
            Runs the twelve gates for one case, one destination and one instant under a policy \
            profile (the store's active one unless --policy is given). Prints a readable \
            explanation with citations and what would clear each gate, or with --json the \
            decision as JSON (its shape, and every gate, in docs/decisions.md). Exits 0 when allowed, 3 when pending, 4 when blocked.
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The case id.")
    var caseID: String

    @OptionGroup var question: DecisionOptions

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        let service = RulesService(store: try await store.open())
        let decision = try await reportingRules {
            try await service.check(CaseRecord.ID(caseID), to: question.to.code, at: question.on.instant, policy: question.policy)
        }
        if json {
            print(decision.jsonText())
        } else {
            print(decision.explanation(countryName: ISO3166.names[question.to.code.rawValue] ?? question.to.code.rawValue))
        }
        switch decision.verdict {
        case .allowed: break
        case .pending: throw ExitCode(3)
        case .blocked: throw ExitCode(4)
        }
    }
}
