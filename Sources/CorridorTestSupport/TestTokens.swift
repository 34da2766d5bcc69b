import CorridorDomain
import CorridorStore

/// Bearer tokens for tests: one live token per role, issued through ``Tokens/issue(name:role:in:context:)``
/// exactly as `corridor token create` issues them, so only their hashes are stored.
public struct TestTokens: Sendable {
    /// Each role's secret (shown once at creation; the store never holds it).
    public let secrets: [Role: String]
    /// Each role's token as the store holds it.
    public let infos: [Role: TokenInfo]

    /// The counsel name the `counsel` test token is bound to (test worlds name it on some cases).
    public static let counselName = "Synthetic counsel of record (test)"

    /// Issues a token named `test-<role>` for each of `roles` (the `counsel` one bound to
    /// ``counselName``).
    public static func issue(in store: some TokenStore, roles: [Role] = Role.allCases, context: AppendContext = .test) async throws -> TestTokens {
        var secrets: [Role: String] = [:]
        var infos: [Role: TokenInfo] = [:]
        for role in roles {
            let (secret, info) = try await Tokens.issue(
                name: "test-\(role.rawValue)", role: role, counsel: role == .counsel ? counselName : nil,
                in: store, context: context)
            secrets[role] = secret
            infos[role] = info
        }
        return TestTokens(secrets: secrets, infos: infos)
    }

    /// The secret of `role`'s token (a test that asks for a role it did not issue is a bug in the test).
    public subscript(role: Role) -> String {
        guard let secret = secrets[role] else { preconditionFailure("no test token was issued for role '\(role.rawValue)'") }
        return secret
    }

    /// A secret of the right shape (`cor_` and 64 hex digits) that no store has issued.
    public static let neverIssued = "cor_" + String(repeating: "0f", count: 32)
}
