import CorridorDomain

/// The API's roles (docs/records.md says which may write which records), plus `admin` for the deployment's operator (tokens, active policy).
public enum Role: String, Sendable, CaseIterable, Codable, Comparable {
    case officer, supervisor, counsel, monitor, `public`, admin

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A bearer token as stored: its SHA-256 only, never the secret.
public struct TokenInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    public var role: Role
    /// For a `counsel` token: the counsel name as case records spell it (`case.counsel`); the
    /// token sees only the cases that name it. Nil for every other role.
    public var counsel: String?
    public var createdAt: Instant
    public var revokedAt: Instant?
    public init(id: String, name: String, role: Role, counsel: String? = nil, createdAt: Instant, revokedAt: Instant?) {
        self.id = id
        self.name = name
        self.role = role
        self.counsel = counsel
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// Where tokens live (split from ``EventStore``; every store implements both). Async like
/// ``EventStore``. Creating and revoking a token are logged as system events (name, role and
/// id; never the secret).
public protocol TokenStore: Sendable {
    /// Stores a token (`counsel`: the name a `counsel` token is bound to, nil for other roles).
    func createToken(id: String, name: String, role: Role, counsel: String?, hash: String, context: AppendContext) async throws -> TokenInfo
    /// The live (not revoked) token with this hash.
    func token(hash: String) async throws -> TokenInfo?
    func tokens() async throws -> [TokenInfo]
    /// Revokes by id; returns false when no live token has it.
    func revokeToken(id: String, context: AppendContext) async throws -> Bool
}

/// The system events that log token changes, the same in every store: name, role and id, never
/// the secret or its hash.
public enum TokenEvents {
    public static func created(id: String, name: String, role: Role, counsel: String? = nil) -> SystemEvent {
        var payload: [String: JSONValue] = ["id": .string(id), "name": .string(name), "role": .string(role.rawValue)]
        if let counsel { payload["counsel"] = .string(counsel) }
        return SystemEvent(type: "system.token-created", payload: .object(payload))
    }

    public static func revoked(id: String) -> SystemEvent {
        SystemEvent(type: "system.token-revoked", payload: .object(["id": .string(id)]))
    }
}
