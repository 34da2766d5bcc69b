import CorridorDomain

/// Why bytes of an encoded caseload cannot be read: a caseload image that is damaged, cut
/// short or of another format. The image is derived state, so the answer to any of these is to
/// rebuild it from the log.
public struct CaseloadImageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Numbers for the values that encoded cases refer to: every distinct string (countries,
/// counsel, family units, designation kinds, sources…) and every distinct list of
/// nationalities, each kept once however many people share it.
struct InternTable: Sendable {
    private(set) var values = InternedValues()
    /// Numbers by value, for encoding: built on the first encoding after the table was read
    /// from an image (a pass that only decodes never needs them).
    private var stringNumbers: [String: UInt32]? = [:]
    private var listNumbers: [[CountryCode]: UInt32]? = [:]

    init() {}

    /// A table read back from an image.
    init(_ values: InternedValues) {
        self.values = values
        stringNumbers = nil
        listNumbers = nil
    }

    private mutating func numbers() {
        guard stringNumbers == nil else { return }
        var strings: [String: UInt32] = [:]
        strings.reserveCapacity(values.strings.count)
        for (number, string) in values.strings.enumerated() { strings[string] = UInt32(number) }
        var lists: [[CountryCode]: UInt32] = [:]
        for (number, list) in values.lists.enumerated() { lists[list] = UInt32(number) }
        stringNumbers = strings
        listNumbers = lists
    }

    mutating func number(_ string: String) -> UInt32 {
        numbers()
        if let number = stringNumbers![string] { return number }
        let number = UInt32(values.strings.count)
        values.strings.append(string)
        stringNumbers![string] = number
        return number
    }

    mutating func number(_ list: [CountryCode]) -> UInt32 {
        numbers()
        if let number = listNumbers![list] { return number }
        for country in list { _ = number(country.rawValue) }
        let number = UInt32(values.lists.count)
        values.lists.append(list)
        listNumbers![list] = number
        return number
    }
}

/// The interned values themselves, as decoding reads them.
struct InternedValues: Sendable, Equatable {
    var strings: [String] = []
    var lists: [[CountryCode]] = []

    /// A copy that shares no reference-counted storage with this one, for one worker of a
    /// parallel pass: threads that decode with their own copy never contend on one count.
    /// (Strings of up to 15 UTF-8 bytes live inline and have no count to share.)
    func privateCopy() -> InternedValues {
        InternedValues(
            strings: strings.map { $0.utf8.count > 15 ? String(decoding: Array($0.utf8), as: UTF8.self) : $0 },
            // `map` builds new storage (a plain copy would share the original's).
            lists: lists.map { list in list.map { $0 } })
    }
}

// MARK: Writing

extension Array where Element == UInt8 {
    /// LEB128: seven bits per byte, low bits first.
    @inline(__always)
    mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        append(UInt8(value))
    }

    @inline(__always)
    mutating func appendVarint(_ value: UInt32) { appendVarint(UInt64(value)) }

    /// Zig-zag, so that small negative numbers stay short.
    @inline(__always)
    mutating func appendSigned(_ value: Int64) { appendVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    mutating func appendFixed32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func appendFixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func appendBytes(_ string: String) {
        appendVarint(UInt64(string.utf8.count))
        append(contentsOf: string.utf8)
    }
}

// MARK: Reading

/// Reads what the writer above wrote, checking every bound: damaged bytes throw, never trap.
struct ByteReader {
    let base: UnsafePointer<UInt8>
    let end: Int
    var position: Int

    init(_ buffer: UnsafeBufferPointer<UInt8>, at position: Int = 0) {
        // An empty buffer may have no base address; a one-byte stand-in is never read (end is 0).
        base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        end = buffer.count
        self.position = position
    }

    var isAtEnd: Bool { position >= end }

    /// The bytes read since `start`, in place.
    func bytes(from start: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base + start, count: position - start) }

    @inline(__always)
    mutating func byte() throws(CaseloadImageError) -> UInt8 {
        guard position < end else { throw CaseloadImageError("cut short at byte \(position)") }
        defer { position += 1 }
        return base[position]
    }

    @inline(__always)
    mutating func varint() throws(CaseloadImageError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try byte()
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            guard shift < 64 else { throw CaseloadImageError("a number at byte \(position) is too long") }
        }
    }

    @inline(__always)
    mutating func signed() throws(CaseloadImageError) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// A count or a length, no larger than `limit`.
    @inline(__always)
    mutating func count(atMost limit: Int) throws(CaseloadImageError) -> Int {
        let value = try varint()
        guard limit >= 0, value <= UInt64(limit) else { throw CaseloadImageError("a count of \(value) at byte \(position) exceeds \(limit)") }
        return Int(value)
    }

    mutating func fixed64() throws(CaseloadImageError) -> UInt64 {
        guard end - position >= 8 else { throw CaseloadImageError("cut short at byte \(position)") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(base[position + index]) << UInt64(index * 8) }
        position += 8
        return value
    }

    /// The next `length` bytes, in place.
    mutating func bytes(_ length: Int) throws(CaseloadImageError) -> UnsafeBufferPointer<UInt8> {
        guard length >= 0, end - position >= length else { throw CaseloadImageError("cut short at byte \(position)") }
        defer { position += length }
        return UnsafeBufferPointer(start: base + position, count: length)
    }

    mutating func string(maxLength: Int = 1 << 20) throws(CaseloadImageError) -> String {
        let length = try count(atMost: maxLength)
        return String(decoding: try bytes(length), as: UTF8.self)
    }
}

// MARK: Hashing

enum CaseloadHash {
    /// FNV-1a over an identifier's bytes, finished with a mixer (for the id index).
    @inline(__always)
    static func identifier(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return mix(hash)
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A 64-bit checksum of an image's bytes, eight at a time: catches damage (a flipped bit, a
    /// cut or a mixed-up part) at memory speed. Not a defence against forgery: whoever can
    /// write the image can write the log's projections too, and the log's own chain is what
    /// `audit verify` checks.
    static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var a: UInt64 = 0x243f_6a88_85a3_08d3 ^ UInt64(bytes.count)
        var b: UInt64 = 0x1319_8a2e_0370_7344
        let words = bytes.count / 8
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            var index = 0
            while index + 1 < words {
                let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
                let y = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8 + 8, as: UInt64.self))
                a = (a ^ x) &* 0x9e37_79b9_7f4a_7c15
                a = (a << 31) | (a >> 33)
                b = (b ^ y) &* 0xc2b2_ae3d_27d4_eb4f
                b = (b << 29) | (b >> 35)
                index += 2
            }
            while index < words {
                a = ((a ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))) &* 0x9e37_79b9_7f4a_7c15)
                a = (a << 31) | (a >> 33)
                index += 1
            }
            for offset in (words * 8)..<bytes.count { b = (b ^ UInt64(base[offset])) &* 0x0000_0100_0000_01b3 }
        }
        return mix(a ^ mix(b))
    }
}
