import ArgumentParser
import CorridorDomain
import CorridorRules
import CorridorServices

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "May this person lawfully be transferred to this country at this time, and if not, why not?",
        discussion: """
            Runs the twelve gates for one case, one destination and one instant under a policy
            profile (the store's active one unless --policy is given). Prints a readable
            explanation with citations and what would clear each gate, or with --json the
            contract of DESIGN.md. Exits 0 when allowed, 3 when pending, 4 when blocked.
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The case id.")
    var caseID: String

    @Option(name: .long, help: ArgumentHelp("Destination (ISO 3166-1 alpha-3).", valueName: "iso3"))
    var to: CountryArgument

    @Option(name: .long, help: WhenArgument.help)
    var on: WhenArgument

    @Option(name: .long, help: ArgumentHelp("Policy profile (us-dhs-2025, us-dvd-2025, unhcr-2013).", valueName: "id"))
    var policy: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() throws {
        let service = RulesService(store: try store.open())
        let decision = try reportingRules { try service.check(CaseRecord.ID(caseID), to: to.code, at: on.instant, policy: policy) }
        if json {
            print(decision.jsonText())
        } else {
            print(decision.explanation(countryName: ISO3166.names[to.code.rawValue] ?? to.code.rawValue))
        }
        switch decision.verdict {
        case .allowed: break
        case .pending: throw ExitCode(3)
        case .blocked: throw ExitCode(4)
        }
    }
}
