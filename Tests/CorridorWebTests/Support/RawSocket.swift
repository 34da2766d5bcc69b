import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP connection on POSIX sockets, for tests that need what an HTTP client hides:
/// idle connections, half-sent requests, many connections at once, a chosen source address.
final class RawSocket: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible { var description: String }

    private(set) var descriptor: Int32

    /// Connects to 127.0.0.1:`port`, from `source` (another loopback address) when given.
    init(port: Int, source: String? = nil, receiveTimeout: Double = 5) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: Int(receiveTimeout), tv_usec: suseconds_t((receiveTimeout - receiveTimeout.rounded(.down)) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if let source {
            var local = Self.address(source, port: 0)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw Failure(description: "bind \(source): \(String(cString: strerror(errno)))") }
        }
        var remote = Self.address("127.0.0.1", port: port)
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to port \(port): \(String(cString: strerror(errno)))") }
    }

    // The only close: a class whose initializer throws after every property is set is
    // deinitialised, so closing before those throws as well closed the number twice — and the
    // second close could hit another test's file opened under the same number meanwhile.
    deinit { close(descriptor) }

    private static func address(_ host: String, port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        return address
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            offset += written
        }
    }

    /// Reads until the peer closes the connection or the receive timeout passes.
    /// - Returns: the bytes read and whether the peer closed (false: timed out, still open).
    func readUntilClosed() -> (bytes: [UInt8], closed: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { received += buffer[0..<count]; continue }
            if count == 0 { return (received, true) }
            if errno == EINTR { continue }
            return (received, errno == ECONNRESET)
        }
    }
}

/// One HTTP/1.1 GET on a connection of its own (`Connection: close`), timed.
enum RawHTTP {
    struct Answer: Sendable {
        var status: Int
        var headers: String
        var body: String
        var seconds: Double
    }

    static func get(port: Int, _ path: String, bearer: String? = nil, timeout: Double = 60) throws -> Answer {
        try request("GET", port: port, path, bearer: bearer, timeout: timeout)
    }

    static func post(port: Int, _ path: String, json: String, bearer: String? = nil, timeout: Double = 60) throws -> Answer {
        try request("POST", port: port, path, body: json, bearer: bearer, timeout: timeout)
    }

    static func request(
        _ method: String, port: Int, _ path: String, body: String? = nil, bearer: String? = nil, timeout: Double = 60
    ) throws -> Answer {
        let started = ContinuousClock.now
        let socket = try RawSocket(port: port, receiveTimeout: timeout)
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let bearer { request += "Authorization: Bearer \(bearer)\r\n" }
        if let body { request += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        try socket.send(request + "\r\n" + (body ?? ""))
        let (bytes, _) = socket.readUntilClosed()
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let statusLine = head.split(separator: "\r\n").first.map(String.init) ?? ""
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        return Answer(
            status: status, headers: head, body: parts.dropFirst().joined(separator: "\r\n\r\n"),
            seconds: Double(seconds) + Double(attoseconds) / 1e18)
    }
}

/// A free TCP port on 127.0.0.1 (bound and released; fine for a test on loopback).
func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    guard bound else { throw RawSocket.Failure(description: "no free port: \(String(cString: strerror(errno)))") }
    return Int(UInt16(bigEndian: address.sin_port))
}
