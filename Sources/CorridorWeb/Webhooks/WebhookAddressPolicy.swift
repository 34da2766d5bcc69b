import Foundation

/// Where webhooks may not go unless the operator allows it (`serve --webhook-allow CIDR`):
/// loopback, private, shared, link-local (cloud metadata at 169.254.169.254 among them),
/// multicast and reserved ranges. Checked on every address the host resolves to, at the
/// subscription and again before every delivery, so a name that later resolves inward is
/// refused then (server-side request forgery).
public struct WebhookAddressPolicy: Sendable {
    /// Ranges the operator allows although they are forbidden by default.
    public var allowed: [AddressRange]

    public init(allowed: [AddressRange] = []) { self.allowed = allowed }

    /// The forbidden ranges and what each is.
    public static let forbidden: [(range: AddressRange, what: String)] = [
        ("0.0.0.0/8", "'this' network"), ("10.0.0.0/8", "private"), ("100.64.0.0/10", "shared (carrier-grade NAT)"),
        ("127.0.0.0/8", "loopback"), ("169.254.0.0/16", "link-local (cloud metadata)"), ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignments"), ("192.0.2.0/24", "documentation"), ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"), ("198.51.100.0/24", "documentation"), ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"), ("240.0.0.0/4", "reserved"), ("255.255.255.255/32", "broadcast"),
        ("::/128", "unspecified"), ("::1/128", "loopback"), ("64:ff9b::/96", "IPv4/IPv6 translation"), ("100::/64", "discard"),
        ("2001:db8::/32", "documentation"), ("fc00::/7", "unique local (private)"), ("fe80::/10", "link-local"), ("ff00::/8", "multicast"),
    ].map { entry in (range: AddressRange(entry.0)!, what: entry.1) }

    /// Why `address` is refused, or nil when a webhook may go there.
    public func refusal(_ address: [UInt8]) -> String? {
        guard let hit = Self.forbidden.first(where: { $0.range.contains(address) }) else { return nil }
        if allowed.contains(where: { $0.contains(address) }) { return nil }
        return
            "\(IPAddress.text(IPAddress.unmapped(address))) is a \(hit.what) address (\(hit.range)); the operator may allow it with `corridor serve --webhook-allow CIDR`"
    }
}

/// Why a webhook URL cannot be used, in words for the subscriber.
public struct WebhookRefusal: Error, CustomStringConvertible, Sendable {
    public var code: String
    public var description: String
}

/// A subscriber's URL, checked: http or https, a host, no credentials, at most 2,000 bytes.
public struct WebhookURL: Sendable, Equatable {
    public var scheme: String
    /// The host as written (without brackets for IPv6).
    public var host: String
    public var port: Int
    /// Path and query, `/` at least.
    public var target: String
    public var text: String

    public init(_ text: String) throws(WebhookRefusal) {
        guard text.utf8.count <= 2_000 else { throw WebhookRefusal(code: "invalid-url", description: "the url is longer than 2,000 bytes") }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            throw WebhookRefusal(code: "invalid-url", description: "the url must be an absolute http:// or https:// URL")
        }
        guard var host = components.host, !host.isEmpty else { throw WebhookRefusal(code: "invalid-url", description: "the url has no host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard components.user == nil, components.password == nil else {
            throw WebhookRefusal(
                code: "invalid-url", description: "the url must not carry credentials (user:password@); authenticate deliveries by their signature")
        }
        guard components.fragment == nil else { throw WebhookRefusal(code: "invalid-url", description: "the url must not have a fragment (#…)") }
        self.scheme = scheme
        self.host = host.lowercased()
        port = components.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65535).contains(port) else { throw WebhookRefusal(code: "invalid-url", description: "the url's port must be 1 to 65535") }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        target = path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        self.text = text
    }

    /// The address to connect to: the host resolved now, every address it resolves to checked
    /// against `policy`. Blocking (name resolution).
    public func resolve(_ policy: WebhookAddressPolicy) throws(WebhookRefusal) -> [UInt8] {
        let addresses = IPAddress.resolve(host)
        guard let first = addresses.first else {
            throw WebhookRefusal(code: "unresolvable-host", description: "the host '\(host.prefix(100))' does not resolve to an address")
        }
        for address in addresses {
            if let refusal = policy.refusal(address) {
                throw WebhookRefusal(code: "forbidden-address", description: "the host '\(host.prefix(100))' resolves to \(refusal)")
            }
        }
        return first
    }

    /// ``resolve(_:)`` on a thread of its own: name resolution blocks, and must not hold up the
    /// threads that answer requests.
    public func resolveOffPool(_ policy: WebhookAddressPolicy) async throws -> [UInt8] {
        let url = self
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do { continuation.resume(returning: try url.resolve(policy)) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    /// For plain http: the URL with the host replaced by `address`, so the connection goes to
    /// the address that was checked (no second lookup can point it elsewhere); https keeps the
    /// name, which the certificate must match.
    public func pinned(to address: [UInt8]) -> (url: String, hostHeader: String?) {
        guard scheme == "http" else { return (text, nil) }
        let literal = address.count == 16 ? "[\(IPAddress.text(address))]" : IPAddress.text(address)
        let defaultPort = port == 80
        let hostHeader = (host.contains(":") ? "[\(host)]" : host) + (defaultPort ? "" : ":\(port)")
        return ("http://\(literal):\(port)\(target)", hostHeader)
    }
}
