import ArgumentParser
import CorridorDomain

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print a JSON Schema of what Corridor reads.",
        subcommands: [Records.self]
    )

    struct Records: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON Schema (draft 2020-12) of one record of the vocabulary.",
            discussion: """
                Every line of an import file, every body of POST /api/v1/records and every line of \
                `corridor export` is one such record. The schema is generated from the description of \
                the vocabulary that Corridor's tests hold its decoder to; a running server serves the \
                same document at /schemas/records.json. docs/records.md explains every field, with \
                examples, and what Corridor checks beyond the schema (lengths in UTF-8 bytes, a few \
                rules between fields, and the record against the store's state).
                """
        )

        func run() {
            print(RecordVocabulary.jsonSchema.prettyString, terminator: "")
        }
    }
}
