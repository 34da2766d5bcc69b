import ArgumentParser
import CorridorStore

extension Role: ExpressibleByArgument {}

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke API bearer tokens (stored hashed).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; its secret is printed once and never stored.",
            discussion: "Roles: officer, supervisor, counsel, monitor, public, admin.")
        @OptionGroup var store: StoreOptions
        @Option(name: .long, help: "The role: officer, supervisor, counsel, monitor, public or admin.") var role: Role
        @Option(name: .long, help: "Who or what the token is for.") var name: String

        func run() async throws {
            let (secret, info) = try await reportingRefusals("creating the token") {
                try await Tokens.issue(name: name, role: role, in: try await store.open(), context: Edge.context())
            }
            print(secret)
            Edge.printError("token \(info.id) for \(info.name) (\(info.role.rawValue)) created; the secret above is shown only once")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let tokens = try await store.open().tokens()
            if tokens.isEmpty { print("no tokens"); return }
            for token in tokens {
                let state = token.revokedAt.map { "revoked \($0)" } ?? "live"
                print("\(token.id)  \(token.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(token.name)  created \(token.createdAt)  \(state)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id; it stops working at once.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The token id (tok_…).") var id: String

        func run() async throws {
            guard try await store.open().revokeToken(id: id, context: Edge.context()) else {
                throw CLIError("no live token '\(id)'")
            }
            print("revoked \(id)")
        }
    }
}
