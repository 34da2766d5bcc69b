import ArgumentParser
import CorridorSQLite
import CorridorServices
import CorridorStore
import CorridorWeb
import Foundation
import Hummingbird
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Corridor server.",
        discussion: """
            On first start with an empty store, records the reference network and 20,000 synthetic \
            cases (seed 1), with a handful of synthetic demo transfers around today, so that a newcomer has a working system. \
            Instances started at once on one empty PostgreSQL database seed it once (the others wait for it). Stops cleanly on SIGINT or SIGTERM.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on.")
    var port: Int = 8080

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Least severe log level written to standard error: trace, debug, info (one line per request), notice, warning, error or critical.",
            valueName: "level"))
    var logLevel: String = "info"

    @Option(name: .long, help: ArgumentHelp("Synthetic cases to seed into an empty store.", valueName: "n"))
    var seedCases: Int = 20_000

    @Option(
        name: .long,
        help: ArgumentHelp("Close a connection that sends nothing, or only part of a request, for this many seconds.", valueName: "seconds"))
    var idleTimeout: Int = 30

    @Option(name: .long, help: ArgumentHelp("Connections open at once; past this, new ones wait until one closes.", valueName: "n"))
    var maxConnections: Int = 10_000

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Connections open at once from one client address; more are closed at once (0: no limit, e.g. behind a proxy).", valueName: "n"))
    var maxConnectionsPerClient: Int = 256

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Failed authentications a client address may make in a minute before it is answered 429 until the minute ends (0: no limit, e.g. behind a proxy that limits them).",
            valueName: "n"))
    var authFailureLimit: Int = 10

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Let webhooks go to this address range although it is loopback, private or link-local (CIDR, e.g. 127.0.0.0/8 for development and tests); repeatable. Without it such subscriptions are refused.",
            valueName: "cidr"))
    var webhookAllow: [String] = []

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535 (got \(port))") }
        try CommandLimits.check("--seed-cases", seedCases, in: 0...50_000_000)
        try CommandLimits.check("--idle-timeout", idleTimeout, in: 1...3_600)
        try CommandLimits.check("--max-connections", maxConnections, in: 1...1_000_000)
        try CommandLimits.check("--max-connections-per-client", maxConnectionsPerClient, in: 0...1_000_000)
        try CommandLimits.check("--auth-failure-limit", authFailureLimit, in: 0...1_000_000)
        for text in webhookAllow where AddressRange(text) == nil {
            throw ValidationError("--webhook-allow '\(text)' is not an address range in CIDR notation (e.g. 127.0.0.0/8 or fd00::/8)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(logLevel)')")
        }
    }

    func run() async throws {
        // Structured (logfmt) lines on standard error, written in batches off the request path.
        var logger = Logger(label: "corridor") { LogfmtLogHandler(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        defer { LogSink.standardError.flushNow() }
        // Before seeding or announcing anything: a taken port is one clear message, nothing else.
        if let problem = ListenCheck.problem(host: host, port: port) { throw CLIError(problem) }
        let served = try await ServedStore.open(try self.store.location(), logger: logger)
        defer { served.stop() }
        let store = served.store
        // Deciding "empty" and seeding are one step across instances (the store's setup lock):
        // instances started at once on one empty database seed it once.
        let seeded = try await reportingRefusals("seeding") {
            try await FirstStart.seedIfEmpty(store, cases: seedCases, now: Edge.now, context: { Edge.context(actor: $0) }) {
                logger.info("empty store: seeding the reference network and \(seedCases) synthetic cases", metadata: ["db": "\(self.store.db)"])
            }
        }
        if let seeded, !seeded.demoTransfers.isEmpty {
            logger.info("seeded the synthetic demo transfers", metadata: ["transfers": "\(seeded.demoTransfers.joined(separator: " "))"])
        }
        let adminSecret = seeded?.adminSecret
        // The store's services (SQLite's checkpointer, PostgreSQL's change listener) and the log
        // sink run in the server's service group and stop after it.
        var configuration = ServerConfiguration(
            host: host, port: port, idleTimeout: .seconds(idleTimeout), maximumConnections: maxConnections,
            maximumConnectionsPerClient: maxConnectionsPerClient)
        configuration.authFailuresPerMinute = authFailureLimit
        configuration.webhooks.addresses = WebhookAddressPolicy(allowed: webhookAllow.compactMap(AddressRange.init))
        if !webhookAllow.isEmpty {
            logger.notice("webhooks may go to these otherwise refused ranges", metadata: ["allowed": "\(webhookAllow.joined(separator: ","))"])
        }
        let app = try await buildApplication(
            store: store, configuration: configuration, logger: logger, clock: Edge.now,
            services: [LogSink.standardError] + served.services, changes: served.changes)
        var announcement = "Corridor is serving \(self.store.db) at http://\(host):\(port)/\n"
        if let adminSecret {
            announcement +=
                ("""
                An admin token was created for this new store (it is shown only now; the store keeps only its hash):

                    \(adminSecret)

                Use it as 'Authorization: Bearer <token>' for the API (reference: http://\(host):\(port)/docs/api),
                or create tokens per role: swift run corridor token create --role officer --name "…" --db \(self.store.db)

                """)
        }
        FileHandle.standardOutput.write(Data(announcement.utf8))
        do {
            try await app.runService()
        } catch {
            // The port can be taken between the check above and the server's own bind.
            if let problem = ListenCheck.problem(error, host: host, port: port) { throw CLIError(problem) }
            throw error
        }
        // Graceful stop (SIGINT/SIGTERM): requests in flight were answered, the read log is
        // committed, and the checkpointer gave checkpoints back to SQLite, so closing folds the
        // WAL into the database.
        logger.info("stopped", metadata: ["db": "\(self.store.db)"])
    }
}
