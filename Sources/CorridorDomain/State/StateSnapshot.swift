/// Richer reads of current state, available inside a store's write transaction: what the
/// transfer rules need to judge a departure, place holds and detect incidents.
public protocol StateSnapshot {
    /// One case's records in log order (the latest `case` record first); empty when unknown.
    func caseRecords(_ id: CaseRecord.ID) throws -> [Record]
    /// The network's records in log order (see `EventStore.networkRecords`).
    func networkRecords() throws -> [Record]
    /// Every transfer with its manifest.
    func transfers() throws -> [TransferView]
    /// Members of a family unit (cases whose latest record names it).
    func familyMembers(_ unit: String) throws -> [CaseRecord.ID]
    /// A store setting.
    func setting(_ key: String) throws -> String?
}

/// An event that is not a vocabulary record, caused by one (a hold placed by a court order, the
/// verdicts recorded at lock, a chain-refoulement incident). Its type begins `system.`.
public struct SystemEvent: Sendable, Equatable {
    public var type: String
    public var payload: JSONValue
    public init(type: String, payload: JSONValue) {
        self.type = type
        self.payload = payload
    }
}
