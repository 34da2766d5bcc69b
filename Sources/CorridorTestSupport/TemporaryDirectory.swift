import CorridorDomain
import Foundation

/// A fresh directory under the system's temporary directory, removed with everything in it when
/// the last reference goes away. Each instance has its own name, so parallel tests never share one.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init(prefix: String = "corridor-test") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// The path of `name` inside the directory (the file need not exist).
    public func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    /// Writes `text` to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, text: String) throws -> String {
        let path = path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes one canonical JSON record per line to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, records: [JSONValue]) throws -> String {
        try write(name, text: records.map(\.canonicalString).joined(separator: "\n") + "\n")
    }
}
