import CorridorDomain
import Dispatch
import Synchronization

/// Parses and validates JSON Lines on a second thread while the caller writes: on two cores the
/// parser and the database each keep one busy. Batches keep the hand-off cheap; a bounded
/// queue keeps memory flat however large the file.
final class ParsePipeline: @unchecked Sendable {
    private enum Item {
        case batch([SourcedRecord])
        case failure(any Error)
        case end
    }

    private let queue = Mutex<[Item]>([])
    private let filled = DispatchSemaphore(value: 0)
    private let free: DispatchSemaphore
    private let finished = DispatchSemaphore(value: 0)
    private let cancelled = Atomic<Bool>(false)

    private init(capacity: Int) {
        // Created at zero and raised to `capacity`: libdispatch traps ("semaphore object
        // deallocated while in use") when a semaphore is released below the value it was
        // created with, which is where `free` stands whenever the writer stops early — an
        // import whose writer threw at line 3,001 crashed here instead of naming the line.
        free = DispatchSemaphore(value: 0)
        for _ in 0..<capacity { free.signal() }
    }

    /// Streams every record of `reader` to `emit`, parsing ahead on another thread. The first
    /// bad line (or an error thrown by `emit`) stops both sides and is rethrown.
    static func run(
        _ reader: JSONLinesReader, progress: (@Sendable (Int, Int64) -> Void)?, batchSize: Int = 1024,
        _ emit: (SourcedRecord) throws -> Void
    ) throws {
        let pipeline = ParsePipeline(capacity: 8)
        let box = UncheckedBox(reader)
        DispatchQueue.global().async {
            pipeline.produce(box.value, progress: progress, batchSize: batchSize)
        }
        defer {
            pipeline.cancelled.store(true, ordering: .relaxed)
            pipeline.free.signal()
            pipeline.finished.wait()
        }
        while true {
            pipeline.filled.wait()
            let item = pipeline.queue.withLock { $0.removeFirst() }
            pipeline.free.signal()
            switch item {
            case .batch(let records): for record in records { try emit(record) }
            case .failure(let error): throw error
            case .end: return
            }
        }
    }

    private func put(_ item: Item) -> Bool {
        free.wait()
        if cancelled.load(ordering: .relaxed) { return false }
        queue.withLock { $0.append(item) }
        filled.signal()
        return true
    }

    private func produce(_ reader: JSONLinesReader, progress: (@Sendable (Int, Int64) -> Void)?, batchSize: Int) {
        defer { finished.signal() }
        var batch: [SourcedRecord] = []
        batch.reserveCapacity(batchSize)
        do {
            try reader.forEachLine { number, bytes, read in
                batch.append(try SourcedRecord.parse(line: bytes, file: reader.name, line: number))
                if batch.count == batchSize {
                    guard put(.batch(batch)) else { throw CancellationMarker() }
                    batch.removeAll(keepingCapacity: true)
                }
                if let progress, number % 100_000 == 0 { progress(number, read) }
            }
            if !batch.isEmpty { guard put(.batch(batch)) else { return } }
            _ = put(.end)
        } catch is CancellationMarker {
            return
        } catch {
            if !batch.isEmpty { guard put(.batch(batch)) else { return } }
            _ = put(.failure(error))
        }
    }

    private struct CancellationMarker: Error {}
}

struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
