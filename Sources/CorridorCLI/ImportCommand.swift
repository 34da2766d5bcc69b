import ArgumentParser
import CorridorServices
import CorridorStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import records from JSON Lines files, all or nothing.",
        discussion: """
            Each line is one record (a JSON object with a "type"); docs/records.md describes every \
            record type and field, with examples, and `corridor schema records` prints their JSON Schema. \
            Every file given is imported in one transaction: if any line of any file is refused, \
            nothing is recorded and the error names the file, the line and the field. \
            Use - to read standard input.
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("JSON Lines files to import (- for standard input).", valueName: "file"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file to import (or - for standard input)") }
    }

    func run() async throws {
        // The inputs are opened before the store: with standard input closed, the store's file
        // would otherwise take descriptor 0 and be read as records.
        let readers = try await reportingRefusals("import") { try files.map { try JSONLinesReader(path: $0) } }
        let store = try await self.store.open()
        let receipt = try await reportingRefusals("import") {
            try await RecordImport.importReaders(readers, into: store, context: Edge.context(), progress: StderrProgress())
        }
        if receipt.count == 0 {
            print("nothing to import: the input holds no records")
        } else {
            print("imported \(receipt.count.grouped) records (events \(receipt.firstSeq!)…\(receipt.lastSeq!)); head \(receipt.headHash)")
        }
        if receipt.count > 0 { try await CaseloadImageRefresh.run(store) }
    }
}
