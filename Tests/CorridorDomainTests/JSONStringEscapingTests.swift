import CorridorDomain
import Testing

/// `JSONValue.writeString` scans eight bytes at a time; it must escape exactly what the
/// byte-by-byte definition escapes, wherever in a word the byte falls.
struct JSONStringEscapingTests {
    static func written(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        JSONValue.writeString(text, into: &out)
        return out
    }

    /// The definition, byte by byte: quote, backslash and control characters escaped, every
    /// other byte (multi-byte UTF-8 included) as it is.
    static func referenceBytes(_ text: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0x08: out += Array("\\b".utf8)
            case 0x0C: out += Array("\\f".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        return out + [UInt8(ascii: "\"")]
    }

    @Test("Every special byte at every offset of a 1–40 byte string, among plain ASCII and multi-byte UTF-8")
    func everyOffset() {
        let specials: [Character] = ["\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{00}", "\u{01}", "\u{1F}"]
        let fillers: [Character] = ["a", " ", "~", "é", "\u{7F}", "!", "#", "]", "ß", "€"]
        for length in 1...40 {
            for offset in 0..<length {
                for (index, special) in specials.enumerated() {
                    let filler = fillers[(length + index) % fillers.count]
                    var characters = Array(repeating: filler, count: length)
                    characters[offset] = special
                    let text = String(characters)
                    #expect(Self.written(text) == Self.referenceBytes(text), "\(text.debugDescription)")
                }
            }
        }
    }

    @Test("10,000 random strings over the bytes that matter are escaped as the definition says")
    func random() {
        var generator = SplitMix64(seed: 2026)
        let alphabet: [Character] = [
            "a", "Z", "0", " ", "\"", "\\", "\n", "\u{01}", "\u{1F}", "\u{20}", "\u{21}", "\u{5B}", "\u{5D}", "é", "日", "🙂", "\u{7F}", "/",
        ]
        for _ in 0..<10_000 {
            let length = Int(generator.next() % 64)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            #expect(Self.written(text) == Self.referenceBytes(text), "\(text.debugDescription)")
        }
    }
}
