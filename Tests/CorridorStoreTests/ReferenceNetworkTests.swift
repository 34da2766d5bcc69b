import CorridorDomain
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import Testing

struct ReferenceNetworkTests {
    private func records() async throws -> [Record] { try ReferenceNetwork.load().map(\.record) }

    private func arrangements() async throws -> [ArrangementRecord] {
        try await records().compactMap { if case .arrangement(let a) = $0 { a } else { nil } }
    }

    @Test("The reference network loads and imports cleanly into an empty store", arguments: StoreBackend.allCases)
    func importsCleanly(backend: StoreBackend) async throws {
        let loaded = try ReferenceNetwork.load()
        #expect(loaded.count > 100)
        try await backend.withStore { store in
            let receipt = try await Seeding.seedReference(into: store, context: .test(actor: "seed"))
            #expect(receipt.count == loaded.count)
            #expect(try await store.verifyChain().isIntact)
            let summary = try await store.summary()
            #expect(summary.arrangements == (try await arrangements().count))
            #expect(try await store.networkRecords().count == loaded.count)
        }
    }

    @Test("Every arrangement has a status, a recorded partner and removing state, and sourced statuses")
    func arrangementsAreComplete() async throws {
        let network = Network(records: try await records())
        #expect(!network.arrangements.isEmpty)
        for arrangement in network.arrangements.values {
            #expect(network.statusHistory[arrangement.id]?.isEmpty == false, "\(arrangement.id) has no status")
            #expect(network.countries[arrangement.partner] != nil, "\(arrangement.id): partner \(arrangement.partner) has no country record")
            #expect(network.countries[arrangement.removingState] != nil, "\(arrangement.id): \(arrangement.removingState) has no country record")
        }
        for (id, history) in network.statusHistory {
            #expect(network.arrangements[id] != nil)
            #expect(history.allSatisfy { $0.source?.isEmpty == false }, "\(id): a status without a source")
            #expect(history.map(\.on) == history.map(\.on).sorted())
        }
    }

    @Test(
        "The arrangements named in the issue are present",
        arguments: [
            "gtm-aca-2019", "hnd-aca-2019", "slv-aca-2019", "uk-rwa", "it-alb", "slv-cecot", "pan-transit", "cri-transit",
            "swz", "rwa", "gnq", "plw", "ssd",
        ])
    func namedArrangement(fragment: String) async throws {
        #expect(try await arrangements().contains { $0.id.rawValue.contains(fragment) })
    }

    @Test("Countries in talks only: an arrangement, and never signed or active", arguments: ["LBY", "BEN", "MDA", "MNG"])
    func talksOnly(code: String) async throws {
        let network = Network(records: try await records())
        #expect(network.countries[CountryCode(code)] != nil)
        let theirs = network.arrangements.values.filter { $0.partner.rawValue == code }
        #expect(!theirs.isEmpty)
        for arrangement in theirs {
            let statuses = Set(network.statusHistory[arrangement.id, default: []].map(\.status))
            #expect(!statuses.isEmpty)
            #expect(statuses.isSubset(of: [.proposed, .negotiating, .suspended, .terminated]), "\(arrangement.id): \(statuses)")
        }
    }

    @Test("Other removing states than the US are present: the UK and Italy")
    func otherRemovingStates() async throws {
        let states = Set(try await arrangements().map(\.removingState))
        #expect(states.isSuperset(of: ["USA", "GBR", "ITA"]))
    }

    @Test("Conflicting figures are kept side by side")
    func conflictsKept() async throws {
        let conflicting = try await arrangements().flatMap(\.reported).filter(\.conflict)
        #expect(!conflicting.isEmpty)
        let network = Network(records: try await records())
        let elSalvador = try #require(network.countries["SLV"])
        let risk = try #require(elSalvador.risk)
        #expect(!risk.conflicting.isEmpty)
        #expect(risk.conflicting.allSatisfy { $0.score != risk.score })
        #expect(network.countries["XKX"]?.name == "Kosovo")
    }

    @Test("No synthetic or personal records ship in the reference network")
    func onlyNetworkRecords() async throws {
        let kinds = Set(try await records().map(\.kind))
        #expect(kinds.isSubset(of: [.country, .arrangement, .arrangementStatus, .courtOrder, .courtOrderLift]))
    }
}
