import CorridorDomain
import Synchronization

/// The whole caseload held in memory for passes over everyone, compactly: each person's facts
/// encoded in a few dozen bytes (``CaseCodec``) one after another in one byte array, with
/// strings and nationality lists interned, an open-addressing index from case id to position,
/// and each family unit's members. A pass decodes every person into one reused scratch value
/// per worker and evaluates it against a shared ``DestinationContext``, without touching the
/// database per gate. The same bytes are the caseload at rest (``image(seq:chainHash:)``).
///
/// Positions are stable: a case re-recorded or given a new fact is encoded again at the end of
/// the byte array and keeps its place in caseload order.
public struct Caseload: Sendable {
    var table = InternTable()
    /// Every case's encoding, one after another, as built in bulk or read from an image (then
    /// the image's own bytes, unchanged, so that reading one copies nothing).
    var arena: [UInt8] = []
    /// Encodings written since: new cases, and cases re-encoded after a change. Kept apart so
    /// that a change never copies or grows `arena`.
    var overflow: [UInt8] = []
    /// Where each case's current encoding starts, in caseload order: in `arena` at `offset`
    /// when not negative, else in `overflow` at `~offset`.
    var offsets = Chunked<Int>()
    /// The id index, built on first use (a pass over everyone never needs one) and shared by
    /// copies of the caseload until one of them changes.
    var indexBox = IndexBox()
    /// Positions of each family unit's members, by the unit's string number (a position whose
    /// case has since moved to another unit is skipped on use).
    var units: [UInt32: [Int32]] = [:]
    /// Bytes of `arena` that no case refers to any more (older encodings of changed cases).
    public internal(set) var supersededBytes = 0
    /// Whether every case sits in `arena`, in caseload order, one after another from its first
    /// byte to its last, with nothing else (as ``Builder/build()`` and ``compacted()`` leave it;
    /// an empty caseload is packed).
    var isPacked = true

    public init() {}

    public init(_ facts: some Sequence<CaseFacts>) {
        for fact in facts { insert(fact) }
    }

    public var count: Int { offsets.count }

    /// Bytes held by the encoded cases, the interned values' count aside.
    public var encodedBytes: Int { arena.count + overflow.count }

    /// Every person's facts, decoded on access, in caseload order.
    public var cases: Cases { Cases(caseload: self) }

    public struct Cases: RandomAccessCollection, Sendable {
        let caseload: Caseload
        public var startIndex: Int { 0 }
        public var endIndex: Int { caseload.count }
        public subscript(position: Int) -> CaseFacts { caseload.decode(at: position) }
    }

    // MARK: Changes

    public mutating func insert(_ facts: CaseFacts) {
        if let position = position(of: facts.id) {
            replace(at: position, with: facts, oldLength: encoded(at: position).length)
        } else {
            isPacked = false
            let position = offsets.count
            offsets.append(~overflow.count)
            CaseCodec.encode(facts, into: &overflow, table: &table)
            indexInsert(position)
            register(unit: facts.person.familyUnit, position)
        }
    }

    /// Re-encodes the person at `position` (their old encoding, `oldLength` bytes, stays behind
    /// until the caseload is packed).
    private mutating func replace(at position: Int, with facts: CaseFacts, oldLength: Int) {
        isPacked = false
        supersededBytes += oldLength
        offsets[position] = ~overflow.count
        CaseCodec.encode(facts, into: &overflow, table: &table)
        register(unit: facts.person.familyUnit, position)
    }

    /// Adds a per-case record to the case it names (the case must already be present).
    public mutating func add(_ record: Record) {
        guard let id = record.caseID, let position = position(of: id) else { return }
        var (facts, length) = encoded(at: position)
        facts.add(record)
        replace(at: position, with: facts, oldLength: length)
    }

    /// Takes one record as the log brings it: a `case` record adds the person or replaces their
    /// record (keeping their facts and place), a per-case fact joins its case; others are ignored.
    public mutating func apply(_ record: Record) {
        guard case .caseRecord(let person) = record else { return add(record) }
        guard let position = position(of: person.id) else { return insert(CaseFacts(person: person)) }
        var (facts, length) = encoded(at: position)
        facts.person = person
        replace(at: position, with: facts, oldLength: length)
    }

    private mutating func register(unit: String?, _ position: Int) {
        guard let unit else { return }
        let number = table.number(unit)
        let member = Int32(position)
        if !(units[number]?.contains(member) ?? false) { units[number, default: []].append(member) }
    }

    // MARK: Reading

    /// One person's facts (nil for an unknown case).
    public func facts(_ id: CaseRecord.ID) -> CaseFacts? { position(of: id).map { decode(at: $0) } }

    /// Where a case sits in caseload order (nil for an unknown case).
    public func position(of id: CaseRecord.ID) -> Int? {
        guard !offsets.isEmpty else { return nil }
        var raw = id.rawValue
        return raw.withUTF8 { query in withArena { indexLookup(query, arena: $0) } }
    }

    /// The case id at a position, without decoding the rest of the case.
    public func id(at position: Int) -> CaseRecord.ID {
        withArena { CaseRecord.ID(String(decoding: idBytes(at: position, arena: $0), as: UTF8.self)) }
    }

    func decode(at position: Int) -> CaseFacts { encoded(at: position).facts }

    /// A person's facts and the length of their encoding, in one read.
    private func encoded(at position: Int) -> (facts: CaseFacts, length: Int) {
        var facts = CaseFacts(person: CaseRecord(id: "", nationalities: []))
        let length = withArena { arena in
            var reader = arena.reader(offsets[position])
            let start = reader.position
            // Encodings are made here or checked whole when an image is read (``init(image:)``).
            try! CaseCodec.decode(&reader, values: table.values, into: &facts)
            return reader.position - start
        }
        return (facts, length)
    }

    @inline(__always)
    func idBytes(at position: Int, arena: ArenaView) -> UnsafeBufferPointer<UInt8> {
        var reader = arena.reader(offsets[position])
        let length = try! reader.count(atMost: CaseCodec.maxIdentifier)
        return try! reader.bytes(length)
    }

    /// Members of each family unit (cases whose current record names it), in caseload order.
    public var familyMembers: [String: [CaseRecord.ID]] {
        var result: [String: [CaseRecord.ID]] = [:]
        for (number, positions) in units {
            let members = positions.map(Int.init).filter { unitNumber(at: $0) == number }.map { id(at: $0) }
            if !members.isEmpty { result[table.values.strings[Int(number)]] = members }
        }
        return result
    }

    /// The other members of this person's family unit (empty outside a unit).
    public func family(of facts: CaseFacts) -> [CaseFacts] {
        familyPositions(of: facts).map { decode(at: $0) }
    }

    private func familyPositions(of facts: CaseFacts) -> [Int] {
        guard let unit = facts.person.familyUnit, let number = unitNumber(named: unit, for: facts.id), let members = units[number] else { return [] }
        return members.compactMap { member in
            let position = Int(member)
            guard unitNumber(at: position) == number, id(at: position) != facts.id else { return nil }
            return position
        }
    }

    /// The string number of a family unit: read from the case's own header when the case is
    /// here and names that unit, else looked up among the interned strings.
    private func unitNumber(named unit: String, for id: CaseRecord.ID) -> UInt32? {
        if let position = position(of: id), let number = unitNumber(at: position), table.values.strings[Int(number)] == unit { return number }
        return table.values.strings.firstIndex(of: unit).map { UInt32($0) }
    }

    private func unitNumber(at position: Int) -> UInt32? {
        withArena { arena in
            var reader = arena.reader(offsets[position])
            return try! CaseCodec.skipHeader(&reader, stringCount: table.values.strings.count, listCount: table.values.lists.count)
        }
    }

    // MARK: Decisions

    /// One explained decision from memory, the person's family unit included (nil for an
    /// unknown case).
    public func decide(_ id: CaseRecord.ID, _ destination: DestinationContext) -> Decision? {
        guard let facts = facts(id) else { return nil }
        return RulesEngine.decide(facts, destination, family: family(of: facts))
    }

    /// Everyone's outcome against one destination, in caseload order, using every core (see
    /// ``outcomes(_:)-(DestinationContext)``).
    public func outcomes(_ destination: DestinationContext) -> [GateOutcome] { outcomes([destination])[0] }

    /// Everyone's outcome against several destinations at once, each person decoded once: a
    /// list per destination, in caseload order. Each person is judged on their own first;
    /// then, unit by unit, the `vulnerability` gate is judged again for the members of family
    /// units with the other members' results.
    public func outcomes(_ destinations: [DestinationContext]) -> [[GateOutcome]] {
        let width = destinations.count
        var flat = individualOutcomes(destinations)
        let vulnerability = GateOutcome.index(.vulnerability)
        // Units of two or more (by their recorded members; a member who has since left is
        // dropped below), judged in parallel: units share no member, so workers write
        // disjoint results.
        let units = self.units.filter { $0.value.count > 1 }.map { (number: $0.key, members: $0.value) }
        flat.withUnsafeMutableBufferPointer { buffer in
            let sink = UnsafeSendableBuffer(buffer)
            guard !units.isEmpty else { return }
            concurrentRanges(units.count, minimum: 512) { range in
                for (number, recorded) in units[range] {
                    let members = recorded.map(Int.init).filter { unitNumber(at: $0) == number }
                    guard members.count > 1 else { continue }
                    let memberFacts = members.map { decode(at: $0) }
                    for (slot, destination) in destinations.enumerated() {
                        let individual = members.map { sink.buffer[$0 * width + slot] }
                        for (position, index) in members.enumerated() {
                            var family: [FamilyMemberStanding] = []
                            family.reserveCapacity(members.count - 1)
                            for other in members.indices where other != position {
                                family.append(FamilyMemberStanding(caseID: memberFacts[other].id, outcome: individual[other]))
                            }
                            let context = GateContext(facts: memberFacts[position], destination: destination, family: family, explain: false)
                            sink.buffer[index * width + slot].set(vulnerability, VulnerabilityGate.evaluate(context).result)
                        }
                    }
                }
            }
        }
        if width == 1 { return [flat] }
        return (0..<width).map { slot in (0..<count).map { flat[$0 * width + slot] } }
    }

    /// Everyone's outcome on their own (without their family unit), in parallel: each worker
    /// decodes its share of people into one scratch value, with its own copy of the interned
    /// values. Results person by person, each person's results at every destination side by side.
    func individualOutcomes(_ destinations: [DestinationContext]) -> [GateOutcome] {
        let total = count
        let width = destinations.count
        guard total > 0, width > 0 else { return [] }
        // One flat list, person by person (each person's results at every destination side by
        // side); workers write disjoint ranges of it.
        var flat = [GateOutcome](repeating: GateOutcome(), count: total * width)
        let values = table.values
        flat.withUnsafeMutableBufferPointer { output in
            let sink = UnsafeSendableBuffer(output)
            let starts = offsets
            do {
                withArena { arena in
                    concurrentRanges(total, minimum: 2048) { range in
                        let own = values.privateCopy()
                        var scratch = CaseFacts(person: CaseRecord(id: "", nationalities: []))
                        for index in range {
                            var reader = arena.reader(starts[index])
                            try! CaseCodec.decode(&reader, values: own, into: &scratch)
                            for slot in 0..<width {
                                sink.buffer[index * width + slot] = RulesEngine.outcome(scratch, destinations[slot])
                            }
                        }
                    }
                }
            }
        }
        return flat
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
            policyVersion: destination.policy.version, total: include == nil ? count : 0)
        var failing = [Int](repeating: 0, count: GateID.allCases.count)
        var waiting = [Int](repeating: 0, count: GateID.allCases.count)
        for (index, outcome) in outcomes.enumerated() {
            if let include {
                guard include(id(at: index)) else { continue }
                eligibility.total += 1
            }
            switch outcome.verdict {
            case .allowed: eligibility.allowed.append(id(at: index))
            case .blocked: eligibility.blockedCount += 1
            case .pending: eligibility.pendingCount += 1
            }
            var failed = outcome.failed, pending = outcome.pending
            while failed != 0 {
                failing[failed.trailingZeroBitCount] += 1
                failed &= failed - 1
            }
            while pending != 0 {
                waiting[pending.trailingZeroBitCount] += 1
                pending &= pending - 1
            }
        }
        // In id order: the same log gives the same list whether the caseload came from an image
        // and the records after it (where a corrected person keeps their place) or from the log.
        eligibility.allowed.sort()
        for (index, gate) in GateID.allCases.enumerated() {
            if failing[index] > 0 { eligibility.failing[gate] = failing[index] }
            if waiting[index] > 0 { eligibility.waiting[gate] = waiting[index] }
        }
        return eligibility
    }

    // MARK: The id index

    /// Keeps a built index up to date with a new position (an index not built yet is built,
    /// later, from every position).
    private mutating func indexInsert(_ position: Int) {
        if !isKnownUniquelyReferenced(&indexBox) { indexBox = IndexBox(indexBox.current) }
        let hash = withArena { CaseloadHash.identifier(idBytes(at: position, arena: $0)) }
        indexBox.built.withLock { slot in
            guard var index = slot.take() else { return }
            // A full index is dropped and built again, larger, on its next use.
            guard (index.count + 1) * 2 <= index.slots.count else { return }
            index.insert(position, hash: hash)
            slot = index
        }
    }

    /// The index, building it when it is not built yet.
    private func currentIndex() -> CaseIndex {
        if let index = indexBox.current { return index }
        var index = CaseIndex(capacity: Swift.max(1024, offsets.count * 2 + 2))
        withArena { arena in
            for position in offsets.indices {
                index.insert(position, hash: CaseloadHash.identifier(idBytes(at: position, arena: arena)))
            }
        }
        let built = index
        return indexBox.built.withLock { slot in
            if slot == nil || slot!.count < built.count { slot = built }
            return slot!
        }
    }

    /// Builds the id index now (the server does, once the caseload is in memory, so that its
    /// first lookup does not wait).
    public func prepareIndex() { _ = currentIndex() }

    private func indexLookup(_ query: UnsafeBufferPointer<UInt8>, arena: ArenaView) -> Int? {
        currentIndex().lookup(hash: CaseloadHash.identifier(query)) { position in
            let stored = idBytes(at: position, arena: arena)
            return stored.count == query.count && (query.isEmpty || memcmp(stored.baseAddress!, query.baseAddress!, query.count) == 0)
        }
    }
}

/// A caseload's id index behind a lock, so that it can be built on first use by any copy.
final class IndexBox: Sendable {
    let built: Mutex<CaseIndex?>
    init(_ index: CaseIndex? = nil) { built = Mutex(index) }
    var current: CaseIndex? { built.withLock { $0 } }
}

/// Both byte arrays of a caseload, pinned for reading.
struct ArenaView: @unchecked Sendable {
    let base: UnsafeBufferPointer<UInt8>
    let overflow: UnsafeBufferPointer<UInt8>

    /// A reader at a case's offset (see ``Caseload/offsets``).
    @inline(__always)
    func reader(_ offset: Int) -> ByteReader { offset >= 0 ? ByteReader(base, at: offset) : ByteReader(overflow, at: ~offset) }
}

extension Caseload {
    func withArena<Result>(_ body: (ArenaView) throws -> Result) rethrows -> Result {
        try arena.withUnsafeBufferPointer { base in
            try overflow.withUnsafeBufferPointer { overflow in try body(ArenaView(base: base, overflow: overflow)) }
        }
    }
}

/// Open addressing from an id's hash to a position (linear probing; slots hold position + 1).
struct CaseIndex: Sendable {
    /// In chunks, so that adding a person to a copy shared with an earlier snapshot copies one
    /// chunk, not the table.
    private(set) var slots = Chunked<Int32>()
    private(set) var count = 0

    init() {}

    init(capacity: Int) {
        var size = 1024
        while size < capacity { size <<= 1 }
        slots = Chunked(repeating: 0, count: size)
    }

    mutating func insert(_ position: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(position + 1)
        count += 1
    }

    func lookup(hash: UInt64, matches: (Int) -> Bool) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let position = Int(slots[slot]) - 1
            if matches(position) { return position }
            slot = (slot + 1) & mask
        }
        return nil
    }
}

/// The answer of `eligible`: who may go, and counts per gate.
public struct Eligibility: Sendable {
    public var destination: CountryCode
    public var on: Instant
    public var policy: PolicyProfile.ID
    public var policyVersion: String
    public var total: Int
    /// Everyone allowed, in case id order.
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

/// Splits `0..<total` into up to four ranges per core, each at least `minimum` long (one range
/// when `total` is smaller), and runs `body` on each in parallel (``concurrentPerform(iterations:_:)``).
func concurrentRanges(_ total: Int, minimum: Int, _ body: @Sendable (Range<Int>) -> Void) {
    guard total > 0 else { return }
    let chunks = Swift.max(1, Swift.min(ProcessInfoCores.count * 4, total / minimum))
    let size = (total + chunks - 1) / chunks
    concurrentPerform(iterations: chunks) { chunk in
        let start = chunk * size
        let end = Swift.min(start + size, total)
        if start < end { body(start..<end) }
    }
}

/// Runs `body` for iterations `0..<iterations`, spread over one thread per core: the calling
/// thread and threads started for this pass, never Dispatch's shared pool. Swift's tasks (the
/// server's requests) run on that pool on Linux; a whole-caseload pass that filled it stalled
/// every request for as long as it ran. Returns when every iteration is done.
func concurrentPerform(iterations: Int, _ body: @Sendable (Int) -> Void) {
    let workers = Swift.min(iterations, ProcessInfoCores.count)
    guard workers > 1 else {
        for iteration in 0..<iterations { body(iteration) }
        return
    }
    let counter = PassCounter()
    withoutActuallyEscaping(body) { body in
        let work = PassWork {
            while true {
                let iteration = counter.next.add(1, ordering: .relaxed).oldValue
                guard iteration < iterations else { return }
                body(iteration)
            }
        }
        var threads: [pthread_t] = []
        for _ in 1..<workers {
            let context = Unmanaged.passRetained(work).toOpaque()
            var thread = pthread_t()
            let started = pthread_create(
                &thread, nil,
                { raw in
                    Unmanaged<PassWork>.fromOpaque(raw!).takeRetainedValue().run()
                    return nil
                }, context)
            if started == 0 { threads.append(thread) } else { Unmanaged<PassWork>.fromOpaque(context).release() }
        }
        work.run()
        for thread in threads { pthread_join(thread, nil) }
    }
}

private final class PassCounter: Sendable {
    let next = Atomic<Int>(0)
}

/// One pass's work loop, handed to the threads it starts (each joined before the pass returns).
private final class PassWork: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
