import CorridorWeb
import Glibc
import NIOCore
import Testing

/// `corridor serve` refuses a taken port, a foreign address or an unknown host before it seeds
/// or announces anything, with a sentence that says what to change.
struct ListenCheckTests {
    /// A socket listening on an ephemeral loopback port (closed by the caller).
    static func listener() throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 1) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        try #require(bound)
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test("A port another process listens on is refused, naming host, port and --port; once it is free, nothing is said")
    func takenPort() throws {
        let (descriptor, port) = try Self.listener()
        let problem = try #require(ListenCheck.problem(host: "127.0.0.1", port: port))
        #expect(problem == "cannot listen on 127.0.0.1:\(port): the port is in use (another 'corridor serve'?); choose another with --port")
        close(descriptor)
        #expect(ListenCheck.problem(host: "127.0.0.1", port: port) == nil)
    }

    @Test("An address that is not this machine's, and a host that does not resolve, are named")
    func foreignAddresses() {
        #expect(
            ListenCheck.problem(host: "192.0.2.1", port: 8080) == "cannot listen on 192.0.2.1:8080: '192.0.2.1' is not an address of this machine")
        let unknown = ListenCheck.problem(host: "no-such-host.invalid", port: 8080)
        #expect(unknown?.hasPrefix("--host 'no-such-host.invalid' is not an address this machine can listen on") == true, "\(unknown ?? "nil")")
    }

    @Test("The server's own bind failure (the port taken after the check) gets the same sentence; other errors are left alone")
    func bindErrorFromServer() {
        let error = IOError(errnoCode: EADDRINUSE, reason: "bind(descriptor:ptr:bytes:)")
        #expect(
            ListenCheck.problem(error, host: "127.0.0.1", port: 8080)
                == "cannot listen on 127.0.0.1:8080: the port is in use (another 'corridor serve'?); choose another with --port")
        #expect(ListenCheck.problem(IOError(errnoCode: ECONNRESET, reason: "read"), host: "127.0.0.1", port: 8080) == nil)
        #expect(ListenCheck.problem(CancellationError(), host: "127.0.0.1", port: 8080) == nil)
    }
}
