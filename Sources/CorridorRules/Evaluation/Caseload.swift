import CorridorDomain

/// The whole caseload held in memory for passes over everyone: every person's facts in one
/// contiguous array, evaluated against a shared ``DestinationContext`` without touching the
/// database per gate.
public struct Caseload: Sendable {
    public private(set) var cases: [CaseFacts] = []
    private var positions: [CaseRecord.ID: Int] = [:]
    /// Members of each family unit.
    public private(set) var familyMembers: [String: [CaseRecord.ID]] = [:]

    public init() {}

    public init(_ facts: some Sequence<CaseFacts>) {
        for fact in facts { insert(fact) }
    }

    public mutating func insert(_ facts: CaseFacts) {
        if let index = positions[facts.id] {
            cases[index] = facts
        } else {
            positions[facts.id] = cases.count
            cases.append(facts)
        }
        if let unit = facts.person.familyUnit, !(familyMembers[unit]?.contains(facts.id) ?? false) {
            familyMembers[unit, default: []].append(facts.id)
        }
    }

    /// Adds a per-case record to the case it names (the case must already be present).
    public mutating func add(_ record: Record) {
        guard let id = record.caseID, let index = positions[id] else { return }
        cases[index].add(record)
    }

    public var count: Int { cases.count }

    public func facts(_ id: CaseRecord.ID) -> CaseFacts? { positions[id].map { cases[$0] } }

    /// Everyone's outcome against one destination, in caseload order, using every core.
    public func outcomes(_ destination: DestinationContext) -> [GateOutcome] {
        var results = [GateOutcome](repeating: GateOutcome(), count: cases.count)
        let chunks = Swift.max(1, Swift.min(ProcessInfoCores.count * 4, cases.count / 2048))
        let chunkSize = (cases.count + chunks - 1) / Swift.max(chunks, 1)
        results.withUnsafeMutableBufferPointer { buffer in
            let output = UnsafeSendableBuffer(buffer)
            cases.withUnsafeBufferPointer { input in
                let source = UnsafeSendableInput(input)
                concurrentPerform(iterations: chunks) { chunk in
                    let start = chunk * chunkSize
                    let end = Swift.min(start + chunkSize, source.buffer.count)
                    guard start < end else { return }
                    for index in start..<end {
                        output.buffer[index] = RulesEngine.outcome(source.buffer[index], destination)
                    }
                }
            }
        }
        return results
    }

    /// Who may go to one destination, and how many are blocked or waiting at each gate.
    public func eligibility(_ destination: DestinationContext) -> Eligibility {
        let outcomes = outcomes(destination)
        var eligibility = Eligibility(destination: destination.destination, on: destination.instant, policy: destination.policy.id,
                                      policyVersion: destination.policy.version, total: cases.count)
        for (index, outcome) in outcomes.enumerated() {
            switch outcome.verdict {
            case .allowed: eligibility.allowed.append(cases[index].id)
            case .blocked: eligibility.blockedCount += 1
            case .pending: eligibility.pendingCount += 1
            }
            for gate in GateID.allCases {
                switch outcome.result(gate) {
                case .fail: eligibility.failing[gate, default: 0] += 1
                case .pending: eligibility.waiting[gate, default: 0] += 1
                case .pass: break
                }
            }
        }
        return eligibility
    }
}

/// The answer of `eligible`: who may go, and counts per gate.
public struct Eligibility: Sendable {
    public var destination: CountryCode
    public var on: Instant
    public var policy: PolicyProfile.ID
    public var policyVersion: String
    public var total: Int
    public var allowed: [CaseRecord.ID] = []
    public var blockedCount = 0
    public var pendingCount = 0
    /// People for whom each gate fails (a person may fail several).
    public var failing: [GateID: Int] = [:]
    /// People for whom each gate is waiting.
    public var waiting: [GateID: Int] = [:]
}

// MARK: Parallel helpers

import Dispatch

enum ProcessInfoCores {
    static let count: Int = {
        #if canImport(Glibc)
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 2
        #endif
    }()
}

#if canImport(Glibc)
import Glibc
#endif

struct UnsafeSendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}

struct UnsafeSendableInput<T>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<T>
    init(_ buffer: UnsafeBufferPointer<T>) { self.buffer = buffer }
}

func concurrentPerform(iterations: Int, _ body: @Sendable (Int) -> Void) {
    DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
}
