import CorridorDomain

/// Reports progress of long work (imports, seeding) to a person.
public protocol ProgressReporter: Sendable {
    func report(_ message: String)
}

/// Imports JSON Lines files into a store, all or nothing across every file given.
public enum RecordImport {
    /// Appends every record of `paths` (`-` for standard input) in one transaction; the first
    /// bad line anywhere refuses the whole import, naming its file, line and field.
    public static func importFiles(
        _ paths: [String], into store: some EventStore, context: AppendContext,
        progress: (any ProgressReporter)? = nil
    ) async throws -> AppendReceipt {
        try await importReaders(paths.map { try JSONLinesReader(path: $0) }, into: store, context: context, progress: progress)
    }

    /// Appends every record of `readers` in one transaction, as ``importFiles(_:into:context:progress:)``.
    public static func importReaders(
        _ readers: [JSONLinesReader], into store: some EventStore, context: AppendContext,
        progress: (any ProgressReporter)? = nil
    ) async throws -> AppendReceipt {
        try await store.append(context: context) { emit in
            for reader in readers {
                let name = reader.name, size = reader.size
                var report: (@Sendable (Int, Int64) -> Void)?
                if let progress {
                    report = { line, read in
                        var share = ""
                        if let size, size > 0 { share = " (\(Int(Double(read) * 100 / Double(size)))% of the file)" }
                        progress.report("\(name): \(line) lines read\(share)")
                    }
                }
                try ParsePipeline.run(reader, progress: report, emit)
            }
        }
    }
}

/// Seeds a store with the reference network or a synthetic caseload.
public enum Seeding {
    /// Records the reference network. Refused when the store already holds it.
    public static func seedReference(into store: some EventStore, context: AppendContext) async throws -> AppendReceipt {
        if try await store.summary().countries > 0 {
            throw StoreError(
                code: .alreadySeeded, message: "the store already holds countries; the reference network is seeded only into a store without them")
        }
        return try await store.append(context: context) { emit in try ReferenceNetwork.records(emit) }
    }

    /// Records `count` synthetic cases generated from `seed`. Refused when synthetic cases are
    /// already present (their ids would collide).
    public static func seedSynthetic(
        count: Int, seed: UInt64, into store: some EventStore, context: AppendContext,
        progress: (any ProgressReporter)? = nil
    ) async throws -> AppendReceipt {
        guard count > 0 else { throw StoreError(code: .invalidArgument, message: "the number of synthetic cases must be at least 1") }
        if try await !store.caseRecords(CaseRecord.ID(SyntheticCaseload.caseID(0))).isEmpty {
            throw StoreError(
                code: .alreadySeeded, message: "the store already holds synthetic cases (SYN-…); seed a synthetic caseload into a store without one")
        }
        return try await store.append(context: context) { emit in
            var index = 0
            for records in SyntheticCaseload(count: count, seed: seed) {
                for value in records {
                    try emit(try SourcedRecord.make(value, file: "synthetic", line: index + 1))
                }
                index += 1
                if let progress, index % 100_000 == 0 { progress.report("generated \(index) of \(count) synthetic cases") }
            }
        }
    }
}
