import CorridorStore
import Hummingbird
import NIOCore

/// Who is asking: the token's id, name and role.
public struct Principal: Sendable, Equatable {
    public var tokenID: String
    public var name: String
    public var role: Role
    /// For a `counsel` token: the counsel name it is bound to (its clients are the cases naming it).
    public var counsel: String?

    public init(tokenID: String, name: String, role: Role, counsel: String? = nil) {
        self.tokenID = tokenID
        self.name = name
        self.role = role
        self.counsel = counsel
    }

    /// How the principal appears as the actor of events it causes.
    public var actor: String { "\(role.rawValue):\(name) (\(tokenID))" }
}

/// The request context: Hummingbird's core storage, the authenticated principal and the
/// connection's remote address.
public struct CorridorRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// The peer of the connection (behind a proxy: the proxy). Nil in tests run in process.
    public let remoteAddress: SocketAddress?
    /// The connection: a stream whose reader stops reading is cut off by closing it.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// The client address failed authentications are counted under (nil: not counted).
    var clientAddress: String? { remoteAddress?.ipAddress }

    /// Request bodies are limited to 8 MiB; larger ones are refused with 413.
    public var maxUploadSize: Int { 8 * 1024 * 1024 }
}
