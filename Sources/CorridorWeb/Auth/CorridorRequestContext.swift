import CorridorStore
import Hummingbird

/// Who is asking: the token's id, name and role.
public struct Principal: Sendable, Equatable {
    public var tokenID: String
    public var name: String
    public var role: Role

    /// How the principal appears as the actor of events it causes.
    public var actor: String { "\(role.rawValue):\(name) (\(tokenID))" }
}

/// The request context: Hummingbird's core storage plus the authenticated principal.
public struct CorridorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
    }

    /// Request bodies are limited to 8 MiB; larger ones are refused with 413.
    public var maxUploadSize: Int { 8 * 1024 * 1024 }
}
