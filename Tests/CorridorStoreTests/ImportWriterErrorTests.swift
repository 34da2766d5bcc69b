import CorridorDomain
import CorridorSQLite
import CorridorSQLiteTestSupport
import CorridorTestSupport
import Foundation
import Testing

@testable import CorridorStore

#if canImport(Glibc)
import Glibc
#endif

/// An error raised by the writer (here a state rule: an order for a case never recorded) at any
/// line of a large import ends the import cleanly: the error names the file, the line and the
/// field, and the store is as it was. The parser runs ahead on its own thread in batches of
/// 1,024 lines; an error late in the file once crashed the process while that thread was
/// stopped, so the positions below fall in the first batch, on batch edges, in a middle batch
/// and on the last line.
struct ImportWriterErrorTests {
    static let lineCount = 10_000
    static let badLine = #"{"type":"order","case":"NO-SUCH-CASE","kind":"final","on":"2024-01-01"}"#

    /// `count` lines of new cases, with the order for an unknown case at line `bad`.
    static func text(count: Int = lineCount, badAt bad: Int) -> String {
        var lines: [String] = []
        lines.reserveCapacity(count)
        for number in 1...count {
            lines.append(number == bad ? badLine : TestRecords.caseRecord("IMP-\(number)").canonicalString)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(
        "A writer's error at any line of a 10,000-line file names the line and keeps nothing",
        arguments: [1, 11, 1_024, 1_025, 3_001, 8_193, 9_999, 10_000])
    func writerErrorAnywhere(line bad: Int) async throws {
        let temporary = try TemporarySQLiteStore()
        try await temporary.store.append(records: TestRecords.smallWorld)
        let files = try TemporaryDirectory(prefix: "corridor-import")
        let path = try files.write("bad.jsonl", text: Self.text(badAt: bad))
        let before = try await temporary.store.snapshot()

        let error = await #expect(throws: RecordError.self) { try await RecordImport.importFiles([path], into: temporary.store, context: .test) }
        #expect(error?.description == "\(path):\(bad): field 'case': no case 'NO-SUCH-CASE' has been recorded")
        #expect(try await temporary.store.snapshot() == before)
        #expect(try await temporary.reopen().snapshot() == before)

        // The store still takes a good import afterwards.
        let good = try files.write("good.jsonl", records: [TestRecords.caseRecord("AFTER-1")])
        #expect(try await RecordImport.importFiles([good], into: temporary.store, context: .test).count == 1)
    }

    @Test("The parser thread is stopped cleanly when the writer throws while parsed batches wait in the queue")
    func writerThrowsWithQueueFull() async throws {
        // A writer slower than the parser (as in a release build) leaves batches queued when it
        // throws; the queue's semaphore was then released below its starting value, which
        // libdispatch treats as a crash.
        let files = try TemporaryDirectory(prefix: "corridor-import")
        let path = try files.write("many.jsonl", text: Self.text(count: 20_000, badAt: 0))
        struct WriterFailed: Error {}
        for stopAt in [1, 2_000, 19_999] {
            let reader = try JSONLinesReader(path: path)
            await #expect(throws: WriterFailed.self) {
                try await ParsePipeline.run(reader, progress: nil) { record in
                    if record.line == stopAt {
                        Thread.sleep(forTimeInterval: 0.2)  // lets the parser fill every slot
                        throw WriterFailed()
                    }
                }
            }
        }
    }

    @Test(
        "The same error read from a pipe (standard input) while the writer is still writing",
        arguments: [11, 3_001, 10_000])
    func writerErrorFromPipe(line bad: Int) async throws {
        signal(SIGPIPE, SIG_IGN)  // the feeding thread may write after the import stops reading
        let temporary = try TemporarySQLiteStore()
        try await temporary.store.append(records: TestRecords.smallWorld)
        let before = try await temporary.store.snapshot()
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        let bytes = Array(Self.text(badAt: bad).utf8)
        let feeder = Thread {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
                if written <= 0 { break }
                offset += written
            }
            close(writeEnd)
        }
        feeder.start()
        let reader = JSONLinesReader(descriptor: readEnd, name: "stdin")
        let error = await #expect(throws: RecordError.self) { try await RecordImport.importReaders([reader], into: temporary.store, context: .test) }
        close(readEnd)  // ends the feeder if it is still writing
        #expect(error?.description == "stdin:\(bad): field 'case': no case 'NO-SUCH-CASE' has been recorded")
        #expect(try await temporary.store.snapshot() == before)
    }

    @Test("A line longer than the limit is refused by number, without reading it whole", arguments: [1, 3])
    func lineTooLong(line long: Int) async throws {
        let files = try TemporaryDirectory(prefix: "corridor-import")
        var lines = (1...4).map { TestRecords.caseRecord("LONG-\($0)").canonicalString }
        lines[long - 1] = #"{"type":"case","case":"X","nationalities":["GTM"],"counsel":""# + String(repeating: "x", count: 3 << 20) + "\"}"
        let path = try files.write("long.jsonl", text: lines.joined(separator: "\n") + "\n")
        let store = InMemoryEventStore()
        try await store.append(records: TestRecords.smallWorld)
        let before = try await store.snapshot()
        let error = await #expect(throws: RecordError.self) { try await RecordImport.importFiles([path], into: store, context: .test) }
        #expect(error?.code == "line-too-long")
        #expect(error?.line == long)
        #expect(error?.description == "\(path):\(long): line \(long) is longer than 1,048,576 bytes (the most a record may take)")
        #expect(try await store.snapshot() == before)
    }

    @Test("A stream without newlines (like /dev/zero) is refused after the limit, not read to exhaustion")
    func endlessLine() async throws {
        let reader = try JSONLinesReader(path: "/dev/zero")
        var lines = 0
        let error = await #expect(throws: RecordError.self) { try await reader.forEachLine { _, _, _ in lines += 1 } }
        #expect(error?.code == "line-too-long")
        #expect(error?.line == 1)
        #expect(lines == 0)
    }
}
