import ArgumentParser
import CorridorPostgres
import CorridorStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the store's schema up to this build's version.",
        discussion: """
            PostgreSQL (--db postgres://… or CORRIDOR_DATABASE_URL): applies the numbered migrations the \
            database lacks, recorded in its schema_migrations table, one instance at a time. `serve` does \
            the same before it starts; other commands refuse a database that is not migrated. A SQLite \
            file is migrated whenever it is opened: this opens it.
            """
    )

    @OptionGroup var store: StoreOptions

    func run() async throws {
        switch try store.location() {
        case .postgres(let url):
            let store = PostgresEventStore(url: url, maximumConnections: 1)
            let applied: [Int]
            do {
                applied = try await store.migrate()
                await store.close()
            } catch let error as StoreError {
                await store.close()
                throw CLIError(error.forOperator)
            }
            let version = PostgresEventStore.latestSchemaVersion
            print(
                applied.isEmpty
                    ? "\(url): the schema is at version \(version); nothing to do"
                    : "\(url): applied migration \(applied.map(String.init).joined(separator: ", ")); the schema is at version \(version)")
        case .sqlite(let path):
            _ = try await store.open()
            print("\(path): the schema is up to date")
        }
    }
}
