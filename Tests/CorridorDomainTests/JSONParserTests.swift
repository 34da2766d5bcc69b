import CorridorDomain
import Testing

struct JSONParserTests {
    @Test("Parses every kind of value")
    func parsesValues() throws {
        let value = try JSONParser.parse(#" {"a": [1, -2.5, 3e2, true, false, null], "b": {"c": "d"}, "e": ""} "#)
        #expect(value == ["a": [1, -2.5, 300, true, false, nil], "b": ["c": "d"], "e": ""])
    }

    @Test("Duplicate keys are refused, also when spelt with escapes")
    func duplicateKeys() {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(#"{"a": 1, "a": 2}"#) }
        let error = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(#"{"a": 1, "\u0061": 1}"#) }
        #expect(error?.message == #"duplicate key "a""#)
        #expect(error?.column == 10)
        // The same key in different objects is fine.
        #expect(throws: Never.self) { try JSONParser.parse(#"{"a": {"a": 1}, "b": {"a": 2}}"#) }
    }

    @Test(
        "Nesting up to 64 levels is accepted, deeper is refused",
        arguments: [
            (64, true), (65, false), (1000, false),
        ])
    func nestingDepth(depth: Int, accepted: Bool) {
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let objects = String(repeating: #"{"k":"#, count: depth) + "0" + String(repeating: "}", count: depth)
        for text in [arrays, objects] {
            if accepted {
                #expect(throws: Never.self) { try JSONParser.parse(text) }
            } else {
                let error = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
                #expect(error?.message.contains("nesting deeper than 64") == true)
            }
        }
    }

    @Test(
        "Unicode escapes, including surrogate pairs, decode to the right scalars",
        arguments: [
            (#""\u00e9""#, "é"),
            (#""\u00E9t\u00e9""#, "été"),
            (#""\ud83d\ude00""#, "😀"),
            (#""\uD83C\uDDF8\uD83C\uDDFB""#, "🇸🇻"),
            (#""a\u0000b""#, "a\u{0}b"),
            (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
            (#""Año ñ 日本""#, "Año ñ 日本"),
        ])
    func unicodeEscapes(json: String, expected: String) throws {
        #expect(try JSONParser.parse(json) == .string(expected))
    }

    @Test(
        "Malformed text is refused with a message",
        arguments: [
            (#""\ud83d""#, "unpaired surrogate"),
            (#""\ude00""#, "unpaired surrogate"),
            (#""\ud83d\u0041""#, "invalid low surrogate"),
            (#""\u12""#, "incomplete"),
            (#""\uzzzz""#, "invalid hex digit"),
            (#""\x""#, "invalid escape"),
            ("\"a\nb\"", "control character"),
            (#""abc"#, "unterminated string"),
            ("01", "leading zeros"),
            ("-01", "leading zeros"),
            ("1.", "expected digits after '.'"),
            ("1e", "expected digits in exponent"),
            ("-", "invalid number"),
            ("+1", "unexpected character"),
            ("1e999", "out of range"),
            ("tru", "unexpected end of input"),
            ("nul!", "invalid literal"),
            (#"{"a" 1}"#, "expected ':'"),
            (#"{"a": 1,}"#, "expected a quoted key"),
            ("[1,]", "unexpected character"),
            ("[1 2]", "expected ',' or ']'"),
            (#"{"a": 1 "b": 2}"#, "expected ',' or '}'"),
            ("{} {}", "unexpected text after the value"),
            ("", "unexpected end of input"),
            ("   ", "unexpected end of input"),
        ])
    func malformed(text: String, message: String) {
        let error = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
        #expect(error?.message.contains(message) == true, "\(error.map(String.init(describing:)) ?? "no error")")
    }

    @Test("Invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0x22]
        let error = #expect(throws: JSONParser.SyntaxError.self) {
            try bytes.withUnsafeBufferPointer { try JSONParser.parse($0) }
        }
        #expect(error?.message == "string is not valid UTF-8")
    }

    @Test(
        "Numbers parse exactly",
        arguments: [
            ("0", 0.0), ("-0", 0.0), ("42", 42), ("-17", -17), ("1.5", 1.5), ("2.5e3", 2500), ("1E-2", 0.01),
            ("123456789012345", 123_456_789_012_345), ("9007199254740993", 9_007_199_254_740_992),
            ("-999999999999999", -999_999_999_999_999),
        ])
    func numbers(text: String, expected: Double) throws {
        #expect(try JSONParser.parse(text) == .number(expected))
    }
}
