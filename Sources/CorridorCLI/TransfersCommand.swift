import ArgumentParser
import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore

struct TransfersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfers",
        abstract: "Transfers and their manifests, with each person's current verdict.",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List transfers with their status and load.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let transfers = try await store.open().transfers()
            if transfers.isEmpty { print("no transfers recorded"); return }
            print("id".padding(toLength: 16, withPad: " ", startingAt: 0) + "to   departs                status     on board / seats  arrangement")
            for t in transfers {
                let load = "\(t.onBoard.count) / \(t.record.seats)"
                print(
                    t.id.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)
                        + "\(t.record.destination)  \(t.record.departs.description.padding(toLength: 22, withPad: " ", startingAt: 0)) "
                        + t.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + " "
                        + load.padding(toLength: 17, withPad: " ", startingAt: 0) + " " + (t.record.arrangement?.rawValue ?? "—"))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one transfer: each person's verdict at departure, holds, and the manifest's history.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The transfer id.") var id: String
        @Option(name: .long, help: ArgumentHelp("Judge at this instant instead of the departure.", valueName: "when")) var at: WhenArgument?
        @Option(name: .long, help: ArgumentHelp("Policy profile (default: the active one).", valueName: "id")) var policy: String?

        func run() async throws {
            let service = TransferService(store: try await store.open())
            guard let detail = try await reportingRules({ try await service.detail(TransferRecord.ID(id), at: at?.instant, policy: policy) }) else {
                throw CLIError("no transfer '\(id)' has been recorded")
            }
            let t = detail.transfer
            print("transfer \(t.id) to \(t.record.destination), departs \(t.record.departs), \(t.status.rawValue)")
            print(
                "arrangement \(t.record.arrangement?.rawValue ?? "none"); seats \(t.record.seats); on board \(t.onBoard.count) (load factor \(Int((detail.loadFactor * 100).rounded()))%)"
            )
            for (step, instant) in t.steps.sorted(by: { $0.value < $1.value }) { print("  \(step.rawValue) at \(instant)") }
            print("\nverdicts at \(detail.judgedAt) under \(detail.policy.id) (\(detail.policy.version)):")
            for passenger in detail.passengers {
                if passenger.status == .struck { print("  \(passenger.caseID): struck"); continue }
                guard let decision = passenger.decision else { print("  \(passenger.caseID): case not found"); continue }
                let gates = decision.gates.filter { $0.result != .pass }.map { "\($0.gate.rawValue) \($0.result.rawValue)" }
                let hold = passenger.holds.isEmpty ? "" : "  ON HOLD: " + passenger.holds.map { "\($0.id) (\($0.citation))" }.joined(separator: ", ")
                print("  \(passenger.caseID): \(decision.verdict.rawValue)" + (gates.isEmpty ? "" : " — " + gates.joined(separator: ", ")) + hold)
            }
            print("\nhistory:")
            for event in detail.history {
                var line = "  #\(event.seq) \(event.recordedAt) \(event.type)"
                if let record = try? event.record() {
                    switch record {
                    case .manifestAdd(let r): line += " \(r.caseID)"
                    case .manifestStrike(let r): line += " \(r.caseID): \(r.reason ?? "")"
                    case .transferStep(let r): line += " at \(r.at)" + (r.policy.map { " under \($0)" } ?? "") + (r.reason.map { ": \($0)" } ?? "")
                    default: break
                    }
                }
                print(line + " (by \(event.actor))")
            }
        }
    }
}
