import CorridorDomain

/// The people travelling together on one transfer, for checks that look beyond one person
/// (family units travel together).
public struct ManifestContext: Sendable {
    public var transfer: TransferRecord.ID
    /// Case ids on the manifest (not struck).
    public var cases: Set<CaseRecord.ID>
    /// Members of each family unit in the caseload.
    public var familyMembers: [String: [CaseRecord.ID]]

    public init(transfer: TransferRecord.ID, cases: Set<CaseRecord.ID>, familyMembers: [String: [CaseRecord.ID]]) {
        self.transfer = transfer
        self.cases = cases
        self.familyMembers = familyMembers
    }
}

/// One person, one destination, one instant, one profile: what every gate is a function of.
public struct GateContext {
    public let facts: CaseFacts
    public let destination: DestinationContext
    public let manifest: ManifestContext?
    /// The other members of the person's family unit, each with their own results here (empty
    /// for someone outside a unit, or when the caller has no family to give).
    public let family: [FamilyMemberStanding]
    /// When false, gates skip building reason text (whole-caseload passes need results only).
    public let explain: Bool

    public init(
        facts: CaseFacts, destination: DestinationContext, manifest: ManifestContext? = nil, family: [FamilyMemberStanding] = [],
        explain: Bool = true
    ) {
        self.facts = facts
        self.destination = destination
        self.manifest = manifest
        self.family = family
        self.explain = explain
    }

    public var day: Day { destination.day }
    public var instant: Instant { destination.instant }
    public var values: PolicyProfile.Values { destination.values }
    public var country: CountryCode { destination.destination }
    public var countryName: String { destination.countryName }

    /// Removal to a country of nationality, where the third-country gates do not apply.
    public var isNationalityCountry: Bool { facts.isNational(of: destination.destination) }
    public var isThirdCountry: Bool { !isNationalityCountry }

    /// A finding whose reason is built only when explaining.
    func finding(
        _ gate: GateID, _ result: GateResult, _ reason: @autoclosure () -> String, citation: @autoclosure () -> String,
        clears: Instant? = nil, wouldClear: @autoclosure () -> String? = nil
    ) -> GateFinding {
        guard explain else { return GateFinding(gate: gate, result: result, clears: clears) }
        return GateFinding(
            gate: gate, result: result, reason: reason(), citation: citation(), clears: clears,
            wouldClear: result == .pass ? nil : wouldClear())
    }

    func notApplicable(_ gate: GateID, _ why: @autoclosure () -> String, citation: @autoclosure () -> String) -> GateFinding {
        finding(gate, .pass, "not applicable: " + why(), citation: citation())
    }

    /// The profile's reference for a parameter, for citations.
    func reference(_ parameter: String) -> String {
        destination.citations[parameter] ?? "\(destination.policy.id) \(parameter): "
    }

    func name(_ code: CountryCode) -> String { destination.name(code) }

    /// The person counts as a minor (unaccompanied flag) for vulnerability and arrangement terms.
    var isMinor: Bool {
        if facts.person.unaccompaniedMinor { return true }
        if let year = facts.person.birthYear { return day.components.year - year < 18 }
        return false
    }
}

/// A gate: a pure function of the context to a finding.
public protocol Gate {
    static var id: GateID { get }
    static func evaluate(_ context: GateContext) -> GateFinding
}
