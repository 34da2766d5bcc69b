/// Decides which counts of people the public report hides.
///
/// 1. Primary: a count from 1 to 4 is shown as "<5".
/// 2. Complementary, within a table: a column that adds up to a published total must hide at
///    least two cells, together 5 or more, else the smallest shown non-zero cell is hidden too
///    (or, if none is left, the total).
/// 3. Complementary, across tables: a shown cell that counts exactly the people of a hidden
///    cell in another table, or those people plus people shown in the hidden cell's own table,
///    is hidden too; so is a total that counts exactly a hidden cell's people.
///
/// Rules 2 and 3 repeat until nothing changes. Cells know who they count (case ids, in memory
/// only) so that rule 3 compares people, not numbers. Anything computed from a hidden count (a
/// rate, a cost per person) is withheld.
public struct SuppressionPlan: Sendable {
    struct Key: Hashable, Sendable {
        var table: String
        var row: String
        var column: String
    }

    private var members: [Key: Set<String>] = [:]
    /// Cells of one column of one table that add up to a total: "table|column" → keys.
    private var groups: [String: [Key]] = [:]
    private var groupTotal: [String: String] = [:]
    private var totals: [String: Set<String>] = [:]
    private var hidden: Set<Key> = []
    private var hiddenTotals: Set<String> = []
    private var dependents: [Key: [Key]] = [:]

    public init() {}

    static func small(_ n: Int) -> Bool { n > 0 && n < PublicReport.threshold }

    /// A published total and the people it counts.
    mutating func total(_ name: String, members: Set<String>) {
        totals[name] = members
        if Self.small(members.count) { hiddenTotals.insert(name) }
    }

    /// A cell counting `members`, one of a column adding up to the total `total`. Its final
    /// form is decided by ``resolve()`` and written by ``apply(_:table:columns:)``.
    mutating func cell(_ table: String, _ row: String, _ column: String, members: Set<String>, total: String) -> PublicTable.Cell {
        let key = Key(table: table, row: row, column: column)
        self.members[key] = members
        let group = table + "|" + column
        groups[group, default: []].append(key)
        groupTotal[group] = total
        if Self.small(members.count) { hidden.insert(key) }
        return Self.small(members.count) ? .small : .integer(members.count)
    }

    /// A count shown on its own (no total it adds up to): primary suppression only.
    func count(_ n: Int) -> PublicTable.Cell { Self.small(n) ? .small : .integer(n) }

    /// A figure computed from the counts in `columns` of the same row: withheld when any is hidden.
    mutating func dependent(_ table: String, _ row: String, _ column: String, on columns: [String], _ value: Double?, places: Int) -> PublicTable.Cell
    {
        let key = Key(table: table, row: row, column: column)
        dependents[key] = columns.map { Key(table: table, row: row, column: $0) }
        return value.map { .decimal($0, places: places) } ?? .empty
    }

    /// Counts that add up to a published total and are linked to nothing else (e.g. one
    /// profile's verdict mix): rules 1 and 2 applied at once.
    func additive(_ name: String, _ counts: [Int]) -> [PublicTable.Cell] {
        var hide = Set(counts.indices.filter { Self.small(counts[$0]) })
        while !hide.isEmpty, hide.count == 1 || hide.reduce(0, { $0 + counts[$1] }) < PublicReport.threshold {
            guard let next = counts.indices.filter({ !hide.contains($0) && counts[$0] > 0 }).min(by: { counts[$0] < counts[$1] }) else { break }
            hide.insert(next)
        }
        return counts.indices.map { i in hide.contains(i) ? (Self.small(counts[i]) ? .small : .suppressed) : .integer(counts[i]) }
    }

    /// Applies rules 2 and 3 until nothing changes.
    mutating func resolve() {
        var changed = true
        var rounds = 0
        while changed, rounds < 1000 {
            changed = false
            rounds += 1
            for (group, keys) in groups.sorted(by: { $0.key < $1.key }) {
                let shut = keys.filter(hidden.contains)
                guard !shut.isEmpty, let total = groupTotal[group], !hiddenTotals.contains(total) else { continue }
                let sum = shut.reduce(0) { $0 + members[$1]!.count }
                guard shut.count == 1 || sum < PublicReport.threshold else { continue }
                if let next = keys.filter({ !hidden.contains($0) && members[$0]!.count > 0 }).min(by: {
                    (members[$0]!.count, $0.row) < (members[$1]!.count, $1.row)
                }) {
                    hidden.insert(next)
                } else {
                    hiddenTotals.insert(total)
                }
                changed = true
            }
            for h in hidden.sorted(by: { ($0.table, $0.row, $0.column) < ($1.table, $1.row, $1.column) }) {
                let people = members[h]!
                guard !people.isEmpty else { continue }
                for (name, set) in totals where !hiddenTotals.contains(name) && set == people {
                    hiddenTotals.insert(name)
                    changed = true
                }
                let ownTable = members.filter { $0.key.table == h.table && $0.key.column == h.column && !hidden.contains($0.key) }
                for (key, set) in members where (key.table, key.column) != (h.table, h.column) && !hidden.contains(key) && set.isSuperset(of: people)
                {
                    let rest = set.subtracting(people)
                    var covered = Set<String>()
                    var exact = true
                    for (_, other) in ownTable where !other.isDisjoint(with: rest) {
                        guard other.isSubset(of: rest) else { exact = false; break }
                        covered.formUnion(other)
                    }
                    if exact, covered == rest {
                        hidden.insert(key)
                        changed = true
                    }
                }
            }
        }
    }

    /// Writes the decisions into a row of `table` (its first column is the row's key).
    func apply(_ row: inout [PublicTable.Cell], table: String, columns: [PublicTable.Column]) {
        let rowKey = row.first?.text ?? ""
        for (index, column) in columns.enumerated() {
            let key = Key(table: table, row: rowKey, column: column.name)
            if hidden.contains(key), let count = members[key]?.count {
                row[index] = Self.small(count) ? .small : .suppressed
            }
            if let on = dependents[key], on.contains(where: hidden.contains), row[index] != .empty {
                row[index] = .withheld
            }
        }
    }

    /// A published total as shown.
    func totalCell(_ name: String) -> PublicTable.Cell {
        let count = totals[name]?.count ?? 0
        guard hiddenTotals.contains(name) else { return .integer(count) }
        return Self.small(count) ? .small : .suppressed
    }

    func isHidden(total name: String) -> Bool { hiddenTotals.contains(name) }
}
