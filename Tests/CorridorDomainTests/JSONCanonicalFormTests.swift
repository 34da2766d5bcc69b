import CorridorDomain
import Testing

struct JSONCanonicalFormTests {
    @Test("Canonical form sorts keys by their bytes and drops whitespace")
    func sortsKeys() throws {
        let value = try JSONParser.parse(#"{ "b": 1, "a": {"z": [ 1, 2 ], "Z": null, "é": true, "e": false}, "_": "x" }"#)
        #expect(value.canonicalString == #"{"_":"x","a":{"Z":null,"e":false,"z":[1,2],"é":true},"b":1}"#)
    }

    @Test(
        "Canonical text parses back to the same value and is a fixed point",
        arguments: [
            #"{"type":"case","case":"C1","nationalities":["GTM","HND"],"birthYear":1990}"#,
            #"{"nested":{"deep":[{"x":1.25},{"y":-0.001}]},"empty":{},"list":[]}"#,
            #"{"s":"line\nbreak \"quoted\" back\\slash tab\t nul\u0000 bell\u0007 del\u007f é 😀"}"#,
            #"[1e21, 1e-7, 123456789.125, 9007199254740993, -0, 0.1]"#,
            #""\ud83d\ude00""#,
            "null", "true", "3",
        ])
    func roundTrip(text: String) throws {
        let value = try JSONParser.parse(text)
        let canonical = value.canonicalString
        #expect(try JSONParser.parse(canonical) == value)
        #expect(try JSONParser.parse(canonical).canonicalString == canonical)
    }

    @Test(
        "Numbers: integers print without a fraction, others in their shortest form",
        arguments: [
            (1.0, "1"), (-0.0, "0"), (100, "100"), (-42, "-42"), (2500, "2500"), (1.5, "1.5"), (0.1, "0.1"),
            (-0.25, "-0.25"), (9_007_199_254_740_991, "9007199254740991"),
        ])
    func numbers(value: Double, expected: String) {
        #expect(JSONValue.number(value).canonicalString == expected)
    }

    @Test("Strings escape only what JSON requires")
    func stringEscapes() {
        let value: JSONValue = .string("a\"b\\c/d\n\r\t\u{8}\u{C}\u{1}\u{1F} é 😀")
        #expect(value.canonicalString == #""a\"b\\c/d\n\r\t\b\f\u0001\u001f é 😀""#)
    }

    @Test("Two spellings of one object have one canonical text")
    func spellingsAgree() throws {
        let a = try JSONParser.parse(#"{"x": 1.0, "y": "\u00e9", "z": [true]}"#)
        let b = try JSONParser.parse("{\"z\":[true],\"y\":\"é\",\"x\":1}")
        #expect(a == b)
        #expect(a.canonicalString == b.canonicalString)
    }
}
