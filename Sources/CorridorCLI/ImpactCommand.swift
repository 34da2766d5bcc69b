import ArgumentParser
import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore

struct ImpactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "impact",
        abstract: "Who a court order covers, and which transfers and manifests it touches.",
        discussion: "Give a proposed order as a one-record JSON Lines file (--order), or an issued one by id (--order-id)."
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("A file holding one court-order record (its fields: docs/records.md).", valueName: "file"))
    var order: String?

    @Option(name: .long, help: ArgumentHelp("The id of a recorded court order.", valueName: "id"))
    var orderID: String?

    @Option(name: .long, help: "List at most this many covered case ids.")
    var limit: Int = 50

    func validate() throws {
        if (order == nil) == (orderID == nil) { throw ValidationError("give exactly one of --order FILE or --order-id ID") }
        try CommandLimits.check("--limit", limit, in: 0...10_000_000)
    }

    func run() async throws {
        let store = try await self.store.open()
        let courtOrder = try await loadOrder(store)
        let service = RulesService(store: store)
        let impact = CourtOrderImpact.of(courtOrder, caseload: try await service.loadCaseloadSayingHow(), transfers: try await store.transfers())
        print("court order \(courtOrder.id) (\(courtOrder.court), \(courtOrder.citation)), issued \(courtOrder.issuedOn)")
        print("covers \(impact.coveredCases.count.grouped) cases")
        for id in impact.coveredCases.prefix(limit) { print("  \(id)") }
        if impact.coveredCases.count > limit { print("  … and \((impact.coveredCases.count - limit).grouped) more") }
        print("touches \(impact.transfers.count) open transfer(s)")
        for touched in impact.transfers {
            print(
                "  \(touched.transfer.id) to \(touched.transfer.record.destination), departs \(touched.transfer.record.departs), \(touched.transfer.status.rawValue): \(touched.covered.count) covered on the manifest"
            )
            for id in touched.covered.prefix(limit) { print("    \(id)") }
        }
    }

    func loadOrder(_ store: some EventStore) async throws -> CourtOrderRecord {
        if let orderID {
            guard let record = try await store.network().courtOrders[CourtOrderRecord.ID(orderID)] else {
                throw CLIError("no court order '\(orderID)' has been recorded")
            }
            return record
        }
        var records: [SourcedRecord] = []
        do { try JSONLinesReader(path: order!).records { records.append($0) } } catch let error as RecordError {
            throw CLIError("the proposed order is not a valid court-order record: \(error.description)")
        } catch let error as StoreError {
            throw CLIError(error.forOperator)
        }
        guard records.count == 1, case .courtOrder(let record) = records[0].record else {
            throw CLIError(
                "\(order!): expected exactly one court-order record, found \(records.count) record(s)\(records.first.map { " starting with '\($0.record.kind.rawValue)'" } ?? "")"
            )
        }
        return record
    }
}
