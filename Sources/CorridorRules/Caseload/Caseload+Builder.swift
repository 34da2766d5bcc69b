import CorridorDomain

extension Caseload {
    /// Builds a caseload from a stream of records in one pass — every `case` record, then the
    /// facts, as the store reads them — without encoding any case twice: facts are encoded as
    /// they arrive, kept aside with the position of their case, and laid out case by case (each
    /// case's facts in log order) when ``build()`` is called.
    public struct Builder: Sendable {
        private var caseload = Caseload()
        private var factBytes: [UInt8] = []
        private var factOwner: [Int32] = []
        private var factStart: [Int] = []

        public init() {}

        /// Cases so far.
        public var count: Int { caseload.count }

        /// Takes one record: a `case` record adds the person (or replaces their record), a
        /// per-case fact joins its case (a fact about an unknown case is ignored, as the store
        /// never holds one), anything else is ignored.
        public mutating func add(_ record: Record) {
            switch record {
            case .caseRecord(let person):
                caseload.insert(CaseFacts(person: person))
            default:
                guard let id = record.caseID, let position = caseload.position(of: id) else { return }
                let start = factBytes.count
                guard CaseCodec.encodeFact(record, into: &factBytes, table: &caseload.table) else { return }
                factOwner.append(Int32(position))
                factStart.append(start)
            }
        }

        /// The caseload, each case's facts after its header in log order.
        public func build() -> Caseload {
            var result = caseload
            let total = caseload.count
            guard !factOwner.isEmpty else { return result.compacted() }
            // A stable counting sort of the facts by case.
            var first = [Int](repeating: 0, count: total + 1)
            for owner in factOwner { first[Int(owner) + 1] += 1 }
            for position in 0..<total { first[position + 1] += first[position] }
            var order = [Int32](repeating: 0, count: factOwner.count)
            var next = first
            for (fact, owner) in factOwner.enumerated() {
                order[next[Int(owner)]] = Int32(fact)
                next[Int(owner)] += 1
            }
            var arena: [UInt8] = []
            arena.reserveCapacity(caseload.arena.count - caseload.supersededBytes + factBytes.count + total)
            var offsets = [Int](repeating: 0, count: total)
            let values = caseload.table.values
            caseload.withArena { headers in
                factBytes.withUnsafeBufferPointer { facts in
                    for position in 0..<total {
                        offsets[position] = arena.count
                        var reader = headers.reader(caseload.offsets[position])
                        let start = reader.position
                        _ = try! CaseCodec.skipHeader(&reader, stringCount: values.strings.count, listCount: values.lists.count)
                        arena.append(contentsOf: reader.bytes(from: start))
                        arena.appendVarint(UInt64(first[position + 1] - first[position]))
                        for slot in first[position]..<first[position + 1] {
                            let fact = Int(order[slot])
                            let end = fact + 1 < factStart.count ? factStart[fact + 1] : facts.count
                            arena.append(contentsOf: UnsafeBufferPointer(rebasing: facts[factStart[fact]..<end]))
                        }
                    }
                }
            }
            result.arena = arena
            result.overflow = []
            result.offsets = Chunked(offsets)
            result.supersededBytes = 0
            result.isPacked = true
            return result
        }
    }

    /// The same caseload with every case's current encoding packed one after another (older
    /// encodings of changed cases dropped), in caseload order.
    public func compacted() -> Caseload {
        guard !isPacked else { return self }
        var result = self
        var arena: [UInt8] = []
        arena.reserveCapacity(encodedBytes - supersededBytes)
        var offsets = [Int](repeating: 0, count: count)
        let values = table.values
        withArena { view in
            var scratch = CaseFacts(person: CaseRecord(id: "", nationalities: []))
            for position in 0..<count {
                offsets[position] = arena.count
                var reader = view.reader(self.offsets[position])
                let start = reader.position
                try! CaseCodec.decode(&reader, values: values, into: &scratch)
                arena.append(contentsOf: reader.bytes(from: start))
            }
        }
        result.arena = arena
        result.overflow = []
        result.offsets = Chunked(offsets)
        result.supersededBytes = 0
        result.isPacked = true
        return result
    }
}
