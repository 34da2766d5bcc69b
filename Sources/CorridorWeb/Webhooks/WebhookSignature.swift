import Crypto
import Foundation

/// Signatures per the Standard Webhooks specification (standardwebhooks.com): the secret is
/// `whsec_` and base64 of random bytes; a delivery carries `webhook-id`, `webhook-timestamp`
/// (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, so
/// receivers verify it with the specification's reference libraries in any language.
public enum WebhookSignature {
    /// A fresh secret: `whsec_` and base64 of 32 random bytes.
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "whsec_" + Data(bytes).base64EncodedString()
    }

    /// The key bytes of a `whsec_…` secret (nil when it is not one).
    public static func key(_ secret: String) -> [UInt8]? {
        guard secret.hasPrefix("whsec_"), let data = Data(base64Encoded: String(secret.dropFirst(6))), !data.isEmpty else { return nil }
        return Array(data)
    }

    /// `v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>`.
    public static func sign(id: String, timestamp: Int64, body: some Collection<UInt8>, secret: String) -> String? {
        guard let key = key(secret) else { return nil }
        var content = Array("\(id).\(timestamp).".utf8)
        content.append(contentsOf: body)
        let code = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
        return "v1," + Data(code).base64EncodedString()
    }
}
