import ArgumentParser
import CorridorStore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what the store holds and the digest of its current state.",
        discussion: "Two stores with the same digest hold the same state, whatever their event numbers."
    )

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let store = try await self.store.open()
        let summary = try await store.summary()
        let head = try await store.head()
        print(
            """
            store:        \(self.store.db)
            events:       \(summary.events.formatted) (head \(head.hash))
            countries:    \(summary.countries.grouped)
            arrangements: \(summary.arrangements.grouped)
            cases:        \(summary.cases.grouped)
            court orders: \(summary.courtOrders.grouped)
            transfers:    \(summary.transfers.grouped)
            """)
        print("state digest:\n\(try await store.stateDigest())")
    }
}
