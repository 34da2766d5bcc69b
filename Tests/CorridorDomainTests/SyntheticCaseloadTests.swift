import CorridorDomain
import Testing

struct SyntheticCaseloadTests {
    private func records(count: Int, seed: UInt64) -> [JSONValue] {
        SyntheticCaseload(count: count, seed: seed).flatMap { $0 }
    }

    @Test("The same seed yields the same records; another seed yields others")
    func deterministic() {
        let a = records(count: 500, seed: 42)
        let b = records(count: 500, seed: 42)
        let c = records(count: 500, seed: 43)
        #expect(a == b)
        #expect(a.map(\.canonicalString) == b.map(\.canonicalString))
        #expect(a != c)
    }

    @Test("Generating a prefix gives the same first cases as generating more")
    func prefixStable() {
        let short = Array(SyntheticCaseload(count: 50, seed: 7))
        let long = Array(SyntheticCaseload(count: 200, seed: 7).prefix(50))
        #expect(short == long)
    }

    @Test("Every record validates; every case id starts SYN-; the case line comes first")
    func labelledAndValid() throws {
        var caseIDs: [String] = []
        for (index, group) in SyntheticCaseload(count: 2_000, seed: 1).enumerated() {
            let first = try #require(group.first)
            #expect(first["type"] == "case")
            let id = try #require(first["case"]?.stringValue)
            #expect(id == SyntheticCaseload.caseID(index))
            caseIDs.append(id)
            for value in group {
                let record = try SourcedRecord.make(value).record
                #expect(record.caseID?.rawValue == id)
                #expect(record.caseID?.rawValue.hasPrefix("SYN-") == true)
            }
        }
        #expect(Set(caseIDs).count == 2_000)
        #expect(SyntheticCaseload.caseID(0) == "SYN-0000001")
        #expect(SyntheticCaseload.caseID(99_999) == "SYN-0100000")
    }

    @Test("Counsel, family units and designations say they are synthetic")
    func synthesisIsLabelled() {
        var counsel = 0, families = 0
        for value in records(count: 5_000, seed: 3) {
            if let name = value["counsel"]?.stringValue {
                counsel += 1
                #expect(name.lowercased().contains("synthetic"), "\(name)")
            }
            if let unit = value["familyUnit"]?.stringValue {
                families += 1
                #expect(unit.hasPrefix("SYN-"), "\(unit)")
            }
            if value["type"] == "designation" {
                #expect(value["basis"]?.stringValue?.contains("synthetic") == true)
            }
        }
        #expect(counsel > 0)
        #expect(families > 0)
    }

    @Test("The nationality mix follows the docket weights; Guatemala is the most frequent")
    func nationalityMix() throws {
        let total = 20_000
        var counts: [String: Int] = [:]
        for group in SyntheticCaseload(count: total, seed: 2025) {
            guard case .array(let nationalities)? = group.first?["nationalities"], let first = nationalities.first?.stringValue else {
                Issue.record("case without nationalities")
                continue
            }
            counts[first, default: 0] += 1
        }
        #expect(Set(counts.keys).isSubset(of: Set(SyntheticCaseload.nationalityWeights.map(\.code.rawValue))))
        // Regression: case i's random stream must not be case i+1's shifted by one draw
        // (that once made GTM come out near 11% instead of 17.5%).
        try checkMix(counts, total: total)
    }

    private func checkMix(_ counts: [String: Int], total: Int) throws {
        let mostFrequent = try #require(counts.max { $0.value < $1.value })
        #expect(mostFrequent.key == "GTM")
        let weightTotal = SyntheticCaseload.nationalityWeights.reduce(0) { $0 + $1.weight }
        for weight in SyntheticCaseload.nationalityWeights {
            let expected = weight.weight / weightTotal
            let observed = Double(counts[weight.code.rawValue, default: 0]) / Double(total)
            // About five standard deviations for 20,000 draws, with room for family units.
            #expect(abs(observed - expected) < 0.01 + expected * 0.1, "\(weight.code): observed \(observed), expected \(expected)")
        }
        #expect(counts["GTM", default: 0] > counts["SLV", default: 0])
        #expect(counts["SLV", default: 0] > counts["CUB", default: 0])
    }

    @Test("The weights name their source, and the listed docket figures come first")
    func weightsAreSourced() {
        let weights = SyntheticCaseload.nationalityWeights
        #expect(weights.first?.code == "GTM")
        #expect(weights.allSatisfy { !$0.source.isEmpty && $0.weight > 0 })
        #expect(weights.filter { $0.source == SyntheticCaseload.docketSource }.count == 7)
        #expect(Set(weights.map(\.code)).count == weights.count)
    }

    @Test("Rates can be varied: with no notices there are no fear or screening records")
    func ratesAreInjected() {
        var rates = SyntheticCaseload.Rates()
        rates.thirdCountryNotice = 0
        rates.familyUnit = 0
        let values = SyntheticCaseload(count: 1_000, seed: 9, rates: rates).flatMap { $0 }
        let types = Set(values.compactMap { $0["type"]?.stringValue })
        #expect(!types.contains("notice"))
        #expect(!types.contains("fear"))
        #expect(!types.contains("screening"))
        #expect(!values.contains { $0["familyUnit"] != nil })
    }
}
