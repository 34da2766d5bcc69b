import CorridorDomain
import Synchronization

/// What an image says about itself before its cases are read.
public struct CaseloadImageHeader: Sendable, Equatable {
    /// The image holds every case record and fact with `seq` at or before this.
    public var seq: Int64
    /// The chain hash of event `seq` when the image was made (empty at seq 0): an image made
    /// from another log, or from a log since restored differently, names another hash.
    public var chainHash: String
    public var cases: Int
}

extension Caseload {
    /// The image's format; an image of another format is rebuilt, never converted.
    public static let imageFormat: UInt64 = 1
    static let imageMagic: [UInt8] = Array("CORRIDOR-CASELOAD\n".utf8)

    /// The caseload at rest: the interned values, each case's encoded length and the encoded
    /// cases, packed (see ADR 12), after a header naming the `seq` it was made at and that
    /// event's chain hash, and followed by a checksum of everything before it.
    public func image(seq: Int64, chainHash: String) -> [UInt8] {
        let packed = compacted()
        var out: [UInt8] = []
        out.reserveCapacity(packed.arena.count + packed.count * 2 + 1024)
        out.append(contentsOf: Caseload.imageMagic)
        out.appendVarint(Caseload.imageFormat)
        out.appendSigned(seq)
        out.appendBytes(chainHash)
        out.appendVarint(UInt64(packed.count))
        let values = packed.table.values
        out.appendVarint(UInt64(values.strings.count))
        for string in values.strings { out.appendBytes(string) }
        out.appendVarint(UInt64(values.lists.count))
        // Every country of an interned list is interned too (``InternTable/number(_:)-([CountryCode])``).
        var numbers: [String: Int] = [:]
        for (number, string) in values.strings.enumerated() where string.utf8.count == 3 { numbers[string] = number }
        for list in values.lists {
            out.appendVarint(UInt64(list.count))
            for country in list { out.appendVarint(UInt64(numbers[country.rawValue]!)) }
        }
        for position in 0..<packed.count {
            let end = position + 1 < packed.count ? packed.offsets[position + 1] : packed.arena.count
            out.appendVarint(UInt64(end - packed.offsets[position]))
        }
        out.appendVarint(UInt64(packed.arena.count))
        out.append(contentsOf: packed.arena)
        let checksum = out.withUnsafeBufferPointer { CaseloadHash.checksum($0) }
        out.appendFixed64(checksum)
        return out
    }

    /// The header of an image, after checking its checksum and format (cheap next to reading
    /// the cases: a caller can tell a stale or foreign image before paying for it).
    public static func imageHeader(_ bytes: [UInt8]) throws(CaseloadImageError) -> CaseloadImageHeader {
        try bytes.withUnsafeBufferPointer { buffer throws(CaseloadImageError) in
            var reader = try checkedReader(buffer)
            return try header(&reader)
        }
    }

    /// Reads an image back, checking everything: the checksum, the format, and every case
    /// decoded in full (in parallel) — so that a damaged image is refused here, whole, and never
    /// half-used. Throws ``CaseloadImageError`` naming what is wrong.
    public init(image bytes: [UInt8]) throws(CaseloadImageError) {
        var caseload = Caseload()
        let header: CaseloadImageHeader
        var lengths: [Int] = []
        var arenaStart = 0
        var arenaLength = 0
        (header, lengths, arenaStart, arenaLength) = try bytes.withUnsafeBufferPointer { buffer throws(CaseloadImageError) in
            var reader = try Caseload.checkedReader(buffer)
            let header = try Caseload.header(&reader)
            let stringCount = try reader.count(atMost: buffer.count)
            var strings: [String] = []
            strings.reserveCapacity(stringCount)
            for _ in 0..<stringCount { strings.append(try reader.string()) }
            let listCount = try reader.count(atMost: buffer.count)
            var lists: [[CountryCode]] = []
            lists.reserveCapacity(listCount)
            for _ in 0..<listCount {
                let length = try reader.count(atMost: 64)
                var list: [CountryCode] = []
                for _ in 0..<length {
                    let number = try reader.count(atMost: stringCount - 1)
                    list.append(CountryCode(strings[number]))
                }
                lists.append(list)
            }
            caseload.table = InternTable(InternedValues(strings: strings, lists: lists))
            var lengths: [Int] = []
            lengths.reserveCapacity(header.cases)
            for _ in 0..<header.cases { lengths.append(try reader.count(atMost: 1 << 30)) }
            let arenaLength = try reader.count(atMost: reader.end - reader.position)
            guard reader.position + arenaLength == reader.end else {
                throw CaseloadImageError("the encoded cases end at byte \(reader.position + arenaLength), not at the checksum (\(reader.end))")
            }
            guard lengths.reduce(0, +) == arenaLength else {
                throw CaseloadImageError("the cases' lengths do not add up to the bytes that hold them")
            }
            return (header, lengths, reader.position, arenaLength)
        }
        // The image's own bytes are the arena: the cases are read in place, nothing is copied.
        caseload.arena = bytes
        caseload.isPacked = false
        caseload.supersededBytes = bytes.count - arenaLength
        var offsets = [Int](repeating: 0, count: lengths.count)
        var at = arenaStart
        for (position, length) in lengths.enumerated() {
            offsets[position] = at
            at += length
        }
        caseload.offsets = Chunked(offsets)
        try caseload.checkEveryCase(end: arenaStart + arenaLength)
        caseload.rebuildUnits()
        _ = header
        self = caseload
    }

    /// Checks every case in parallel (``CaseCodec/check(_:stringCount:listCount:)``), and that each uses exactly its stated length.
    private func checkEveryCase(end arenaEnd: Int) throws(CaseloadImageError) {
        let total = count
        guard total > 0 else { return }
        let values = table.values
        let failures = Failures()
        let starts = offsets
        do {
            arena.withUnsafeBufferPointer { arenaBuffer in
                let bytes = UnsafeSendableInput(arenaBuffer)
                concurrentRanges(total, minimum: 4096) { range in
                    let strings = values.strings.count, lists = values.lists.count
                    for position in range {
                        let caseEnd = position + 1 < total ? starts[position + 1] : arenaEnd
                        var reader = ByteReader(UnsafeBufferPointer(rebasing: bytes.buffer[..<caseEnd]), at: starts[position])
                        do {
                            try CaseCodec.check(&reader, stringCount: strings, listCount: lists)
                            guard reader.position == caseEnd else { throw CaseloadImageError("case \(position) is shorter than its stated length") }
                        } catch {
                            failures.record(position: position, error)
                            return
                        }
                    }
                }
            }
        }
        if let failure = failures.first { throw CaseloadImageError("case \(failure.position): \(failure.error.message)") }
    }

    /// Each family unit's members, from every case's header.
    mutating func rebuildUnits() {
        var units: [UInt32: [Int32]] = [:]
        let values = table.values
        withArena { arena in
            for position in offsets.indices {
                var reader = arena.reader(offsets[position])
                if let unit = try! CaseCodec.skipHeader(&reader, stringCount: values.strings.count, listCount: values.lists.count) {
                    units[unit, default: []].append(Int32(position))
                }
            }
        }
        self.units = units
    }

    private static func checkedReader(_ buffer: UnsafeBufferPointer<UInt8>) throws(CaseloadImageError) -> ByteReader {
        guard buffer.count >= imageMagic.count + 8, imageMagic.elementsEqual(buffer.prefix(imageMagic.count)) else {
            throw CaseloadImageError("not a caseload image")
        }
        let body = UnsafeBufferPointer(rebasing: buffer[..<(buffer.count - 8)])
        var tail = ByteReader(buffer, at: buffer.count - 8)
        guard try tail.fixed64() == CaseloadHash.checksum(body) else { throw CaseloadImageError("the checksum does not match: the image is damaged") }
        return ByteReader(body, at: imageMagic.count)
    }

    private static func header(_ reader: inout ByteReader) throws(CaseloadImageError) -> CaseloadImageHeader {
        let format = try reader.varint()
        guard format == imageFormat else { throw CaseloadImageError("image format \(format), not \(imageFormat)") }
        let seq = try reader.signed()
        guard seq >= 0 else { throw CaseloadImageError("a negative seq") }
        let chainHash = try reader.string(maxLength: 256)
        let cases = try reader.count(atMost: reader.end)
        return CaseloadImageHeader(seq: seq, chainHash: chainHash, cases: cases)
    }
}

/// The first failure any worker of a parallel check met.
private final class Failures: Sendable {
    private let failure = Mutex<(position: Int, error: CaseloadImageError)?>(nil)

    func record(position: Int, _ error: any Error) {
        let imageError = error as? CaseloadImageError ?? CaseloadImageError("\(error)")
        failure.withLock { if $0 == nil || position < $0!.position { $0 = (position, imageError) } }
    }

    var first: (position: Int, error: CaseloadImageError)? { failure.withLock { $0 } }
}
