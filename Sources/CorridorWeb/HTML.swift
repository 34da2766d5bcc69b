import CorridorDomain

/// HTML escaping: every value that reaches a page goes through ``escape(_:)``, so a case id or
/// a source title containing markup renders as text.
enum HTML {
    static func escape(_ text: String) -> String { Markup.escape(text) }

    /// A complete page with the shared layout.
    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) — Corridor</title>
        <style>
        body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1b1f24; background: #fafafa; }
        header { background: #1d3557; color: #fff; padding: 0.75rem 1.5rem; }
        header a { color: #fff; text-decoration: none; font-weight: 600; }
        main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
        th { background: #eef1f5; font-weight: 600; }
        .figures { display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; list-style: none; }
        .figures li { background: #fff; border: 1px solid #e3e6ea; border-radius: 6px; padding: 0.75rem 1rem; min-width: 9rem; }
        .figures strong { display: block; font-size: 1.6rem; }
        .status { border-radius: 4px; padding: 0 0.4rem; font-size: 0.9rem; white-space: nowrap; }
        .status-active { background: #d7f0dd; } .status-signed { background: #dbe8fb; }
        .status-terminated { background: #f3d9d9; } .status-suspended { background: #fbeacb; }
        .status-proposed, .status-negotiating { background: #ececec; }
        code { font-size: 0.85rem; word-break: break-all; }
        .note { color: #555; font-size: 0.9rem; }
        @media (max-width: 40rem) { .wide { display: none; } }
        </style>
        </head>
        <body>
        <header><a href="/">Corridor</a></header>
        <main>
        \(body)
        </main>
        </body>
        </html>
        """
    }
}
