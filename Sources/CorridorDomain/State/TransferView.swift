/// A transfer as it stands: its record, where it is in its life, and its manifest.
public struct TransferView: Sendable {
    public struct Entry: Sendable, Equatable {
        public var caseID: CaseRecord.ID
        public var status: ManifestEntryStatus
        public init(caseID: CaseRecord.ID, status: ManifestEntryStatus) {
            self.caseID = caseID
            self.status = status
        }
    }

    public var record: TransferRecord
    public var status: TransferStatus
    /// When each step happened (locked, departed, arrived, cancelled).
    public var steps: [TransferStatus: Instant]
    public var manifest: [Entry]

    public init(record: TransferRecord, status: TransferStatus, steps: [TransferStatus: Instant], manifest: [Entry]) {
        self.record = record
        self.status = status
        self.steps = steps
        self.manifest = manifest
    }

    public var id: TransferRecord.ID { record.id }
    /// People currently on the manifest.
    public var onBoard: [CaseRecord.ID] { manifest.filter { $0.status == .on }.map(\.caseID) }
}
