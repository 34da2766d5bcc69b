import ArgumentParser
import CorridorStore
import Foundation

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export every record of the log as JSON Lines.",
        discussion: "The output re-imports into an empty store to the same state (same `corridor status` digest)."
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var out: String?

    func run() async throws {
        let store = try self.store.open()
        let handle: FileHandle
        var temporaryPath: String?
        if let out {
            let partial = out + ".partial"
            guard FileManager.default.createFile(atPath: partial, contents: nil), let file = FileHandle(forWritingAtPath: partial) else {
                throw CLIError("cannot write \(out)")
            }
            handle = file
            temporaryPath = partial
        } else {
            handle = FileHandle.standardOutput
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        let count = try await store.exportRecords { line in
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 {
                handle.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(buffer))
        if let out, let temporaryPath {
            try handle.close()
            // Write to a side file and rename, so a failed export never leaves a half file behind.
            _ = try? FileManager.default.removeItem(atPath: out)
            try FileManager.default.moveItem(atPath: temporaryPath, toPath: out)
            Edge.printError("exported \(count.grouped) records to \(out)")
        }
    }
}
