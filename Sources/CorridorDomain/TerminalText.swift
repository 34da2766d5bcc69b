/// Text that reaches a terminal, a log or a plain-text answer with nothing in it that a terminal
/// would act on. A court name holding `ESC ] 0 ; … BEL` retitles the window of whoever runs
/// `corridor impact`; `ESC [ 31 m` recolours it; U+202E reverses what follows. Records may hold
/// such characters in free text (they are refused in identifiers); every text output writes
/// them as visible escapes instead.
public enum TerminalText {
    /// Control characters (C0 but tab and line feed, DEL, C1) and the invisible characters that
    /// reorder or hide text: bidirectional embeddings, overrides, isolates and marks, the
    /// Arabic letter mark, zero-width space and the byte-order mark.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: return true
        default: return false
        }
    }

    /// `text` with every unsafe character but line feed and tab written as `\u{…}`.
    public static func escaped(_ text: String, keepingLineBreaks: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0) && !(keepingLineBreaks && ($0 == "\n" || $0 == "\t")) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar), !(keepingLineBreaks && (scalar == "\n" || scalar == "\t")) {
                out.append(contentsOf: "\\u{\(hex(scalar))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The scalar's code point in upper-case hexadecimal, at least four digits (`001B`, `202E`).
    public static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
