import CorridorDomain

/// Adds the policy profile a lock or departure was judged under to its payload, so the log
/// names the regime of every such decision.
public enum EventStamp {
    public static func stamp(_ payload: String, policy: String, version: String) -> String {
        guard case .object(var object)? = try? JSONParser.parse(payload) else { return payload }
        object["policy"] = .string(policy)
        object["policyVersion"] = .string(version)
        return JSONValue.object(object).canonicalString
    }
}
