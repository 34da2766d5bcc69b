import CorridorDomain
import Dispatch

/// The whole caseload held in memory for passes over everyone: every person's facts in one
/// contiguous array, evaluated against a shared ``DestinationContext`` without touching the
/// database per gate.
public struct Caseload: Sendable {
    public private(set) var cases: [CaseFacts] = []
    private var positions: [CaseRecord.ID: Int] = [:]
    /// Members of each family unit.
    public private(set) var familyMembers: [String: [CaseRecord.ID]] = [:]
    /// Positions in `cases` of each family unit's members, kept with `familyMembers` so that
    /// passes look units up without hashing ids (a position whose case has since moved to
    /// another unit is skipped).
    private var unitPositions: [String: [Int]] = [:]

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
            unitPositions[unit, default: []].append(positions[facts.id]!)
        }
    }

    /// Adds a per-case record to the case it names (the case must already be present).
    public mutating func add(_ record: Record) {
        guard let id = record.caseID, let index = positions[id] else { return }
        cases[index].add(record)
    }

    public var count: Int { cases.count }

    public func facts(_ id: CaseRecord.ID) -> CaseFacts? { positions[id].map { cases[$0] } }

    /// Where a case sits in `cases` (nil for an unknown case).
    public func position(of id: CaseRecord.ID) -> Int? { positions[id] }

    /// The other members of this person's family unit (empty outside a unit).
    public func family(of facts: CaseFacts) -> [CaseFacts] {
        guard let unit = facts.person.familyUnit else { return [] }
        return (familyMembers[unit] ?? []).compactMap { id in
            guard id != facts.id, let index = positions[id], cases[index].person.familyUnit == unit else { return nil }
            return cases[index]
        }
    }

    /// One explained decision from memory, the person's family unit included (nil for an
    /// unknown case).
    public func decide(_ id: CaseRecord.ID, _ destination: DestinationContext) -> Decision? {
        guard let facts = facts(id) else { return nil }
        return RulesEngine.decide(facts, destination, family: family(of: facts))
    }

    /// Everyone's outcome against one destination, in caseload order, using every core. Each
    /// person is judged on their own first; then, unit by unit, the `vulnerability` gate is
    /// judged again for the members of family units with the other members' results.
    public func outcomes(_ destination: DestinationContext) -> [GateOutcome] {
        var results = individualOutcomes(destination)
        let vulnerability = GateOutcome.index(.vulnerability)
        for (unit, positions) in unitPositions where positions.count > 1 {
            let members = positions.filter { cases[$0].person.familyUnit == unit }
            guard members.count > 1 else { continue }
            let individual = members.map { results[$0] }
            for (position, index) in members.enumerated() {
                var family: [FamilyMemberStanding] = []
                family.reserveCapacity(members.count - 1)
                for (other, otherIndex) in members.enumerated() where other != position {
                    family.append(FamilyMemberStanding(caseID: cases[otherIndex].id, outcome: individual[other]))
                }
                let context = GateContext(facts: cases[index], destination: destination, family: family, explain: false)
                results[index].set(vulnerability, VulnerabilityGate.evaluate(context).result)
            }
        }
        return results
    }

    /// Everyone's outcome on their own (without their family unit), in parallel.
    func individualOutcomes(_ destination: DestinationContext) -> [GateOutcome] {
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
        eligibility(destination, among: nil)
    }

    /// The same over only the cases `include` accepts (a counsel's clients): the total and
    /// every count are theirs alone.
    public func eligibility(_ destination: DestinationContext, among include: ((CaseRecord.ID) -> Bool)?) -> Eligibility {
        let outcomes = outcomes(destination)
        var eligibility = Eligibility(
            destination: destination.destination, on: destination.instant, policy: destination.policy.id,
            policyVersion: destination.policy.version, total: include == nil ? cases.count : 0)
        for (index, outcome) in outcomes.enumerated() {
            if let include {
                guard include(cases[index].id) else { continue }
                eligibility.total += 1
            }
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
