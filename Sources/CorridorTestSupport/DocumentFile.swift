import Foundation

/// A documentation file of the repository (`docs/records.md`), read by tests that hold it to
/// the code: its examples must be valid, and its generated sections current.
///
/// A generated section sits between `<!-- generated: NAME -->` and `<!-- end generated -->`.
/// With `CORRIDOR_WRITE_DOCS=1` in the environment, a test that finds a section out of date
/// rewrites it instead of failing (then review the diff and commit it).
public struct DocumentFile {
    public let path: String
    public private(set) var text: String

    /// The repository's root, from this source file's place in it.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public init(_ relativePath: String) throws {
        path = DocumentFile.repositoryRoot.appendingPathComponent(relativePath).path
        text = try String(contentsOfFile: path, encoding: .utf8)
    }

    public static var rewriting: Bool { ProcessInfo.processInfo.environment["CORRIDOR_WRITE_DOCS"] == "1" }

    static func markers(_ name: String) -> (start: String, end: String) {
        ("<!-- generated: \(name) -->\n", "<!-- end generated -->")
    }

    /// The text of a generated section, or nil when the file has no such section.
    public func section(_ name: String) -> String? {
        let (start, end) = Self.markers(name)
        guard let open = text.range(of: start), let close = text.range(of: end, range: open.upperBound..<text.endIndex) else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }

    /// Replaces a generated section's text (in memory; `save()` writes the file).
    public mutating func replaceSection(_ name: String, with content: String) {
        let (start, end) = Self.markers(name)
        guard let open = text.range(of: start), let close = text.range(of: end, range: open.upperBound..<text.endIndex) else { return }
        text.replaceSubrange(open.upperBound..<close.lowerBound, with: content)
    }

    public func save() throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The lines of every fenced code block of this language (```` ```jsonl ````), in order.
    public func codeLines(language: String) -> [String] {
        var lines: [String] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inside = !inside && line.dropFirst(3) == language
                continue
            }
            if inside, !line.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(String(line)) }
        }
        return lines
    }
}
