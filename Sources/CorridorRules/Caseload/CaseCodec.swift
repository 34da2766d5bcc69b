import CorridorDomain

/// One person's facts as a few dozen bytes: the layout the caseload keeps in memory and at
/// rest (ADR 12). Strings and nationality lists are numbers into an ``InternTable``; days
/// and instants are zig-zag varints from 2020-01-01; optional fields are flagged in a leading
/// byte and omitted when absent.
///
/// A case is `id` (length, UTF-8), a flags byte, the nationality list's number, the optional
/// birth year, family unit, counsel and closing day, then the count of facts and each fact in
/// log order: a tag byte (kind in the low three bits, the kind's flags above) and its fields.
enum CaseCodec {
    static let dayBase: Int64 = 18_262  // 2020-01-01
    static let instantBase: Int64 = 1_577_836_800_000  // 2020-01-01T00:00:00Z
    /// The longest identifier the record vocabulary admits is far shorter; this bounds a damaged length.
    static let maxIdentifier = 4_096
    static let maxFacts = 1 << 24

    enum Tag: UInt8 {
        case order = 0, claim, designation, notice, fear, screening, disposition
    }

    // MARK: Encoding

    /// Appends the case's header (everything but its facts).
    static func encodeHeader(_ person: CaseRecord, into out: inout [UInt8], table: inout InternTable) {
        out.appendBytes(person.id.rawValue)
        var flags: UInt8 = 0
        if person.pathway == .asylumTransfer { flags |= 1 }
        if person.unaccompaniedMinor { flags |= 1 << 1 }
        flags |= tri(person.criminalRecord) << 2
        if person.birthYear != nil { flags |= 1 << 4 }
        if person.familyUnit != nil { flags |= 1 << 5 }
        if person.counsel != nil { flags |= 1 << 6 }
        if person.closedOn != nil { flags |= 1 << 7 }
        out.append(flags)
        out.appendVarint(table.number(person.nationalities))
        if let year = person.birthYear { out.appendSigned(Int64(year)) }
        if let unit = person.familyUnit { out.appendVarint(table.number(unit)) }
        if let counsel = person.counsel { out.appendVarint(table.number(counsel)) }
        if let closed = person.closedOn { out.appendSigned(day(closed)) }
    }

    /// Appends a whole case: header, count of facts, facts in log order.
    static func encode(_ facts: CaseFacts, into out: inout [UInt8], table: inout InternTable) {
        encodeHeader(facts.person, into: &out, table: &table)
        let count =
            facts.orders.count + facts.claims.count + facts.designations.count + facts.notices.count + facts.fears.count
            + facts.screenings.count + facts.dispositions.count
        out.appendVarint(UInt64(count))
        // Each kind keeps its own log order; the order between kinds does not matter to the gates.
        for r in facts.orders { encodeFact(.order(r), into: &out, table: &table) }
        for r in facts.claims { encodeFact(.claim(r), into: &out, table: &table) }
        for r in facts.designations { encodeFact(.designation(r), into: &out, table: &table) }
        for r in facts.notices { encodeFact(.notice(r), into: &out, table: &table) }
        for r in facts.fears { encodeFact(.fear(r), into: &out, table: &table) }
        for r in facts.screenings { encodeFact(.screening(r), into: &out, table: &table) }
        for r in facts.dispositions { encodeFact(.disposition(r), into: &out, table: &table) }
    }

    /// Appends one per-case fact; false (and nothing appended) for a record of another kind.
    @discardableResult
    static func encodeFact(_ record: Record, into out: inout [UInt8], table: inout InternTable) -> Bool {
        switch record {
        case .order(let r):
            out.append(Tag.order.rawValue | (r.kind == .pending ? 1 << 3 : 0) | (r.designatedCountry != nil ? 1 << 4 : 0))
            out.appendSigned(day(r.on))
            if let country = r.designatedCountry { out.appendVarint(table.number(country.rawValue)) }
        case .claim(let r):
            out.append(Tag.claim.rawValue | UInt8(ClaimRecord.Kind.allCases.firstIndex(of: r.claim)!) << 3)
            out.append(UInt8(ClaimRecord.Status.allCases.firstIndex(of: r.status)!))
            out.appendVarint(table.number(r.against.rawValue))
            out.appendSigned(day(r.on))
        case .designation(let r):
            out.append(Tag.designation.rawValue | (r.basis != nil ? 1 << 3 : 0))
            out.appendVarint(table.number(r.kind))
            out.appendSigned(day(r.on))
            if let basis = r.basis { out.appendVarint(table.number(basis)) }
        case .notice(let r):
            out.append(Tag.notice.rawValue | (r.language != nil ? 1 << 3 : 0) | tri(r.counselNotified) << 4 | tri(r.exigent) << 6)
            out.appendVarint(table.number(r.destination.rawValue))
            out.appendSigned(r.servedOn.epochMilliseconds - instantBase)
            if let language = r.language { out.appendVarint(table.number(language)) }
        case .fear(let r):
            out.append(Tag.fear.rawValue)
            out.appendVarint(table.number(r.destination.rawValue))
            out.appendSigned(day(r.on))
        case .screening(let r):
            out.append(Tag.screening.rawValue | (r.outcome == .negative ? 1 << 3 : 0) | (r.standard != nil ? 1 << 4 : 0))
            out.appendVarint(table.number(r.destination.rawValue))
            out.appendSigned(day(r.on))
            if let standard = r.standard { out.appendVarint(table.number(standard)) }
        case .disposition(let r):
            out.append(
                Tag.disposition.rawValue | (r.to != nil ? 1 << 3 : 0) | (r.facility != nil ? 1 << 4 : 0) | (r.source != nil ? 1 << 5 : 0))
            out.append(UInt8(DispositionRecord.Outcome.allCases.firstIndex(of: r.outcome)!))
            out.appendSigned(day(r.on))
            if let to = r.to { out.appendVarint(table.number(to.rawValue)) }
            if let facility = r.facility { out.appendVarint(table.number(facility)) }
            if let source = r.source { out.appendVarint(table.number(source)) }
        default:
            return false
        }
        return true
    }

    @inline(__always) private static func day(_ day: Day) -> Int64 { Int64(day.daysSinceEpoch) - dayBase }

    @inline(__always) private static func tri(_ value: Bool?) -> UInt8 { value == nil ? 0 : (value! ? 2 : 1) }

    // MARK: Decoding

    /// Reads one whole case into `facts`, reusing its arrays' storage (a pass decodes every
    /// person into one scratch value per worker, without allocating per person).
    static func decode(_ reader: inout ByteReader, values: InternedValues, into facts: inout CaseFacts) throws(CaseloadImageError) {
        try decodeHeader(&reader, values: values, into: &facts.person)
        // Most people have one or two facts: an empty list is left alone.
        if !facts.orders.isEmpty { facts.orders.removeAll(keepingCapacity: true) }
        if !facts.claims.isEmpty { facts.claims.removeAll(keepingCapacity: true) }
        if !facts.designations.isEmpty { facts.designations.removeAll(keepingCapacity: true) }
        if !facts.notices.isEmpty { facts.notices.removeAll(keepingCapacity: true) }
        if !facts.fears.isEmpty { facts.fears.removeAll(keepingCapacity: true) }
        if !facts.screenings.isEmpty { facts.screenings.removeAll(keepingCapacity: true) }
        if !facts.dispositions.isEmpty { facts.dispositions.removeAll(keepingCapacity: true) }
        let count = try reader.count(atMost: maxFacts)
        for _ in 0..<count { try decodeFact(&reader, values: values, caseID: facts.person.id, into: &facts) }
    }

    static func decodeHeader(_ reader: inout ByteReader, values: InternedValues, into person: inout CaseRecord) throws(CaseloadImageError) {
        let idLength = try reader.count(atMost: maxIdentifier)
        person.id = CaseRecord.ID(String(decoding: try reader.bytes(idLength), as: UTF8.self))
        let flags = try reader.byte()
        person.pathway = flags & 1 != 0 ? .asylumTransfer : .removal
        person.unaccompaniedMinor = flags & (1 << 1) != 0
        person.criminalRecord = try bool((flags >> 2) & 3)
        person.nationalities = try list(&reader, values)
        person.birthYear = flags & (1 << 4) != 0 ? Int(try reader.signed()) : nil
        person.familyUnit = flags & (1 << 5) != 0 ? try string(&reader, values) : nil
        person.counsel = flags & (1 << 6) != 0 ? try string(&reader, values) : nil
        person.closedOn = flags & (1 << 7) != 0 ? try day(&reader) : nil
    }

    /// Skips a case's header, returning the number of its family unit (if any).
    static func skipHeader(_ reader: inout ByteReader, stringCount: Int, listCount: Int) throws(CaseloadImageError) -> UInt32? {
        let idLength = try reader.count(atMost: maxIdentifier)
        _ = try reader.bytes(idLength)
        let flags = try reader.byte()
        guard (flags >> 2) & 3 != 3 else { throw CaseloadImageError("a flag at byte \(reader.position) has no meaning") }
        _ = try reader.count(atMost: listCount - 1)
        if flags & (1 << 4) != 0 { _ = try reader.signed() }
        var unit: UInt32?
        if flags & (1 << 5) != 0 { unit = UInt32(try reader.count(atMost: stringCount - 1)) }
        if flags & (1 << 6) != 0 { _ = try reader.count(atMost: stringCount - 1) }
        if flags & (1 << 7) != 0 { _ = try day(&reader) }
        return unit
    }

    /// Walks one whole case without building anything, checking every byte as ``decode`` would
    /// read it (kinds, flags, enumerations, table numbers, days): after it succeeds, decoding
    /// the case cannot fail. How an image is checked whole at a fraction of a decode's cost.
    static func check(_ reader: inout ByteReader, stringCount: Int, listCount: Int) throws(CaseloadImageError) {
        _ = try skipHeader(&reader, stringCount: stringCount, listCount: listCount)
        let lastString = stringCount - 1
        let count = try reader.count(atMost: maxFacts)
        for _ in 0..<count {
            let tagByte = try reader.byte()
            guard let tag = Tag(rawValue: tagByte & 7) else { throw CaseloadImageError("unknown fact kind at byte \(reader.position - 1)") }
            func optionalString(_ bit: UInt8) throws(CaseloadImageError) { if tagByte & (1 << bit) != 0 { _ = try reader.count(atMost: lastString) } }
            switch tag {
            case .order:
                try checkDay(&reader)
                try optionalString(4)
            case .claim:
                guard Int(tagByte >> 3) < ClaimRecord.Kind.allCases.count, Int(try reader.byte()) < ClaimRecord.Status.allCases.count else {
                    throw CaseloadImageError("a claim at byte \(reader.position) has no meaning")
                }
                _ = try reader.count(atMost: lastString)
                try checkDay(&reader)
            case .designation:
                _ = try reader.count(atMost: lastString)
                try checkDay(&reader)
                try optionalString(3)
            case .notice:
                guard (tagByte >> 4) & 3 != 3, (tagByte >> 6) & 3 != 3 else {
                    throw CaseloadImageError("a flag at byte \(reader.position) has no meaning")
                }
                _ = try reader.count(atMost: lastString)
                _ = try reader.signed()
                try optionalString(3)
            case .fear:
                _ = try reader.count(atMost: lastString)
                try checkDay(&reader)
            case .screening:
                _ = try reader.count(atMost: lastString)
                try checkDay(&reader)
                try optionalString(4)
            case .disposition:
                guard Int(try reader.byte()) < DispositionRecord.Outcome.allCases.count else {
                    throw CaseloadImageError("a disposition at byte \(reader.position) has no meaning")
                }
                try checkDay(&reader)
                try optionalString(3)
                try optionalString(4)
                try optionalString(5)
            }
        }
    }

    @inline(__always)
    private static func checkDay(_ reader: inout ByteReader) throws(CaseloadImageError) { _ = try day(&reader) }

    private static func decodeFact(
        _ reader: inout ByteReader, values: InternedValues, caseID: CaseRecord.ID, into facts: inout CaseFacts
    ) throws(CaseloadImageError) {
        let tagByte = try reader.byte()
        guard let tag = Tag(rawValue: tagByte & 7) else { throw CaseloadImageError("unknown fact kind at byte \(reader.position - 1)") }
        switch tag {
        case .order:
            let on = try day(&reader)
            let designated = tagByte & (1 << 4) != 0 ? CountryCode(try string(&reader, values)) : nil
            facts.orders.append(OrderRecord(caseID: caseID, kind: tagByte & (1 << 3) != 0 ? .pending : .final, on: on, designatedCountry: designated))
        case .claim:
            let kind = try pick(ClaimRecord.Kind.allCases, Int(tagByte >> 3))
            let status = try pick(ClaimRecord.Status.allCases, Int(try reader.byte()))
            let against = CountryCode(try string(&reader, values))
            facts.claims.append(ClaimRecord(caseID: caseID, claim: kind, against: against, status: status, on: try day(&reader)))
        case .designation:
            let kind = try string(&reader, values)
            let on = try day(&reader)
            let basis = tagByte & (1 << 3) != 0 ? try string(&reader, values) : nil
            facts.designations.append(DesignationRecord(caseID: caseID, kind: kind, on: on, basis: basis))
        case .notice:
            let destination = CountryCode(try string(&reader, values))
            let served = Instant(epochMilliseconds: try reader.signed() &+ instantBase)
            let language = tagByte & (1 << 3) != 0 ? try string(&reader, values) : nil
            facts.notices.append(
                NoticeRecord(
                    caseID: caseID, destination: destination, servedOn: served, language: language,
                    counselNotified: try bool((tagByte >> 4) & 3), exigent: try bool((tagByte >> 6) & 3)))
        case .fear:
            let destination = CountryCode(try string(&reader, values))
            facts.fears.append(FearRecord(caseID: caseID, destination: destination, on: try day(&reader)))
        case .screening:
            let destination = CountryCode(try string(&reader, values))
            let on = try day(&reader)
            let standard = tagByte & (1 << 4) != 0 ? try string(&reader, values) : nil
            facts.screenings.append(
                ScreeningRecord(
                    caseID: caseID, destination: destination, outcome: tagByte & (1 << 3) != 0 ? .negative : .positive, on: on, standard: standard))
        case .disposition:
            let outcome = try pick(DispositionRecord.Outcome.allCases, Int(try reader.byte()))
            let on = try day(&reader)
            let to = tagByte & (1 << 3) != 0 ? CountryCode(try string(&reader, values)) : nil
            let facility = tagByte & (1 << 4) != 0 ? try string(&reader, values) : nil
            let source = tagByte & (1 << 5) != 0 ? try string(&reader, values) : nil
            facts.dispositions.append(DispositionRecord(caseID: caseID, outcome: outcome, on: on, to: to, facility: facility, source: source))
        }
    }

    @inline(__always)
    private static func string(_ reader: inout ByteReader, _ values: InternedValues) throws(CaseloadImageError) -> String {
        let number = try reader.varint()
        guard number < UInt64(values.strings.count) else {
            throw CaseloadImageError("string \(number) at byte \(reader.position) is not in the table")
        }
        return values.strings[Int(number)]
    }

    @inline(__always)
    private static func list(_ reader: inout ByteReader, _ values: InternedValues) throws(CaseloadImageError) -> [CountryCode] {
        let number = try reader.varint()
        guard number < UInt64(values.lists.count) else { throw CaseloadImageError("list \(number) at byte \(reader.position) is not in the table") }
        return values.lists[Int(number)]
    }

    @inline(__always)
    private static func day(_ reader: inout ByteReader) throws(CaseloadImageError) -> Day {
        let value = try reader.signed() &+ dayBase
        guard let days = Int32(exactly: value) else { throw CaseloadImageError("a day at byte \(reader.position) is out of range") }
        return Day(daysSinceEpoch: days)
    }

    @inline(__always)
    private static func bool(_ bits: UInt8) throws(CaseloadImageError) -> Bool? {
        switch bits {
        case 0: return nil
        case 1: return false
        case 2: return true
        default: throw CaseloadImageError("a flag has no meaning")
        }
    }

    @inline(__always)
    private static func pick<T>(_ all: [T], _ index: Int) throws(CaseloadImageError) -> T {
        guard all.indices.contains(index) else { throw CaseloadImageError("value \(index) has no meaning") }
        return all[index]
    }
}
