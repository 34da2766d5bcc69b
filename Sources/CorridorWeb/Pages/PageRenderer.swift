import Foundation
import Mustache

/// Renders pages from the Mustache templates in `Resources/Templates`: a page's own template,
/// then the shared layout around it. `{{ }}` escapes every value; the few `{{{ }}}` slots take
/// markup built in Swift (SVG, tables) whose every value went through ``HTML/escape(_:)``.
enum PageRenderer {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        guard let base = PageRenderer.resource("Templates"),
            let names = try? FileManager.default.contentsOfDirectory(atPath: base.path)
        else { return library }
        for name in names where name.hasSuffix(".mustache") {
            guard let text = try? String(contentsOf: base.appendingPathComponent(name), encoding: .utf8) else { continue }
            do { try library.register(text, named: String(name.dropLast(".mustache".count))) } catch {
                preconditionFailure("template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    /// Drops empty strings, so a `{{#field}}` section stays closed for them (Mustache treats
    /// any string, even an empty one, as true).
    static func pruned(_ value: Any) -> Any {
        if let dictionary = value as? [String: Any] {
            var out: [String: Any] = [:]
            for (key, item) in dictionary {
                if let text = item as? String, text.isEmpty { continue }
                out[key] = pruned(item)
            }
            return out
        }
        if let array = value as? [[String: Any]] { return array.map { pruned($0) } }
        if let array = value as? [[String: String]] { return array.map { pruned($0) } }
        if let dictionary = value as? [String: String] { return pruned(dictionary as [String: Any]) }
        return value
    }

    /// A file or folder under the target's `Resources` (the bundle layout differs by platform).
    static func resource(_ path: String) -> URL? {
        [Bundle.module.resourceURL, Bundle.module.bundleURL].compactMap { $0 }
            .map { $0.appendingPathComponent("Resources/" + path) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    struct NavItem { let href: String; let label: String; let current: Bool }

    /// A full page: `template` rendered with `context`, inside the layout.
    static func page(_ template: String, title: String, context: [String: Any], principal: Principal?, csrf: String?, path: String) -> String {
        let content = library.render(pruned(context), withTemplate: template) ?? "<p>template \(HTML.escape(template)) is missing</p>"
        var nav: [NavItem] = [NavItem(href: "/", label: "Network", current: path == "/")]
        let role = principal?.role
        func add(_ href: String, _ label: String, _ access: Access) {
            if access.allows(role) { nav.append(NavItem(href: href, label: label, current: path == href || path.hasPrefix(href + "/"))) }
        }
        if role == .counsel { add("/clients", "My clients", PageRoutes.clientReaders) }
        add("/arrangements", "Arrangements", .anyone)
        add("/cases", "Cases", .caseReaders)
        add("/court-orders", "Court orders", .anyone)
        add("/transfers", "Transfers", .caseReaders)
        add("/audit", "Audit", .overseers)
        nav.append(NavItem(href: "/report", label: "Public report", current: path == "/report"))
        nav.append(NavItem(href: "/simulate", label: "Simulate", current: path == "/simulate"))
        let description =
            (context["description"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            ?? "\(title): Corridor, the system of record, rules engine and simulator for third-country transfer arrangements."
        let layout: [String: Any] = [
            "title": title, "content": content, "description": description, "canonical": context["canonical"] as? String ?? path,
            "openGraph": context["openGraph"] as? Bool ?? false, "nav": nav.map { ["href": $0.href, "label": $0.label, "current": $0.current] },
            "signedIn": principal != nil, "user": principal?.name ?? "", "role": principal?.role.rawValue ?? "", "csrf": csrf ?? "",
        ]
        return library.render(layout, withTemplate: "layout") ?? content
    }
}
