import CorridorDomain
import CorridorRules
import CorridorStore

/// Which people a caller may see: everyone (officers, supervisors, monitors, admins), only the
/// clients of one counsel (a `counsel` token), or nobody (`public`).
///
/// Every route that shows anything about a person asks this before it answers; a person outside
/// the scope is answered exactly as an unknown one (404), so a counsel token cannot even learn
/// who else is on record. The network, court orders and aggregate figures are outside any
/// scope: everyone who may use those routes sees them whole.
public struct CaseScope: Sendable, Equatable {
    public enum Reach: Sendable, Equatable {
        case everyone
        /// The cases whose latest `case` record names this counsel.
        case clients(counsel: String)
        case nobody
    }

    public var reach: Reach
    /// For ``Reach/clients(counsel:)``: the clients' case ids (empty otherwise).
    public var clients: Set<CaseRecord.ID>
    /// Whether operational events (token and subscription changes, the read log) are visible:
    /// admins and monitors only.
    public var seesOperations: Bool

    public init(reach: Reach, clients: Set<CaseRecord.ID> = [], seesOperations: Bool = false) {
        self.reach = reach
        self.clients = clients
        self.seesOperations = seesOperations
    }

    /// The scope of a token with `role` (and, for counsel, the name it is bound to) over `caseload`.
    public static func of(role: Role, counsel: String?, caseload: Caseload) -> CaseScope {
        switch role {
        case .officer, .supervisor: return CaseScope(reach: .everyone)
        case .monitor, .admin: return CaseScope(reach: .everyone, seesOperations: true)
        case .public: return CaseScope(reach: .nobody)
        case .counsel:
            // A counsel token without a name (made before tokens were bound) sees nobody.
            guard let counsel else { return CaseScope(reach: .nobody) }
            return CaseScope(reach: .clients(counsel: counsel), clients: clients(of: counsel, in: caseload))
        }
    }

    /// The cases whose latest `case` record names `counsel` (compared after trimming spaces).
    public static func clients(of counsel: String, in caseload: Caseload) -> Set<CaseRecord.ID> {
        var ids: Set<CaseRecord.ID> = []
        for facts in caseload.cases {
            guard let named = facts.person.counsel else { continue }
            if named == counsel || trimmed(named) == counsel { ids.insert(facts.id) }
        }
        return ids
    }

    public var seesEveryone: Bool { reach == .everyone }

    /// Whether `id` is inside the scope.
    public func sees(_ id: CaseRecord.ID) -> Bool {
        switch reach {
        case .everyone: return true
        case .clients: return clients.contains(id)
        case .nobody: return false
        }
    }

    /// The ids of `ids` inside the scope, in their order.
    public func visible(_ ids: some Sequence<CaseRecord.ID>) -> [CaseRecord.ID] { ids.filter(sees) }

    /// Whether an event with this audience may be shown (see ``EventAudience``).
    public func sees(_ audience: EventAudience) -> Bool {
        switch audience {
        case .everyone: return true
        case .operations: return seesOperations
        case .people(let ids):
            switch reach {
            case .everyone: return true
            case .nobody: return false
            case .clients: return ids.contains(where: clients.contains)
            }
        }
    }
}

/// `text` without leading and trailing spaces and tabs.
private func trimmed(_ text: String) -> Substring {
    var text = text[...]
    while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
    while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
    return text
}
