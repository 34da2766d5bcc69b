import ArgumentParser
import CorridorServices
import CorridorStore

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Record the reference network and/or a synthetic caseload.",
        discussion: """
            --reference records the public facts shipped with Corridor (arrangements, statuses, \
            countries, with sources and dates). --synthetic N --seed S records N synthetic cases, \
            deterministic for S, every id beginning SYN-. No real person's data is involved.
            """
    )

    @OptionGroup var store: StoreOptions

    @Flag(name: .long, help: "Record the reference network.")
    var reference = false

    @Option(name: .long, help: ArgumentHelp("Record this many synthetic cases.", valueName: "n"))
    var synthetic: Int?

    @Option(name: .long, help: ArgumentHelp("Seed of the synthetic caseload; the same seed gives the same cases.", valueName: "s"))
    var seed: UInt64 = 1

    @Flag(
        name: .long,
        help:
            "Record a handful of synthetic demo transfers around today (planned, locked, refused at departure with a hold, departed with dispositions), through the normal guarded path."
    )
    var demoTransfers = false

    func validate() throws {
        if !reference, synthetic == nil, !demoTransfers { throw ValidationError("give --reference, --synthetic N, --demo-transfers, or several") }
        if let synthetic, synthetic < 1 || synthetic > 50_000_000 {
            throw ValidationError("--synthetic must be between 1 and 50,000,000 (got \(synthetic))")
        }
    }

    func run() async throws {
        let store = try await self.store.open()
        if reference {
            let receipt = try await reportingRefusals("seeding the reference network") {
                try await Seeding.seedReference(into: store, context: Edge.context(actor: "seed:reference"))
            }
            print("reference network: \(receipt.count.grouped) records")
        }
        if let synthetic {
            let receipt = try await reportingRefusals("seeding the synthetic caseload") {
                try await Seeding.seedSynthetic(
                    count: synthetic, seed: seed, into: store, context: Edge.context(actor: "seed:synthetic"),
                    progress: StderrProgress())
            }
            print("synthetic caseload: \(synthetic.grouped) cases (seed \(seed)), \(receipt.count.grouped) records")
        }
        if demoTransfers {
            let receipt = try await reportingRefusals("seeding the demo transfers") {
                try await DemoOperations.seed(into: store, now: Edge.now(), context: Edge.context(actor: "seed:demo"))
            }
            print("demo transfers (synthetic): \(receipt.transfers.joined(separator: ", ")), \(receipt.records.grouped) records")
            if let refusal = receipt.refusal { print("SYN-T-004's departure was refused, as staged: \(refusal)") }
        }
        if synthetic != nil || demoTransfers {
            try await CaseloadImageRefresh.run(store)
            try await CaseloadImageRefresh.prepareHomeFigures(store)
        }
    }
}
