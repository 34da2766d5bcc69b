import ArgumentParser
import CorridorDomain
import CorridorServices
import Foundation

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Accounting per arrangement and overall: people moved, costs, load factor, onward returns, incidents.",
        discussion: "Counted from recorded transfers (departed or arrived) and dispositions; lump sums from arrangement terms."
    )

    @OptionGroup var store: StoreOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        let report = try await OperationsReport.build(store: try await store.open())
        if json {
            func line(_ l: OperationsReport.Line) -> [String: Any] {
                var out: [String: Any] = [
                    "name": l.name, "transfers": l.transfers, "peopleMoved": l.peopleMoved, "seats": l.seats,
                    "lumpSumUSD": l.lumpSumUSD, "perPersonCostUSD": l.perPersonCostUSD, "transferCostUSD": l.transferCostUSD,
                    "totalCostUSD": l.totalCostUSD, "onwardReturns": l.onwardReturns, "incidents": l.incidents,
                    "suspectedIncidents": l.suspectedIncidents, "loadFactors": l.loadFactors,
                ]
                if let id = l.arrangement { out["arrangement"] = id.rawValue }
                if let partner = l.partner { out["partner"] = partner.rawValue }
                out["costPerPersonMovedUSD"] = l.costPerPersonMovedUSD ?? NSNull()
                out["loadFactor"] = l.loadFactor ?? NSNull()
                out["onwardReturnRate"] = l.onwardReturnRate ?? NSNull()
                return out
            }
            let object: [String: Any] = [
                "arrangements": report.lines.map(line), "total": line(report.total),
                "incidents": report.incidents.map { ["kind": $0.kind.rawValue, "case": $0.caseID.rawValue, "to": $0.to.rawValue, "on": $0.on.description, "basis": $0.basis] },
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        func money(_ value: Double?) -> String { value.map { "$" + $0.groupedWhole } ?? "—" }
        func percent(_ value: Double?) -> String { value.map { "\(($0 * 100).groupedWhole)%" } ?? "—" }
        print("arrangement".padding(toLength: 46, withPad: " ", startingAt: 0) + "moved  total cost     per person    load  onward  incidents")
        for l in report.lines + [report.total] {
            print(String(l.name.prefix(45)).padding(toLength: 46, withPad: " ", startingAt: 0)
                  + String(l.peopleMoved).padding(toLength: 7, withPad: " ", startingAt: 0)
                  + money(l.totalCostUSD).padding(toLength: 14, withPad: " ", startingAt: 0)
                  + money(l.costPerPersonMovedUSD).padding(toLength: 14, withPad: " ", startingAt: 0)
                  + percent(l.loadFactor).padding(toLength: 6, withPad: " ", startingAt: 0)
                  + percent(l.onwardReturnRate).padding(toLength: 8, withPad: " ", startingAt: 0)
                  + "\(l.incidents)" + (l.suspectedIncidents > 0 ? " (+\(l.suspectedIncidents) suspected)" : ""))
        }
        if !report.incidents.isEmpty {
            print("\nchain-refoulement incidents:")
            for i in report.incidents { print("  \(i.on) \(i.caseID) returned to \(i.to): \(i.kind.rawValue) (\(i.basis))") }
        }
    }
}
