import Dispatch

/// Runs blocking store work (SQLite reads and writes) off Swift's cooperative thread pool, so a
/// disk flush never stalls request handling.
enum Blocking {
    private static let readers = DispatchQueue(label: "corridor.store.read", attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            readers.async {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }
}
