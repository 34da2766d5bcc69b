import ArgumentParser
import CorridorDomain
import CorridorRules
import CorridorSQLite
import CorridorServices
import CorridorStore
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks reported in BENCHMARKS.md (build with -c release).",
        discussion: "Each benchmark works in a scratch directory on synthetic data and prints what it measured.",
        subcommands: [ImportBench.self, RulesBench.self]
    )
}

/// Wall-clock timing for benchmarks.
enum Stopwatch {
    static func time<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try await body()
        return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}

func scratchDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "corridor-bench-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

struct ImportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Synthetic seeding, JSON Lines import against the raw GRDB baseline, export/re-import round trip.")

    @Option(help: "Synthetic cases.") var cases: Int = 1_000_000
    @Option(help: "JSON Lines records for the import-versus-baseline comparison.") var records: Int = 1_000_000
    @Flag(help: "Also export and re-import into an empty store and compare digests (takes as long again).") var roundTrip = false

    func validate() throws {
        try CommandLimits.check("--cases", cases, in: 1...50_000_000)
        try CommandLimits.check("--records", records, in: 1...50_000_000)
    }

    func run() async throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let context = AppendContext(actor: "bench", recordedAt: Instant(epochMilliseconds: 1_764_460_800_000))

        // 1. Create and import N synthetic cases (the reference network first).
        let seeded = try SQLiteEventStore(path: directory + "/seeded.sqlite")
        _ = try await Seeding.seedReference(into: seeded, context: context)
        let (receipt, seedSeconds) = try await Stopwatch.time {
            try await Seeding.seedSynthetic(count: cases, seed: 1, into: seeded, context: context)
        }
        print(
            "seed --synthetic \(cases.grouped): \(receipt.count.grouped) records in \(String(format: "%.2f", seedSeconds)) s (\((Double(receipt.count) / seedSeconds).groupedWhole) records/s)"
        )

        // 2. A JSON Lines file of `records` records: import versus raw inserts of the same rows.
        let file = directory + "/records.jsonl"
        var lines: [SourcedRecord] = []
        lines.reserveCapacity(records)
        var reference: [SourcedRecord] = []
        try ReferenceNetwork.records { reference.append($0) }
        for batch in SyntheticCaseload(count: records, seed: 2) {
            for value in batch where lines.count < records { lines.append(try SourcedRecord.make(value)) }
            if lines.count >= records { break }
        }
        var text = ""
        text.reserveCapacity(records * 160)
        for line in lines { text += line.payload; text += "\n" }
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let rows = ImportBaseline.rows(from: lines)
        let (_, baselineSeconds) = try await Stopwatch.time { try ImportBaseline.insert(rows, path: directory + "/baseline.sqlite") }
        let target = try SQLiteEventStore(path: directory + "/import.sqlite")
        let (imported, importSeconds) = try await Stopwatch.time { try await RecordImport.importFiles([file], into: target, context: context) }
        let baselineRate = Double(rows.count) / baselineSeconds
        let importRate = Double(imported.count) / importSeconds
        print(
            "import \(imported.count.grouped) records (\(size / 1_000_000) MB JSON Lines): \(String(format: "%.2f", importSeconds)) s, \(importRate.groupedWhole) records/s"
        )
        print(
            "baseline (same rows, GRDB, one transaction, no validation or chain): \(String(format: "%.2f", baselineSeconds)) s, \(baselineRate.groupedWhole) rows/s"
        )
        print("import rate / baseline rate = \(String(format: "%.2f", importRate / baselineRate)) (target ≥ 0.50)")

        if roundTrip {
            let exported = directory + "/export.jsonl"
            FileManager.default.createFile(atPath: exported, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: exported))
            var buffer: [UInt8] = []
            let (count, exportSeconds) = try await Stopwatch.time {
                try await seeded.exportRecords { line in
                    buffer.append(contentsOf: line.utf8); buffer.append(0x0A)
                    if buffer.count > 1 << 20 { handle.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
                }
            }
            handle.write(Data(buffer))
            try handle.close()
            let copy = try SQLiteEventStore(path: directory + "/reimport.sqlite")
            let (_, reimportSeconds) = try await Stopwatch.time { try await RecordImport.importFiles([exported], into: copy, context: context) }
            let same = try await seeded.stateDigest() == copy.stateDigest()
            print(
                "export \(count.grouped) records: \(String(format: "%.2f", exportSeconds)) s; re-import: \(String(format: "%.2f", reimportSeconds)) s; state digests \(same ? "identical" : "DIFFER")"
            )
            if !same { throw ExitCode(1) }
        }
    }
}

struct RulesBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "One check in-process, eligible for one destination, every case against every partner, a class-wide order's impact.")

    @Option(help: "Synthetic cases.") var cases: Int = 1_000_000
    @Option(help: "Database to use (seeded with the reference network and N synthetic cases if empty).") var db: String?
    @Option(help: "Checks to time for the per-check figure.") var checks: Int = 200_000

    func validate() throws {
        try CommandLimits.check("--cases", cases, in: 1...50_000_000)
        try CommandLimits.check("--checks", checks, in: 1...100_000_000)
    }

    func run() async throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteEventStore(path: db ?? directory + "/rules.sqlite")
        let context = AppendContext(actor: "bench", recordedAt: Instant(epochMilliseconds: 1_764_460_800_000))
        if try await store.summary().events == 0 {
            _ = try await Seeding.seedReference(into: store, context: context)
            _ = try await Seeding.seedSynthetic(count: cases, seed: 1, into: store, context: context)
        }
        let service = RulesService(store: store)
        let (caseload, loadSeconds) = try await Stopwatch.time { try await service.loadCaseload() }
        print("load caseload into memory: \(caseload.count.grouped) cases in \(String(format: "%.2f", loadSeconds)) s")
        let policy = try await service.activePolicy()
        let on = Instant(dateOrInstant: "2025-09-01")!
        let network = try await store.network()
        let mexico = try await service.destination("MEX", at: on, policy: policy, network: network)

        // One check, in process: explained decision for one case against a prepared context.
        let n = Swift.min(checks, caseload.count)
        var allowed = 0
        let (_, checkSeconds) = await Stopwatch.time {
            for index in 0..<n where RulesEngine.decide(caseload.cases[index], mexico).verdict == .allowed { allowed += 1 }
        }
        print("check (explained, in process): \(String(format: "%.2f", checkSeconds / Double(n) * 1e6)) µs per check over \(n.grouped) checks")
        let (_, storeCheckSeconds) = try await Stopwatch.time {
            for index in 0..<1000 { _ = try await service.check(caseload.cases[index].id, to: "MEX", at: on) }
        }
        print(
            "check (reading the case from SQLite and the network): \(String(format: "%.0f", storeCheckSeconds / 1000 * 1e6)) µs per check over 1,000")

        let (eligibility, eligibleSeconds) = await Stopwatch.time { caseload.eligibility(mexico) }
        print(
            "eligible --to MEX: \(String(format: "%.3f", eligibleSeconds)) s for \(eligibility.total.grouped) cases (\(eligibility.allowed.count.grouped) allowed)"
        )

        let partners = Array(Set(network.arrangements.values.filter { $0.removingState == policy.removingState }.map(\.partner))).sorted()
        let contexts = partners.map { DestinationContext(destination: $0, instant: on, policy: policy, network: network) }
        var verdicts = [Verdict: Int]()
        let (_, allSeconds) = await Stopwatch.time {
            for context in contexts {
                for outcome in caseload.outcomes(context) { verdicts[outcome.verdict, default: 0] += 1 }
            }
        }
        print(
            "every case against every partner (\(partners.count) countries, \((caseload.count * partners.count).grouped) verdicts): \(String(format: "%.2f", allSeconds)) s"
        )

        let classWide = try Record.decode(
            try JSONParser.parse(
                """
                {"type":"court-order","id":"bench-class","court":"D. Mass.","citation":"benchmark class-wide order","issuedOn":"2025-09-01","scope":{"thirdCountryOnly":true},"effect":"block"}
                """))
        guard case .courtOrder(let order) = classWide else { return }
        let transfers = try await store.transfers()
        let (impact, impactSeconds) = await Stopwatch.time { CourtOrderImpact.of(order, caseload: caseload, transfers: transfers) }
        print("impact of a class-wide order: \(impact.coveredCases.count.grouped) covered in \(String(format: "%.3f", impactSeconds)) s")
    }
}
