// SEAM-TODO: removed when the async seam is merged.
public struct CaseloadCursor: Sendable, Equatable {
    public enum Phase: Sendable, Equatable { case cases, facts }
    public var phase: Phase
    public var afterSeq: Int64
    public init(phase: Phase, afterSeq: Int64) {
        self.phase = phase
        self.afterSeq = afterSeq
    }
    public static let start = CaseloadCursor(phase: .cases, afterSeq: 0)
}
public struct CaseloadPage: Sendable {
    public var records: [Record]
    public var next: CaseloadCursor?
    public init(records: [Record], next: CaseloadCursor?) {
        self.records = records
        self.next = next
    }
}
import CorridorDomain
