import CorridorDomain
import CorridorStore

/// Whom an event of the log is about, which decides who may see it in the event feed, its
/// stream, webhooks and the audit list (``CaseScope/sees(_:)-(EventAudience)``).
public enum EventAudience: Sendable, Equatable {
    /// The network (countries, arrangements, statuses), court orders and their lifts (public
    /// court records) and changes of the active policy: anyone who may read events.
    case everyone
    /// About these people: their records, manifest changes, verdicts, holds, incidents, and a
    /// transfer's steps (about everyone on its manifest).
    case people([CaseRecord.ID])
    /// How the deployment runs: token and subscription changes and the read log (admins and
    /// monitors).
    case operations

    /// The event types the feed knows, in the vocabulary's order then the system's: what
    /// `types=` accepts.
    public static let knownTypes: [String] =
        Record.Kind.allCases.map(\.rawValue) + [
            "system.policy-use", "system.verdict", "system.departure-check", "system.hold", "system.hold-lift", "system.family-flag",
            "system.incident", "system.read", "system.token-created", "system.token-revoked", "system.subscription-created",
            "system.subscription-deleted",
        ]

    /// The audience of `event`. `manifest` names everyone ever put on a transfer's manifest
    /// (struck or not): a transfer's own events concern them.
    public static func of(_ event: Event, manifest: (TransferRecord.ID) -> [CaseRecord.ID]) -> EventAudience {
        let payload = (try? JSONParser.parse(event.payload)) ?? .null
        return of(type: event.type, payload: payload, manifest: manifest)
    }

    public static func of(type: String, payload: JSONValue, manifest: (TransferRecord.ID) -> [CaseRecord.ID]) -> EventAudience {
        func string(_ key: String) -> String? { payload[key]?.stringValue }
        func strings(_ key: String) -> [String] {
            guard case .array(let values)? = payload[key] else { return [] }
            return values.compactMap(\.stringValue)
        }
        switch type {
        case "country", "arrangement", "arrangement-status", "court-order", "court-order-lift", "system.policy-use":
            return .everyone
        case "case", "order", "claim", "designation", "notice", "fear", "screening", "disposition", "manifest-add", "manifest-strike",
            "system.verdict", "system.hold", "system.hold-lift", "system.incident":
            return .people(string("case").map { [CaseRecord.ID($0)] } ?? [])
        case "transfer":
            return .people(string("id").map { manifest(TransferRecord.ID($0)) } ?? [])
        case "transfer-lock", "transfer-depart", "transfer-arrive", "transfer-cancel":
            return .people(string("transfer").map { manifest(TransferRecord.ID($0)) } ?? [])
        case "system.departure-check":
            return .people(strings("allowed").map { CaseRecord.ID($0) })
        case "system.family-flag":
            return .people(([string("struck")].compactMap { $0 } + strings("members")).map { CaseRecord.ID($0) })
        default:
            // The read log, token and subscription changes, and any system event this list does
            // not know yet: shown only to those who see everything about the deployment.
            return .operations
        }
    }
}

extension EventAudience {
    /// The people an event concerns (empty for the network and operations).
    public var people: [CaseRecord.ID] {
        if case .people(let ids) = self { return ids }
        return []
    }
}
