import CorridorDomain
import Testing

/// Text from records reaches terminals through every CLI output; nothing in it may act on the
/// terminal (retitle the window, recolour, reorder what follows).
struct TerminalTextTests {
    @Test(
        "Escape sequences, C1 controls and bidirectional overrides are written as visible escapes",
        arguments: [
            ("C\u{1B}]0;pwned\u{07} court", "C\\u{001B}]0;pwned\\u{0007} court"),
            ("\u{1B}[31mred", "\\u{001B}[31mred"),
            ("a\u{9B}31mb", "a\\u{009B}31mb"),
            ("invoice\u{202E}fdp.exe", "invoice\\u{202E}fdp.exe"),
            ("x\u{2066}y\u{2069}\u{200F}\u{FEFF}", "x\\u{2066}y\\u{2069}\\u{200F}\\u{FEFF}"),
            ("del\u{7F}", "del\\u{007F}"),
        ])
    func escapes(_ input: String, _ expected: String) {
        #expect(TerminalText.escaped(input) == expected)
    }

    @Test("Ordinary text, line breaks and tabs, accents and other scripts pass unchanged")
    func ordinaryText() {
        for text in ["D. Mass.", "line one\nline two\tcolumn", "Tribunal Supremo — São Tomé", "محكمة", "法院", "👩‍⚖️"] {
            #expect(TerminalText.escaped(text) == text)
        }
        #expect(TerminalText.escaped("a\nb", keepingLineBreaks: false) == "a\\u{000A}b")
    }
}
