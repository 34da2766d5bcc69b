import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether the server can listen where it was asked to, checked before it seeds a store or
/// announces itself, so that a taken port is one clear message and nothing else.
public enum ListenCheck {
    /// A sentence naming what is wrong with listening on `host:port`, or nil when a socket can
    /// be bound there now (it is closed again at once).
    public static func problem(host: String, port: Int) -> String? {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var results: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &results)
        guard resolved == 0, let first = results else {
            return "--host '\(host)' is not an address this machine can listen on (\(String(cString: gai_strerror(resolved))))"
        }
        defer { freeaddrinfo(results) }
        let info = first.pointee
        let descriptor = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
        guard descriptor >= 0 else { return nil }  // let the server report it in its own words
        defer { close(descriptor) }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, info.ai_addr, info.ai_addrlen) != 0 else { return nil }
        return message(errno: errno, host: host, port: port)
    }

    /// The same sentence for an error the server itself met while binding, or nil for any other error.
    public static func problem(_ error: any Error, host: String, port: Int) -> String? {
        guard let error = error as? IOError else { return nil }
        return message(errno: error.errnoCode, host: host, port: port)
    }

    private static func message(errno code: Int32, host: String, port: Int) -> String? {
        switch code {
        case EADDRINUSE:
            return "cannot listen on \(host):\(port): the port is in use (another 'corridor serve'?); choose another with --port"
        case EACCES:
            return "cannot listen on \(host):\(port): permission denied (ports below 1024 need privileges); choose another with --port"
        case EADDRNOTAVAIL:
            return "cannot listen on \(host):\(port): '\(host)' is not an address of this machine"
        default:
            return nil
        }
    }
}
