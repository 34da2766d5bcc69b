import ArgumentParser
import CorridorSQLite
import CorridorStore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the tamper-evident log.",
        subcommands: [Verify.self, Replay.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain; on tampering, name the first bad event and exit non-zero.")

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let result = try await store.open().verifyChain()
            if let bad = result.firstBad {
                Edge.printError("chain BROKEN at seq \(bad.seq): \(bad.reason)")
                Edge.printError("\(result.eventsChecked.formatted) events before it verify; the last good hash is \(result.head.hash)")
                throw ExitCode(2)
            }
            print("chain intact: \(result.eventsChecked.formatted) events, head seq \(result.head.seq), hash \(result.head.hash)")
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild state from the log in a scratch store and compare it with the current projections.")

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let report: ReplayReport
            do { report = try await AuditReplay.run(try store.open()) } catch let error as StoreError {
                throw CLIError(error.forOperator)
            }
            if report.matches {
                print("replay matches: \(report.eventsReplayed.grouped) records rebuild the current state")
                print(report.live.description)
            } else {
                Edge.printError("replay DIFFERS in: \(report.differingTables.joined(separator: ", "))")
                Edge.printError("current projections:\n\(report.live)\nrebuilt from the log:\n\(report.rebuilt)")
                throw ExitCode(2)
            }
        }
    }
}

extension Int64 {
    var formatted: String { Int(self).grouped }
}
