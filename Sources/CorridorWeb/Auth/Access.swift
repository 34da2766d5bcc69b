import CorridorDomain
import CorridorStore

/// Who may use a route.
public enum Access: Sendable, Equatable {
    /// No token needed (home page, public report, the OpenAPI document).
    case anyone
    /// A live token with one of these roles.
    case roles(Set<Role>)

    /// Every authenticated role, including `public`.
    static let authenticated = Access.roles(Set(Role.allCases))
    /// Roles that may read personal records.
    static let caseReaders = Access.roles([.officer, .supervisor, .counsel, .monitor, .admin])
    static let supervisors = Access.roles([.supervisor, .admin])
    static let overseers = Access.roles([.counsel, .monitor, .admin])
    static let adminOnly = Access.roles([.admin])

    public func allows(_ role: Role?) -> Bool {
        switch self {
        case .anyone: return true
        case .roles(let roles): return role.map(roles.contains) ?? false
        }
    }

    public var description: String {
        switch self {
        case .anyone: return "anyone"
        case .roles(let roles): return roles.map(\.rawValue).sorted().joined(separator: ", ")
        }
    }
}

/// Which roles may record which record types through `POST /api/v1/records`.
public enum RecordPermissions {
    public static func roles(for kind: Record.Kind) -> Set<Role> {
        switch kind {
        case .country, .arrangement, .arrangementStatus:
            return [.supervisor, .admin]
        case .caseRecord, .order, .claim, .designation, .notice, .fear, .screening:
            return [.officer, .supervisor, .admin]
        case .courtOrder, .courtOrderLift:
            return [.counsel, .admin]
        case .transfer, .manifestAdd, .manifestStrike, .transferLock, .transferDepart, .transferArrive, .transferCancel:
            return [.supervisor, .admin]
        case .disposition:
            return [.officer, .supervisor, .admin]
        }
    }
}
