import CorridorDomain

/// HTML escaping: every value that reaches a page goes through ``escape(_:)``, so a case id or
/// a source title containing markup renders as text.
enum HTML {
    static func escape(_ text: String) -> String { Markup.escape(text) }
}
