import CorridorTestSupport
import Foundation
import Testing

/// Issue 17: users have the repository, not the design notes it was built from. Nothing in
/// `Sources/`, `README.md` or `docs/` (help texts, pages, comments, docs) may send them to a
/// file they do not have.
struct ShippedFilesTests {
    @Test("Nothing users get points to a file they do not have (the design notes outside the repository)")
    func noPointersOutside() throws {
        let root = DocumentFile.repositoryRoot
        var offenders: [String] = []
        let names = ["DESIGN.md", "SIMULATION.md", "STYLE.md", "../shared", "shared/"]
        var paths = ["README.md"]
        for folder in ["Sources", "docs"] {
            let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)
            while let item = enumerator?.nextObject() as? String { paths.append(folder + "/" + item) }
        }
        for path in paths {
            guard let text = try? String(contentsOfFile: root.appendingPathComponent(path).path, encoding: .utf8) else { continue }
            for name in names where text.contains(name) { offenders.append("\(path) names \(name)") }
        }
        #expect(offenders.isEmpty, "\(offenders.joined(separator: "\n"))")
    }
}
