import ArgumentParser
import CorridorRules
import CorridorServices

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show or choose the store's active policy profile.",
        subcommands: [Show.self, Use.self, List.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the active profile (or another) with every parameter and its legal reference.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "A profile id (default: the active one).") var id: String?

        func run() async throws {
            let service = RulesService(store: try await store.open())
            let profile = try await reportingRules { if let id { try PolicyLibrary.profile(id) } else { try await service.activePolicy() } }
            let active = try await service.activePolicy().id
            print("\(profile.id) version \(profile.version)\(profile.id == active ? " (active)" : "")")
            print(profile.title)
            print(profile.legalStatus)
            print("")
            for (name, _) in PolicyProfile.requiredParameters {
                let parameter = profile.parameters[name]!
                print("\(name): \(parameter.description)")
                for value in parameter.values {
                    print("  from \(value.from): \(value.value.canonicalString) — \(value.reference)")
                }
            }
        }
    }

    struct Use: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a profile the active one (recorded in the log).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The profile id.") var id: String

        func run() async throws {
            let service = RulesService(store: try await store.open())
            let profile = try await reportingRules { try await service.useProfile(id, context: Edge.context()) }
            print("active policy: \(profile.id) version \(profile.version)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the shipped profiles.")
        func run() {
            for id in PolicyLibrary.ids {
                let profile = PolicyLibrary.profiles[id]!
                print("\(id)\(id == PolicyLibrary.defaultID ? " (default)" : ""): \(profile.title)")
            }
        }
    }
}
