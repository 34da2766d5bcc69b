import CorridorDomain
import CorridorStore
import Foundation
import Testing

@testable import CorridorRules

/// The compact caseload and its image: every record survives encoding exactly, a pass over the
/// encoded caseload judges everyone as one-at-a-time decisions do, and a damaged image is
/// refused whole with a message, never half-read.
@Suite("Caseload encoding and image")
struct CaseloadEncodingTests {
    /// Records that use every field and every optional both ways.
    static let lines: [String] = [
        #"{"type":"case","case":"A-1","nationalities":["SLV"],"birthYear":1990,"pathway":"asylum-transfer","unaccompaniedMinor":true,"familyUnit":"FAM-a long family unit name","criminalRecord":true,"counsel":"Counsel with a name longer than fifteen bytes","closedOn":"2026-01-02"}"#,
        #"{"type":"case","case":"A-2","nationalities":["GTM","MEX"],"criminalRecord":false,"familyUnit":"FAM-a long family unit name"}"#,
        #"{"type":"case","case":"A-3 with ünïcode","nationalities":["HND"]}"#,
        #"{"type":"order","case":"A-1","kind":"final","on":"2019-12-31","designatedCountry":"SLV"}"#,
        #"{"type":"order","case":"A-1","kind":"pending","on":"2031-06-01"}"#,
        #"{"type":"claim","case":"A-1","claim":"cat-deferral","against":"SLV","status":"granted","on":"2024-05-05"}"#,
        #"{"type":"claim","case":"A-2","claim":"asylum","against":"GTM","status":"withdrawn","on":"1970-01-01"}"#,
        #"{"type":"designation","case":"A-1","kind":"aea","on":"2025-03-15","basis":"Proclamation 10903 (synthetic designation)"}"#,
        #"{"type":"designation","case":"A-2","kind":"other kind","on":"2025-03-16"}"#,
        #"{"type":"notice","case":"A-1","destination":"MEX","servedOn":"2025-04-24T15:00:00.123Z","language":"es","counselNotified":true,"exigent":false}"#,
        #"{"type":"notice","case":"A-1","destination":"MEX","servedOn":"2001-01-01T00:00:00Z"}"#,
        #"{"type":"fear","case":"A-2","destination":"MEX","on":"2025-05-01"}"#,
        #"{"type":"screening","case":"A-2","destination":"MEX","outcome":"negative","on":"2025-05-02","standard":"reasonable possibility"}"#,
        #"{"type":"screening","case":"A-1","destination":"MEX","outcome":"positive","on":"2025-05-03"}"#,
        #"{"type":"disposition","case":"A-1","outcome":"repatriated","on":"2025-07-01","to":"SLV","facility":"CECOT","source":"a synthetic source"}"#,
        #"{"type":"disposition","case":"A-2","outcome":"unknown","on":"2025-07-02"}"#,
        #"{"type":"order","case":"A-3 with ünïcode","kind":"final","on":"2025-01-01"}"#,
    ]

    static func records() throws -> [Record] { try lines.map { try Record.parse($0) } }

    /// The facts of each case the way `CaseFacts(records:)` builds them from log order.
    static func expected() throws -> [CaseRecord.ID: CaseFacts] {
        let records = try records()
        var result: [CaseRecord.ID: CaseFacts] = [:]
        for id in Set(records.compactMap(\.caseID)) {
            result[id] = CaseFacts(records: records.filter { $0.caseID == id })
        }
        return result
    }

    @Test("every field of every per-case record survives the encoding, built in bulk or one record at a time")
    func roundTrip() throws {
        let expected = try Self.expected()
        var builder = Caseload.Builder()
        var incremental = Caseload()
        for record in try Self.records() {
            builder.add(record)
            incremental.apply(record)
        }
        let built = builder.build()
        for caseload in [built, incremental] {
            #expect(caseload.count == 3)
            for (id, facts) in expected { #expect(caseload.facts(id) == facts, "\(id)") }
            #expect(caseload.facts("A-4") == nil)
        }
        #expect(built.familyMembers == ["FAM-a long family unit name": ["A-1", "A-2"]])
        #expect(built.family(of: built.facts("A-1")!).map(\.id) == ["A-2"])
    }

    @Test("a corrected case record replaces the person, keeps their facts and their place, and can leave a family unit")
    func correction() throws {
        var caseload = Caseload()
        for record in try Self.records() { caseload.apply(record) }
        let before = caseload.facts("A-2")!
        caseload.apply(try Record.parse(#"{"type":"case","case":"A-2","nationalities":["GTM"],"counsel":"New counsel"}"#))
        let after = try #require(caseload.facts("A-2"))
        #expect(after.person.counsel == "New counsel")
        #expect(after.person.familyUnit == nil)
        #expect(after.claims == before.claims && after.screenings == before.screenings)
        #expect(caseload.position(of: "A-2") == 1)
        #expect(caseload.family(of: caseload.facts("A-1")!).isEmpty)
        #expect(caseload.supersededBytes > 0)
        // The image packs the current encodings only.
        let image = caseload.image(seq: 9, chainHash: "h")
        let read = try Caseload(image: image)
        #expect(read.facts("A-2") == after)
        let packed = read.compacted()
        #expect(packed.supersededBytes == 0 && packed.encodedBytes < caseload.encodedBytes)
        #expect(packed.facts("A-2") == after)
    }

    @Test("an image reads back to the same caseload, with its seq and chain hash in the header")
    func imageRoundTrip() throws {
        var builder = Caseload.Builder()
        for case let records in SyntheticCaseload(count: 3_000, seed: 7) {
            for value in records { builder.add(try Record.decode(value)) }
        }
        let caseload = builder.build()
        let image = caseload.image(seq: 123_456, chainHash: String(repeating: "ab", count: 32))
        #expect(try Caseload.imageHeader(image) == CaseloadImageHeader(seq: 123_456, chainHash: String(repeating: "ab", count: 32), cases: 3_000))
        let read = try Caseload(image: image)
        #expect(read.count == caseload.count)
        #expect(Array(read.cases) == Array(caseload.cases))
        #expect(read.familyMembers == caseload.familyMembers)
        // Deterministic: the same caseload gives the same bytes.
        #expect(read.image(seq: 123_456, chainHash: String(repeating: "ab", count: 32)) == image)
        // Compact: a few dozen bytes per person (the synthetic mix has ~1.3 facts per person).
        #expect(image.count < 3_000 * 44, "\(image.count) bytes for 3,000 cases")
    }

    @Test("the pass over the encoded caseload judges every synthetic person as RulesEngine.decide does, at several destinations at once")
    func passAgreesWithDecisions() throws {
        var builder = Caseload.Builder()
        for case let records in SyntheticCaseload(count: 4_000, seed: 11) {
            for value in records { builder.add(try Record.decode(value)) }
        }
        let caseload = builder.build()
        let network = Network(records: try ReferenceNetwork.load().map(\.record))
        let instant = Instant(rfc3339: "2025-09-01T12:00:00Z")!
        let contexts = try ["MEX", "SLV", "SWZ", "GTM"].map { code in
            DestinationContext(destination: CountryCode(code), instant: instant, policy: try PolicyLibrary.profile("us-dvd-2025"), network: network)
        }
        let together = caseload.outcomes(contexts)
        for (slot, context) in contexts.enumerated() {
            #expect(together[slot] == caseload.outcomes(context))
            var verdicts: [Verdict: Int] = [:]
            for (index, facts) in caseload.cases.enumerated() {
                let decision = RulesEngine.decide(facts, context, family: caseload.family(of: facts))
                verdicts[decision.verdict, default: 0] += 1
                guard together[slot][index].verdict == decision.verdict else {
                    Issue.record("\(facts.id) at \(context.destination): pass says \(together[slot][index].verdict), decide says \(decision.verdict)")
                    return
                }
                for finding in decision.gates { #expect(together[slot][index].result(finding.gate) == finding.result) }
            }
            // Not a vacuous agreement: the synthetic mix has people allowed and people blocked.
            #expect(verdicts[.allowed, default: 0] > 0 && verdicts[.blocked, default: 0] > 0, "\(context.destination): \(verdicts)")
        }
    }

    @Test("chunked arrays: appends across chunk boundaries, and a change to a copy leaves the original alone")
    func chunked() {
        var a = Chunked<Int>()
        for value in 0..<40_000 { a.append(value) }
        #expect(a.count == 40_000 && a[0] == 0 && a[16_383] == 16_383 && a[16_384] == 16_384 && a[39_999] == 39_999)
        var b = a
        b[20_000] = -1
        b.append(40_000)
        #expect(a[20_000] == 20_000 && a.count == 40_000)
        #expect(b[20_000] == -1 && b.count == 40_001 && b[40_000] == 40_000)
        let built = Chunked(Array(0..<33_000))
        #expect(built.indices.map { built[$0] } == Array(0..<33_000))
        #expect(Chunked(repeating: 7, count: 20_000)[19_999] == 7)
    }

    @Test("the pass calls the gates in GateID order, the order RulesEngine.gates gives")
    func gateOrder() {
        #expect(RulesEngine.gates.map { $0.id } == GateID.allCases)
    }

    @Test("a damaged image is refused whole, naming what is wrong")
    func damage() throws {
        var caseload = Caseload()
        for record in try Self.records() { caseload.apply(record) }
        let image = caseload.image(seq: 5, chainHash: "h")

        var flipped = image
        flipped[flipped.count / 2] ^= 0x10
        #expect(throws: CaseloadImageError("the checksum does not match: the image is damaged")) { try Caseload(image: flipped) }
        #expect(throws: CaseloadImageError.self) { try Caseload(image: Array(image.dropLast(3))) }
        #expect(throws: CaseloadImageError("not a caseload image")) { try Caseload(image: Array("{\"not\":\"an image\"}".utf8)) }
        #expect(throws: CaseloadImageError("not a caseload image")) { try Caseload(image: []) }

        // Bytes whose checksum is right but whose cases are not well formed (a forgery, or a
        // bug): refused by the full check, not trusted and not a crash.
        var forged = Array(image.dropLast(8))
        forged[forged.count - 5] = 0xFF
        forged.appendFixed64(forged.withUnsafeBufferPointer { CaseloadHash.checksum($0) })
        #expect(throws: CaseloadImageError.self) { try Caseload(image: forged) }

        // Another format is rebuilt, never converted.
        var future = Array(image.dropLast(8))
        future[Caseload.imageMagic.count] = 2
        future.appendFixed64(future.withUnsafeBufferPointer { CaseloadHash.checksum($0) })
        #expect(throws: CaseloadImageError("image format 2, not 1")) { try Caseload(image: future) }
    }
}
