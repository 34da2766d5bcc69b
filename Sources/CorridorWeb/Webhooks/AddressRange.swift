#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address range in CIDR notation (`10.0.0.0/8`, `fe80::/10`; a bare address
/// is a range of one).
public struct AddressRange: Sendable, Equatable, CustomStringConvertible {
    /// 4 or 16 bytes.
    public let network: [UInt8]
    public let prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress.parse(String(parts[0])) else { return nil }
        let bits = address.count * 8
        var prefix = bits
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 3, parts[1].allSatisfy({ $0 >= "0" && $0 <= "9" }), let value = Int(parts[1]),
                (0...bits).contains(value)
            else { return nil }
            prefix = value
        }
        self.prefix = prefix
        // The network's own address: host bits cleared.
        network = address.enumerated().map { index, byte in
            let remaining = prefix - index * 8
            if remaining >= 8 { return byte }
            if remaining <= 0 { return 0 }
            return byte & UInt8(truncatingIfNeeded: 0xFF << (8 - remaining))
        }
    }

    /// Whether `address` (4 or 16 bytes) lies in the range; an IPv4-mapped IPv6 address is
    /// judged as the IPv4 address it maps.
    public func contains(_ address: [UInt8]) -> Bool {
        let address = IPAddress.unmapped(address)
        guard address.count == network.count else { return false }
        var remaining = prefix
        for index in network.indices where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - remaining))
            if address[index] & mask != network[index] { return false }
            remaining -= 8
        }
        return true
    }

    public var description: String { "\(IPAddress.text(network))/\(prefix)" }
}

/// IP addresses as bytes, through the C library's parser and printer.
public enum IPAddress {
    /// 4 bytes for IPv4, 16 for IPv6 (brackets allowed); nil for anything else.
    public static func parse(_ text: String) -> [UInt8]? {
        var text = text
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        var v4 = in_addr()
        if text.contains("."), !text.contains(":"), inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if text.contains(":"), inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as its IPv4 bytes; others unchanged.
    public static func unmapped(_ address: [UInt8]) -> [UInt8] {
        if address.count == 16, address[0..<10].allSatisfy({ $0 == 0 }), address[10] == 0xFF, address[11] == 0xFF {
            return Array(address[12..<16])
        }
        return address
    }

    public static func text(_ address: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = address.count == 4 ? AF_INET : AF_INET6
        let ok = address.withUnsafeBytes { bytes in inet_ntop(family, bytes.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        guard ok else { return address.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Every address `host` resolves to (a literal address resolves to itself). Blocking.
    public static func resolve(_ host: String) -> [[UInt8]] {
        if let literal = parse(host) { return [literal] }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [[UInt8]] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let sockaddr = info.pointee.ai_addr {
                if info.pointee.ai_family == AF_INET {
                    let address = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    addresses.append(withUnsafeBytes(of: address) { Array($0) })
                } else if info.pointee.ai_family == AF_INET6 {
                    let address = sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    addresses.append(withUnsafeBytes(of: address) { Array($0) })
                }
            }
            cursor = info.pointee.ai_next
        }
        var unique: [[UInt8]] = []
        for address in addresses where !unique.contains(address) { unique.append(address) }
        return unique
    }
}
