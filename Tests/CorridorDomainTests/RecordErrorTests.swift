import CorridorDomain
import Testing

struct RecordErrorTests {
    @Test("An error read from a file names the file, the line and the field")
    func locatedDescription() throws {
        let line = Array(#"{"type":"claim","case":"C1","claim":"refugee","against":"SLV","status":"pending","on":"2024-03-01"}"#.utf8)
        let error = #expect(throws: RecordError.self) {
            try line.withUnsafeBufferPointer { bytes in try SourcedRecord.parse(line: bytes, file: "cases.jsonl", line: 3) }
        }
        #expect(error?.file == "cases.jsonl")
        #expect(error?.line == 3)
        #expect(error?.field == "claim")
        #expect(error?.description.hasPrefix("cases.jsonl:3: field 'claim': 'refugee' is not one of") == true)
    }

    @Test("A syntax error on a line is invalid-json, located, with the column")
    func syntaxErrorOnALine() throws {
        let line = Array(#"{"type": "case", "case": }"#.utf8)
        let error = #expect(throws: RecordError.self) {
            try line.withUnsafeBufferPointer { bytes in try SourcedRecord.parse(line: bytes, file: "x.jsonl", line: 7) }
        }
        #expect(error?.code == "invalid-json")
        #expect(error?.line == 7)
        #expect(error?.field == nil)
        #expect(error?.description.hasPrefix("x.jsonl:7: invalid JSON at column 26") == true)
    }

    @Test("Descriptions with only a line, or no location")
    func partialLocations() {
        let bare = RecordError.missing("name")
        #expect(bare.description == "field 'name': required field is missing")
        #expect(bare.at(file: nil, line: 4).description == "line 4: field 'name': required field is missing")
        #expect(bare.at(file: "f", line: nil).description == "f: field 'name': required field is missing")
        // Locating again keeps what is known when the new location is partial.
        #expect(bare.at(file: "f", line: 2).at(file: nil, line: nil) == bare.at(file: "f", line: 2))
    }
}
