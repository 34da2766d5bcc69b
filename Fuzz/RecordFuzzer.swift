// A libFuzzer target for the parser and the record decoder, compiled together with
// CorridorDomain's sources by scripts/fuzz.sh (not a package target: it needs
// -sanitize=fuzzer,address). Every input must end in a value or a clear error, never a crash;
// a record that decodes must decode again, equal, from its canonical payload (the text the log
// stores and the export writes).

@_cdecl("LLVMFuzzerTestOneInput")
public func corridorRecordFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    if let value = try? JSONParser.parse(bytes) {
        let canonical = value.canonicalString
        guard let again = try? JSONParser.parse(canonical), again == value else {
            fatalError("canonical JSON does not parse back to the same value: \(canonical.prefix(200))")
        }
    }
    if let sourced = try? SourcedRecord.parse(line: bytes, file: "fuzz", line: 1) {
        do {
            let again = try Record.parse(sourced.payload)
            guard again == sourced.record else { fatalError("the canonical payload decodes to another record: \(sourced.payload.prefix(200))") }
        } catch {
            fatalError("the canonical payload of an accepted record is refused: \(error) — \(sourced.payload.prefix(200))")
        }
    }
    return 0
}
