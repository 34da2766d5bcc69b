import CorridorDomain
import CorridorRules
import CorridorServices
import CorridorStore

/// Which people the caller may see (issue #15: a counsel token sees only its clients).
extension AppState {
    /// The scope of `principal` (nobody without one). For counsel this reads the caseload
    /// (loading it the first time).
    func scopeNow(_ principal: Principal?) async throws -> CaseScope {
        guard let principal else { return CaseScope(reach: .nobody) }
        guard principal.role == .counsel, let counsel = principal.counsel else {
            return CaseScope.of(role: principal.role, counsel: nil, caseload: Caseload())
        }
        let view = try await live.withCaseload()
        if let cached = clientSets.withLock({ $0[counsel] }), cached.seq == view.seq {
            return CaseScope(reach: .clients(counsel: counsel), clients: cached.ids)
        }
        let ids = CaseScope.clients(of: counsel, in: view.caseload!)
        clientSets.withLock { cache in
            if cache.count > 1_000 { cache.removeAll() }
            cache[counsel] = (view.seq, ids)
        }
        return CaseScope(reach: .clients(counsel: counsel), clients: ids)
    }

    /// The scope of the request's principal.
    func scope(_ context: CorridorRequestContext) async throws -> CaseScope {
        try await scopeNow(context.principal)
    }
}

extension CaseScope {
    /// Throws the same 404 an unknown case gets when `id` is outside the scope: a counsel token
    /// learns nothing about people who are not its clients, not even that they exist.
    func require(_ id: CaseRecord.ID) throws {
        guard sees(id) else { throw Problem.notFound("no case '\(id.rawValue.prefix(60))' has been recorded", code: "unknown-case") }
    }
}

extension CaseScope {
    /// A transfer is visible when someone in the scope is (or was) on its manifest.
    func seesTransfer(_ transfer: TransferView) -> Bool {
        seesEveryone || transfer.manifest.contains { sees($0.caseID) }
    }

    /// A transfer's history without the records about people outside the scope.
    func visibleHistory(_ events: [Event], of transfer: TransferView) -> [Event] {
        guard !seesEveryone else { return events }
        let manifest = transfer.manifest.map(\.caseID)
        return events.filter { sees(EventAudience.of($0, manifest: { _ in manifest })) }
    }

    /// A court order's impact with only the people in the scope (and the transfers they are on).
    func visibleImpact(_ impact: CourtOrderImpact) -> CourtOrderImpact {
        guard !seesEveryone else { return impact }
        var scoped = impact
        scoped.coveredCases = impact.coveredCases.filter(sees)
        scoped.transfers = impact.transfers.compactMap { touched in
            var touched = touched
            touched.covered = touched.covered.filter(sees)
            return touched.covered.isEmpty ? nil : touched
        }
        return scoped
    }
}

extension LiveView.State {
    /// Everyone ever put on each transfer's manifest (struck or not): whom its events concern.
    var manifests: [TransferRecord.ID: [CaseRecord.ID]] {
        Dictionary(transfers.map { ($0.id, $0.manifest.map(\.caseID)) }, uniquingKeysWith: { first, _ in first })
    }
}
