/// The twelve gates, by their stable ids (docs/decisions.md). Order is evaluation and display order.
public enum GateID: String, Sendable, CaseIterable, Codable {
    case finalOrder = "final-order"
    case courtOrder = "court-order"
    case destinationOrder = "destination-order"
    case arrangement
    case protection
    case notice
    case fearScreening = "fear-screening"
    case chainRefoulement = "chain-refoulement"
    case humanRightsRisk = "human-rights-risk"
    case vulnerability
    case aea
    case stca
}

/// A gate's answer.
public enum GateResult: String, Sendable, Codable, CaseIterable {
    case pass, fail, pending
}
