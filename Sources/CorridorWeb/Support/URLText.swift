/// Percent-decoding and query lookup over UTF-8, without Foundation: these run on every request,
/// and Foundation's `removingPercentEncoding` bridges through `NSString`.
enum URLText {
    /// `text` with `%XX` escapes decoded (RFC 3986; `+` stays `+`), or nil when an escape is
    /// malformed or the bytes are not UTF-8. Text without `%` is returned as it is.
    static func percentDecoded<S: StringProtocol>(_ text: S) -> String? {
        let utf8 = text.utf8
        guard utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The raw (still percent-encoded) values of `name` in a query string `a=1&b=2`, in order.
    static func rawValues(of name: String, in query: Substring) -> [Substring] {
        var values: [Substring] = []
        forEachPair(in: query, named: name) {
            values.append($0); return true
        }
        return values
    }

    /// The first raw value of `name`.
    static func firstRawValue(of name: String, in query: Substring) -> Substring? {
        var found: Substring?
        forEachPair(in: query, named: name) {
            found = $0; return false
        }
        return found
    }

    /// Calls `body` with the value of each `name=value` (or bare `name`, value "") in `query`,
    /// until it returns false. Scans UTF-8 bytes: `&` and `=` are ASCII, and splitting on
    /// Characters (grapheme clusters) cost 1.7% of a check request's CPU.
    private static func forEachPair(in query: Substring, named name: String, _ body: (Substring) -> Bool) {
        var name = name
        name.withUTF8 { key in
            let bytes = query.utf8
            var start = bytes.startIndex
            while start < bytes.endIndex {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.endIndex
                let pair = bytes[start..<end]
                if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                    if pair[..<equals].elementsEqual(key), !body(query[bytes.index(after: equals)..<end]) { return }
                } else if !pair.isEmpty, pair.elementsEqual(key), !body(query[end..<end]) {
                    return
                }
                start = end == bytes.endIndex ? end : bytes.index(after: end)
            }
        }
    }
}
