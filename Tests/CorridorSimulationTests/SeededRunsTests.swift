import CorridorDomain
import Foundation
import Testing

@testable import CorridorSimulation

/// Seeded replications are reproducible across changes to the engine: a faster engine must
/// give exactly the outputs, daily series and injunction periods the model gave before.
/// `Golden/seeded-runs.jsonl` holds them, one replication per line, recorded from the engine
/// before its event queue was rebuilt (commit 8968207). Set CORRIDOR_RECORD_SIMULATION_GOLDEN=1
/// to record them again — only for a deliberate change of the model, said so in the commit.
struct SeededRunsTests {
    /// A scenario where many events fall on the same instant (whole-day documents, stages and
    /// flights; an end on a flight day), so that the order among equal times is exercised.
    static func ties() -> Scenario {
        TestScenarios.scenario(
            horizonDays: 150, initialBacklog: 3_000, arrivalsPerDay: 20, homeSeatsPerDay: 25,
            injunctions: Scenario.Injunctions(ratePerYear: 8, meanDays: 6),
            policy: Scenario.Policy(id: "ties", noticeDays: 2, screeningDays: 1, waitAfterNegativeDays: 3),
            nationalities: [
                TestScenarios.nationality("GTM", share: 0.5, acceptance: 0.6, docDays: 0, protectedShare: 0.1),
                TestScenarios.nationality("VEN", share: 0.5, acceptance: 0.2, docDays: 0, protectedShare: 0.2),
            ],
            arrangements: [
                TestScenarios.arrangement(
                    "a", endDay: 60, capacityPerMonth: 300, flightEveryDays: 2, seatsPerFlight: 40,
                    fearRate: 0.5, positiveRate: 0.3, repatriationRate: 0.5),
                TestScenarios.arrangement(
                    "b", startDay: 30, capacityPerMonth: 200, flightEveryDays: 1, seatsPerFlight: 15,
                    firstFlightDay: 30, fearRate: 0.3, positiveRate: 0.5, repatriationRate: 0.2),
            ])
    }

    static func cases() throws -> [(name: String, scenario: Scenario, seeds: [UInt64])] {
        [
            ("network-2025", try Scenario.reference, [1]),
            ("small-reference", try TestScenarios.smallReference(), [1, 2, 3]),
            ("ties", ties(), [1, 2, 3]),
        ]
    }

    static var goldenURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/seeded-runs.jsonl")
    }

    /// 64-bit FNV-1a of the daily series CSV: a change of any day's value changes it.
    static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    static func lines() throws -> [String] {
        var lines: [String] = []
        for (name, scenario, seeds) in try cases() {
            for seed in seeds {
                let run = try Simulator.run(scenario, seed: seed)
                lines.append(
                    #"{"case":"\#(name)","seed":\#(seed),"series":"\#(fingerprint(run.seriesCSV()))","run":\#(run.detailedJSON.text(pretty: false))}"#
                )
            }
        }
        return lines
    }

    @Test("Seeded replications give exactly the recorded outputs, daily series and injunction periods")
    func seededRunsAreUnchanged() throws {
        let lines = try Self.lines()
        if ProcessInfo.processInfo.environment["CORRIDOR_RECORD_SIMULATION_GOLDEN"] == "1" {
            try (lines.joined(separator: "\n") + "\n").write(to: Self.goldenURL, atomically: true, encoding: .utf8)
        }
        let recorded = try String(contentsOf: Self.goldenURL, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(recorded.count == lines.count)
        for (expected, actual) in zip(recorded, lines) {
            #expect(actual == expected)
        }
    }
}
