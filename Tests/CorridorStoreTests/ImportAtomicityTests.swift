import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorStore
import CorridorTestSupport
import Testing

/// Imports are all-or-nothing across every file given, and a refusal names the file, the line
/// and the field.
struct ImportAtomicityTests {
    typealias R = TestRecords

    /// A SQLite store on a temporary file holding ``TestRecords/smallWorld``, and a directory for import files.
    private func seededStore() async throws -> (TemporarySQLiteStore, TemporaryDirectory) {
        let temporary = try await TemporarySQLiteStore()
        try await temporary.store.append(records: R.smallWorld)
        return (temporary, try TemporaryDirectory(prefix: "corridor-import"))
    }

    @Test("A file whose line 3 is bad changes nothing, and the error names file, line 3 and the field")
    func badLineThree() async throws {
        let (temporary, files) = try await seededStore()
        let store = temporary.store
        let path = try await files.write(
            "cases.jsonl",
            records: [
                R.caseRecord("C10", nationalities: ["SLV"]),
                R.order("C10"),
                R.claim("C10", "refugee"),
                R.caseRecord("C11"),
            ])
        let before = try await store.snapshot()

        let error = await #expect(throws: RecordError.self) { try await RecordImport.importFiles([path], into: store, context: .test) }
        #expect(error?.file == path)
        #expect(error?.line == 3)
        #expect(error?.field == "claim")
        #expect(error?.code == "invalid-field")
        #expect(error?.description.hasPrefix("\(path):3: field 'claim': 'refugee' is not one of") == true)

        #expect(try await store.head() == before.head)
        #expect(try await store.summary() == before.summary)
        #expect(try await store.stateDigest() == before.digest)
        #expect(try await store.caseRecords("C10").isEmpty)
        // A fresh connection to the file sees the same: nothing was committed.
        #expect(try await temporary.reopen().snapshot() == before)
    }

    @Test("A bad second file refuses the first file's records too")
    func badSecondFile() async throws {
        let (temporary, files) = try await seededStore()
        let store = temporary.store
        let first = try await files.write("first.jsonl", records: [R.caseRecord("C10"), R.order("C10"), R.caseRecord("C11")])
        let second = try await files.write(
            "second.jsonl",
            text: """
                {"type":"case","case":"C12","nationalities":["MEX"]}
                {"type":"notice","case":"C12","destinaton":"SLV","servedOn":"2025-05-20T14:30:00Z"}

                """)
        let before = try await store.snapshot()

        let error = await #expect(throws: RecordError.self) {
            try await RecordImport.importFiles([first, second], into: store, context: .test)
        }
        #expect(error?.file == second)
        #expect(error?.line == 2)
        #expect(error?.field == "destination")
        #expect(try await store.snapshot() == before)
        #expect(try await store.caseRecords("C10").isEmpty)
        #expect(try await temporary.reopen().snapshot() == before)

        // The same two files with the second one corrected import together.
        try await files.write("second.jsonl", records: [R.caseRecord("C12", nationalities: ["MEX"]), R.notice("C12", destination: "SLV")])
        let receipt = try await RecordImport.importFiles([first, second], into: store, context: .test)
        #expect(receipt.count == 5)
        #expect(try await store.summary().cases == 5)
    }

    @Test("A state refusal inside a file is located too, and nothing of the file is kept", arguments: StoreBackend.allCases)
    func stateRefusalLocated(backend: StoreBackend) async throws {
        let files = try TemporaryDirectory(prefix: "corridor-import")
        let path = try await files.write(
            "transfers.jsonl",
            records: [
                R.transfer("T1", destination: "SLV", seats: 1),
                R.manifestAdd("T1", "C1"),
                R.manifestAdd("T1", "C2"),
            ])
        try await backend.withStore { store in
            try await store.append(records: R.smallWorld)
            let before = try await store.snapshot()
            let error = await #expect(throws: RecordError.self) { try await RecordImport.importFiles([path], into: store, context: .test) }
            #expect(error?.code == "state-conflict")
            #expect(error?.file == path)
            #expect(error?.line == 3)
            #expect(error?.field == "transfer")
            #expect(try await store.snapshot() == before)
        }
    }

    @Test("A record referring to a case defined later in the same file is refused", arguments: StoreBackend.allCases)
    func forwardReferenceRefused(backend: StoreBackend) async throws {
        let files = try TemporaryDirectory(prefix: "corridor-import")
        let path = try await files.write(
            "forward.jsonl",
            records: [
                R.country("GTM"),
                R.claim("C20", "asylum", against: "GTM", status: "pending"),
                R.caseRecord("C20"),
            ])
        try await backend.withStore { store in
            let error = await #expect(throws: RecordError.self) { try await RecordImport.importFiles([path], into: store, context: .test) }
            #expect(error?.code == "unknown-reference")
            #expect(error?.field == "case")
            #expect(error?.line == 2)
            #expect(error?.message.contains("no case 'C20'") == true)
            let head = try await store.head()
            #expect(head == .genesis)
        }
    }

    @Test("A case defined earlier in the same import can be referred to later in it", arguments: StoreBackend.allCases)
    func backwardReferenceAccepted(backend: StoreBackend) async throws {
        let files = try TemporaryDirectory(prefix: "corridor-import")
        let countries = try await files.write(
            "countries.jsonl",
            records: [
                R.country("USA"), R.country("SLV"), R.country("MEX", extra: ["returns": "accepts"]),
            ])
        let network = try await files.write(
            "network.jsonl",
            records: [
                R.arrangement("arr-slv", partner: "SLV", kind: "detention"), R.arrangementStatus("arr-slv", "active", on: "2025-03-01"),
            ])
        let cases = try await files.write(
            "cases.jsonl",
            records: [
                R.caseRecord("C20", nationalities: ["MEX"]),
                R.order("C20"),
                R.transfer("T1", destination: "MEX"),
                R.manifestAdd("T1", "C20"),
                R.step(.lock, "T1"), R.step(.depart, "T1"),
                R.disposition("C20"),
            ])
        try await backend.withStore { store in
            let receipt = try await RecordImport.importFiles([countries, network, cases], into: store, context: .test)
            #expect(receipt.count == 12)
            #expect(receipt.firstSeq == 1)
            #expect(try await store.exportRecords { _ in } == 12)
            #expect(try await store.caseRecords("C20").map(\.kind) == [.caseRecord, .order, .disposition])
            #expect(try await store.verifyChain().isIntact)
        }
    }

    @Test("Blank lines count in line numbers, CRLF endings and a missing final newline are accepted")
    func lineNumbering() async throws {
        let files = try TemporaryDirectory(prefix: "corridor-import")
        let good = try await files.write(
            "crlf.jsonl", text: "\r\n" + R.country("USA").canonicalString + "\r\n  \t \r\n" + R.country("GTM").canonicalString)
        let bad = try await files.write(
            "bad.jsonl", text: "\n" + R.country("USA").canonicalString + "\n\n\n{\"type\":\"country\",\"code\":\"usa\",\"name\":\"x\"}\n")
        let store = InMemoryEventStore()
        let receipt = try await RecordImport.importFiles([good], into: store, context: .test)
        #expect(receipt.count == 2)
        let error = await #expect(throws: RecordError.self) { try await RecordImport.importFiles([bad], into: store, context: .test) }
        #expect(error?.line == 5)
        #expect(error?.field == "code")
        #expect(try await store.summary().countries == 2)
    }

    @Test("A line that is not JSON is refused with its file, line and column")
    func syntaxError() async throws {
        let files = try TemporaryDirectory(prefix: "corridor-import")
        let path = try await files.write("broken.jsonl", text: R.country("USA").canonicalString + "\n{\"type\":\"country\",\"code\":\"GTM\",\n")
        let store = InMemoryEventStore()
        let error = await #expect(throws: RecordError.self) { try await RecordImport.importFiles([path], into: store, context: .test) }
        #expect(error?.code == "invalid-json")
        #expect(error?.line == 2)
        #expect(error?.description.hasPrefix("\(path):2: invalid JSON at column") == true)
        #expect(try await store.head() == ChainHead.genesis)
    }

    @Test("A missing file refuses the whole import before anything is read")
    func missingFile() async throws {
        let (temporary, files) = try await seededStore()
        let good = try await files.write("good.jsonl", records: [R.caseRecord("C10")])
        let before = try await temporary.store.snapshot()
        let error = await #expect(throws: StoreError.self) {
            try await RecordImport.importFiles([good, files.path("absent.jsonl")], into: temporary.store, context: .test)
        }
        #expect(error?.code == .fileUnreadable)
        #expect(error?.message.contains("absent.jsonl") == true)
        #expect(try await temporary.store.snapshot() == before)

        let directoryError = await #expect(throws: StoreError.self) {
            try await RecordImport.importFiles([files.url.path], into: temporary.store, context: .test)
        }
        #expect(directoryError?.message.contains("is a directory") == true)
    }

    @Test("Lines are read whole across the reader's 1 MiB chunks")
    func longFileChunks() async throws {
        let files = try TemporaryDirectory(prefix: "corridor-import")
        // Lines of varying length (one of them nearly a chunk long, within the longest line
        // allowed) so that boundaries fall everywhere.
        var lines: [String] = []
        var size = 0
        var index = 0
        while size < 3_500_000 {
            let padding = index == 7 ? 1_000_000 : (index * 7919) % 3000
            let line = R.caseRecord("C\(index)", extra: ["counsel": .string(String(repeating: "x", count: max(1, padding)))]).canonicalString
            lines.append(line)
            size += line.utf8.count + 1
            index += 1
        }
        let path = try await files.write("long.jsonl", text: lines.joined(separator: "\n") + "\n")
        let reader = try await JSONLinesReader(path: path)
        #expect(reader.size == Int64(size))
        var seen: [Int: String] = [:]
        try await reader.forEachLine { number, bytes, _ in
            seen[number] = String(decoding: bytes, as: UTF8.self)
        }
        #expect(seen.count == lines.count)
        for (offset, line) in lines.enumerated() where seen[offset + 1] != line {
            Issue.record("line \(offset + 1) was read as \(seen[offset + 1]?.prefix(60) ?? "nothing")")
            break
        }
    }
}
