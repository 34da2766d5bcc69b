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

    /// The explained decision for one person. `family` holds the facts of the other members of
    /// their family unit (the person's own facts among them are ignored): the `vulnerability`
    /// gate looks at where each of them stands for the same destination.
    public static func decide(
        _ facts: CaseFacts, _ destination: DestinationContext, manifest: ManifestContext? = nil,
        family: [CaseFacts] = []
    ) -> Decision {
        let standings = family.filter { $0.id != facts.id }.map { standing(of: $0, destination) }
        let context = GateContext(facts: facts, destination: destination, manifest: manifest, family: standings, explain: true)
        let findings = gates.map { $0.evaluate(context) }
        return Decision(
            caseID: facts.id, destination: destination.destination, on: destination.instant, policy: destination.policy.id,
            policyVersion: destination.policy.version, verdict: Verdict(results: findings.map(\.result)), gates: findings)
    }

    /// Results only, without reasons: for passes over the whole caseload.
    public static func outcome(
        _ facts: CaseFacts, _ destination: DestinationContext, manifest: ManifestContext? = nil,
        family: [FamilyMemberStanding] = []
    ) -> GateOutcome {
        let context = GateContext(facts: facts, destination: destination, manifest: manifest, family: family, explain: false)
        // Each gate called by its type, not through `gates`: whole-caseload passes run this
        // for every person, and a call through the existential copies each finding through
        // its value witnesses. The order is `gates`' order (a test holds them together).
        var outcome = GateOutcome()
        outcome.set(0, FinalOrderGate.evaluate(context).result)
        outcome.set(1, CourtOrderGate.evaluate(context).result)
        outcome.set(2, DestinationOrderGate.evaluate(context).result)
        outcome.set(3, ArrangementGate.evaluate(context).result)
        outcome.set(4, ProtectionGate.evaluate(context).result)
        outcome.set(5, NoticeGate.evaluate(context).result)
        outcome.set(6, FearScreeningGate.evaluate(context).result)
        outcome.set(7, ChainRefoulementGate.evaluate(context).result)
        outcome.set(8, HumanRightsRiskGate.evaluate(context).result)
        outcome.set(9, VulnerabilityGate.evaluate(context).result)
        outcome.set(10, AEAGate.evaluate(context).result)
        outcome.set(11, STCAGate.evaluate(context).result)
        return outcome
    }

    /// Where a family member stands on their own (without their family, so units do not
    /// recurse): their results and, when waiting, when they can clear.
    public static func standing(of member: CaseFacts, _ destination: DestinationContext) -> FamilyMemberStanding {
        let context = GateContext(facts: member, destination: destination, explain: false)
        var outcome = GateOutcome()
        var clears: Instant?
        var everyWaitDated = true
        for (index, gate) in gates.enumerated() {
            let finding = gate.evaluate(context)
            outcome.set(index, finding.result)
            if finding.result == .pending {
                if let instant = finding.clears { clears = Swift.max(clears ?? instant, instant) } else { everyWaitDated = false }
            }
        }
        return FamilyMemberStanding(caseID: member.id, outcome: outcome, clears: outcome.verdict == .pending && everyWaitDated ? clears : nil)
    }
}
