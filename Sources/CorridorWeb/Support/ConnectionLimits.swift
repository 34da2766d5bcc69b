import Hummingbird
import HummingbirdCore
import Logging
import Metrics
import NIOCore
import Synchronization

/// Limits on connections, so that idle or half-sent connections cannot use up the server's
/// file descriptors (20,200 idle connections once stopped `/healthz` from answering).
///
/// - The idle timeout (Hummingbird's `HTTPConnectionStateHandler`) closes a connection that
///   has sent nothing, or only part of a request's head, or stopped mid-body, for that long.
/// - At most `maximumConnections` are open at once: past it the server stops accepting until
///   one closes (Hummingbird's available-connections handler), and says so in the log.
/// - At most `perClient` are open from one client address; one more is closed at once.
///   Behind a proxy every connection comes from the proxy's address: set 0 to turn this off.
final class ConnectionLimits: Sendable {
    let perClient: Int
    let logger: Logger
    private let open = Mutex<[String: Int]>([:])
    private let warned = Mutex<[String: ContinuousClock.Instant]>([:])
    private let refusedCounter = Counter(label: "corridor_connections_refused_total", dimensions: [("reason", "per-client-limit")])

    init(perClient: Int, logger: Logger) {
        self.perClient = perClient
        self.logger = logger
    }

    /// Counts a new connection from `address`, or refuses it when that address is at the cap.
    func admit(_ address: String) -> Bool {
        guard perClient > 0 else { return true }
        let admitted = open.withLock { counts -> Bool in
            let count = counts[address, default: 0]
            guard count < perClient else { return false }
            counts[address] = count + 1
            return true
        }
        if !admitted { refused(address) }
        return admitted
    }

    func release(_ address: String) {
        guard perClient > 0 else { return }
        let remaining = open.withLock { counts -> Int in
            let count = counts[address, default: 1] - 1
            counts[address] = count > 0 ? count : nil
            return count
        }
        if remaining == 0 { _ = warned.withLock { $0.removeValue(forKey: address) } }
    }

    func openConnections(from address: String) -> Int { open.withLock { $0[address, default: 0] } }

    /// One warning per address every 10 seconds while it stays at the cap; every refusal counts
    /// in `corridor_connections_refused_total`.
    private func refused(_ address: String) {
        refusedCounter.increment()
        let now = ContinuousClock.now
        let report = warned.withLock { last -> Bool in
            if let previous = last[address], now - previous < .seconds(10) { return false }
            last[address] = now
            return true
        }
        if report {
            logger.warning(
                "connection refused: client at its limit of open connections",
                metadata: ["client": "\(address)", "limit": "\(perClient)"])
        }
    }

    /// The channel handler that applies the per-client cap to one connection.
    func handler() -> ClientConnectionLimitHandler { ClientConnectionLimitHandler(limits: self) }
}

/// Closes a connection at once when its client already holds the most connections allowed.
final class ClientConnectionLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    // Reads pass through untouched (the default `channelRead` forwards them as they are).
    typealias InboundIn = NIOAny
    typealias InboundOut = NIOAny

    private let limits: ConnectionLimits
    private var admittedAddress: String?

    init(limits: ConnectionLimits) { self.limits = limits }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if admittedAddress == nil { admit(context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { release() }

    private func admit(_ context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        if limits.admit(address) {
            admittedAddress = address
        } else {
            context.close(promise: nil)
        }
    }

    private func release() {
        if let address = admittedAddress { limits.release(address) }
        admittedAddress = nil
    }
}

/// Hummingbird's cap on open connections, with a warning when it is reached.
struct LoggedMaximumConnections: AvailableConnectionsDelegate {
    let maximum: Int
    let logger: Logger
    var count = 0

    mutating func connectionOpened() {
        count += 1
        if count == maximum {
            logger.warning("connection limit reached: new connections wait until one closes", metadata: ["limit": "\(maximum)"])
        }
    }

    mutating func connectionClosed() { count -= 1 }

    func isAcceptingNewConnections() -> Bool { count < maximum }
}
