import ArgumentParser
import CorridorSQLite
import CorridorServices
import CorridorStore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the tamper-evident log.",
        subcommands: [Verify.self, Replay.self, RebuildImage.self]
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
            abstract: "Rebuild state from the log in a scratch store and compare it with the current projections and the caseload image.")

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let opened = try await store.open()
            let report: ReplayReport
            let image: CaseloadAtRest.Check
            do {
                report = try await AuditReplay.run(opened)
                image = try await CaseloadAtRest.audit(opened)
            } catch let error as StoreError {
                throw CLIError(error.forOperator)
            }
            if report.matches {
                print("replay matches: \(report.eventsReplayed.grouped) records rebuild the current state")
                print(report.live.description)
            } else {
                Edge.printError("replay DIFFERS in: \(report.differingTables.joined(separator: ", "))")
                Edge.printError("current projections:\n\(report.live)\nrebuilt from the log:\n\(report.rebuilt)")
            }
            switch image {
            case .absent: print("caseload image: none kept (the next whole-caseload load rebuilds it from the log)")
            case .matches(let seq, let cases): print("caseload image matches the log: \(cases.grouped) cases at seq \(seq)")
            case .differs(let reason):
                Edge.printError("caseload image DIFFERS from the log: \(reason) (it is derived: `corridor audit rebuild-image` replaces it)")
            }
            if !report.matches || image.isProblem { throw ExitCode(2) }
        }
    }

    struct RebuildImage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rebuild-image",
            abstract: "Rebuild the caseload image (derived state) from the log and replace the one kept.",
            discussion: """
                Whole-caseload commands and the server start from the caseload image plus the records after it, and rebuild \
                it by themselves when it is missing, damaged or made from another log. This forces a rebuild from the log \
                (e.g. after `audit replay` reports that the image differs).
                """)

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let opened = try await store.open()
            try await opened.discardCaseloadImage()
            try await CaseloadImageRefresh.run(opened)
        }
    }
}

extension Int64 {
    var formatted: String { Int(self).grouped }
}
