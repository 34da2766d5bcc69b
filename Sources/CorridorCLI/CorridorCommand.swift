import ArgumentParser

/// The `corridor` command: the system of record, rules engine and simulator for a
/// third-country transfer network.
public struct CorridorCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "corridor",
        abstract: "System of record, rules engine and simulator for third-country transfer networks.",
        discussion: """
            Records go into a tamper-evident, append-only log (SQLite by default, ./corridor.sqlite; \
            PostgreSQL with --db postgres://… or CORRIDOR_DATABASE_URL, for several servers on one log). \
            Start with `corridor serve`, which seeds the reference network and a synthetic caseload \
            into an empty store, or `corridor seed --reference` and `corridor import FILE`. \
            In the repository, docs/records.md describes the records, docs/decisions.md the gates \
            and policy profiles, and docs/simulation.md the simulator.
            """,
        subcommands: [
            ServeCommand.self, ImportCommand.self, ExportCommand.self, SeedCommand.self, CheckCommand.self, EligibleCommand.self,
            ImpactCommand.self, CompareCommand.self, TransfersCommand.self, ReportCommand.self, PolicyCommand.self, TokenCommand.self,
            AuditCommand.self, StatusCommand.self, MigrateCommand.self, SchemaCommand.self, BenchCommand.self, SimulateCommand.self,
        ]
    )

    public init() {}
}
