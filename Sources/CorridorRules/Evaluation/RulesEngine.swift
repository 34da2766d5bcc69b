import CorridorDomain

/// Runs the twelve gates. Pure: the same facts, network, destination, instant and profile give
/// the same decision.
public enum RulesEngine {
    /// The gates in evaluation order (the order of ``GateID``).
    public static let gates: [any Gate.Type] = [
        FinalOrderGate.self, CourtOrderGate.self, DestinationOrderGate.self, ArrangementGate.self, ProtectionGate.self,
        NoticeGate.self, FearScreeningGate.self, ChainRefoulementGate.self, HumanRightsRiskGate.self, VulnerabilityGate.self,
        AEAGate.self, STCAGate.self,
    ]

    /// The explained decision for one person.
    public static func decide(_ facts: CaseFacts, _ destination: DestinationContext, manifest: ManifestContext? = nil) -> Decision {
        let context = GateContext(facts: facts, destination: destination, manifest: manifest, explain: true)
        let findings = gates.map { $0.evaluate(context) }
        return Decision(caseID: facts.id, destination: destination.destination, on: destination.instant, policy: destination.policy.id,
                        policyVersion: destination.policy.version, verdict: Verdict(results: findings.map(\.result)), gates: findings)
    }

    /// Results only, without reasons: for passes over the whole caseload.
    public static func outcome(_ facts: CaseFacts, _ destination: DestinationContext, manifest: ManifestContext? = nil) -> GateOutcome {
        let context = GateContext(facts: facts, destination: destination, manifest: manifest, explain: false)
        var outcome = GateOutcome()
        for (index, gate) in gates.enumerated() {
            switch gate.evaluate(context).result {
            case .pass: break
            case .fail: outcome.failed |= UInt16(1) << index
            case .pending: outcome.pending |= UInt16(1) << index
            }
        }
        return outcome
    }
}
