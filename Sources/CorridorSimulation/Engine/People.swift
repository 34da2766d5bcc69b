/// Everyone alive in a replication as struct-of-arrays, indexed by a 32-bit person number.
///
/// A person's state is the compartment that holds their number (documents pending, home
/// queue, a pipeline stage, an arrangement's queue, the stuck pool); a person is in exactly
/// one at a time, so numbers of removed people are recycled and memory follows the live
/// backlog, not the horizon.
struct People {
    /// nationality × 2 + (protected ? 1 : 0).
    private(set) var group: [UInt16] = []
    private(set) var createdAt: [Double] = []
    /// Bit k set: arrangement k is ruled out for this person (a positive screening).
    private(set) var ruledOut: [UInt64] = []
    private var free: [Int32] = []

    init(capacity: Int) {
        group.reserveCapacity(capacity)
        createdAt.reserveCapacity(capacity)
        ruledOut.reserveCapacity(capacity)
    }

    mutating func add(group newGroup: UInt16, at time: Double) -> Int32 {
        if let person = free.popLast() {
            let index = Int(person)
            group[index] = newGroup
            createdAt[index] = time
            ruledOut[index] = 0
            return person
        }
        group.append(newGroup)
        createdAt.append(time)
        ruledOut.append(0)
        return Int32(truncatingIfNeeded: group.count - 1)
    }

    mutating func ruleOut(_ arrangement: Int, for person: Int32) {
        ruledOut[Int(person)] |= 1 << UInt64(arrangement)
    }

    /// Frees the number of a removed person for reuse.
    mutating func release(_ person: Int32) { free.append(person) }

    /// People ever held at once.
    var highWater: Int { group.count }
}

/// A person in a pipeline stage, due to leave it at `due`.
struct StageEntry {
    var person: Int32
    var due: Double
}
