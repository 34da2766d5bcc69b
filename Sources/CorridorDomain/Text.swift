/// Text helpers shared by the CLI, the pages and the simulator's charts.
public enum Markup {
    /// Escapes text for HTML and XML (element content and quoted attributes): a case id or a
    /// source title containing markup renders as text.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

extension Int {
    /// 1234567 → "1,234,567".
    public var grouped: String {
        let digits = String(magnitude)  // not abs(self): that traps on Int.min
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (self < 0 ? "-" : "") + out
    }
}

extension Double {
    /// Rounded to a whole number and grouped (1234567.4 → "1,234,567"). Converting a double to
    /// `Int` traps when it is not finite or out of range; this never does ("—" for NaN and
    /// infinities, ungrouped digits beyond Int's range).
    public var groupedWhole: String {
        guard isFinite else { return "—" }
        let whole = rounded()
        if let integer = Int(exactly: whole) { return integer.grouped }
        return String(describing: whole)
    }
}
