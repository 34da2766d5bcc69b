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
            discussion: """
                Roles: officer, supervisor, counsel, monitor, public, admin. A counsel token is bound to one \
                counsel name (--counsel, spelled as on the case records) and sees only the cases that name it.
                """)
        @OptionGroup var store: StoreOptions
        @Option(name: .long, help: "The role: officer, supervisor, counsel, monitor, public or admin.") var role: Role
        @Option(name: .long, help: "Who or what the token is for.") var name: String
        @Option(
            name: .long, help: ArgumentHelp("For --role counsel (required then): the counsel name as the case records spell it.", valueName: "name"))
        var counsel: String?

        func validate() throws {
            if role == .counsel, counsel == nil {
                throw ValidationError(
                    "--role counsel needs --counsel \"<name as on the case records>\": a counsel token sees only that counsel's clients")
            }
            if role != .counsel, counsel != nil { throw ValidationError("--counsel is only for --role counsel (got --role \(role.rawValue))") }
        }

        func run() async throws {
            let (secret, info) = try await reportingRefusals("creating the token") {
                try await Tokens.issue(name: name, role: role, counsel: counsel, in: try await store.open(), context: Edge.context())
            }
            print(secret)
            let bound = info.counsel.map { ", bound to counsel \"\($0)\"" } ?? ""
            Edge.printError("token \(info.id) for \(info.name) (\(info.role.rawValue)\(bound)) created; the secret above is shown only once")
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
                let bound = token.counsel.map { "  counsel \"\($0)\"" } ?? ""
                print(
                    "\(token.id)  \(token.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(token.name)\(bound)  created \(token.createdAt)  \(state)"
                )
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
