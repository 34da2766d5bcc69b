import CorridorDomain
import CorridorStore

/// One change to the network that people who follow it want to hear about: a new arrangement,
/// a status change, a reported figure, a court order or its lift. Each is dated by its record
/// (not by when Corridor learned of it) and cites its source.
public struct NetworkChange: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case arrangement
        case status = "arrangement-status"
        case reportedFigure = "reported-figure"
        case courtOrder = "court-order"
        case courtOrderLift = "court-order-lift"
    }

    /// A source the change cites: a title, and a link when the record gives one.
    public struct Source: Sendable, Equatable {
        public var title: String
        public var url: String?
    }

    public var kind: Kind
    /// Stable for the same fact whatever the store: built from the records' own ids and
    /// contents (`us-slv-cecot-2025/status/active/2025-03-15`), never from log positions, which
    /// change when records are exported and imported again.
    public var key: String
    /// The record's date: a status change's `on`, a figure's `asOf`, an order's `issuedOn`, a
    /// lift's `on`; for a new arrangement, its first status (else its earliest dated source).
    public var day: Day
    /// Where the record sits in this store's log (orders changes of the same day).
    public var seq: Int64
    public var title: String
    public var summary: String
    public var arrangement: ArrangementRecord.ID?
    public var courtOrder: CourtOrderRecord.ID?
    /// What the change cites; the first is its own source where the record names one (a status
    /// change that names none cites its arrangement's sources).
    public var sources: [Source]
}

/// The changes of the network, built from its records (`EventStore.networkEvents()`).
public enum NetworkChanges {
    /// Every change, newest first. For the public: an order's scope names no case, only how
    /// many it names.
    public static func of(_ events: [Event]) throws -> [NetworkChange] {
        var network = Network()
        var arrangementSeq: [ArrangementRecord.ID: Int64] = [:]
        var statusEvents: [(ArrangementStatusRecord, Int64)] = []
        var orderSeq: [CourtOrderRecord.ID: Int64] = [:], liftSeq: [CourtOrderRecord.ID: Int64] = [:]
        var recordedDay: [ArrangementRecord.ID: Day] = [:]
        for event in events {
            let record = try event.record()
            network.apply(record)
            switch record {
            case .arrangement(let a): arrangementSeq[a.id] = event.seq; recordedDay[a.id] = event.recordedAt.day
            case .arrangementStatus(let s): statusEvents.append((s, event.seq))
            case .courtOrder(let o): orderSeq[o.id] = event.seq
            case .courtOrderLift(let l): liftSeq[l.id] = event.seq
            default: break
            }
        }
        var changes: [NetworkChange] = []
        var keys: [String: Int] = [:]
        func add(_ change: NetworkChange) {
            var change = change
            // The same fact recorded twice (same arrangement, status and day) stays two entries.
            let seen = keys[change.key, default: 0]
            keys[change.key] = seen + 1
            if seen > 0 { change.key += "/\(seen + 1)" }
            changes.append(change)
        }

        for arrangement in network.sortedArrangements {
            let id = arrangement.id
            let name = arrangement.name ?? id.rawValue
            let sources = arrangement.sources.map { NetworkChange.Source(title: $0.title, url: $0.url) }
            let history = network.statusHistory[id] ?? []
            let day = history.first?.on ?? arrangement.sources.compactMap(\.date).min() ?? recordedDay[id] ?? Day(daysSinceEpoch: 0)
            var summary =
                "\(name): a \(arrangement.kind.rawValue) arrangement under which \(network.countryName(arrangement.removingState)) "
                + "sends people to \(network.countryName(arrangement.partner))."
            if let payment = arrangement.terms.payment {
                let parts = [payment.lumpSumUSD.map { "a lump sum of \(dollars($0))" }, payment.perPersonUSD.map { "\(dollars($0)) per person" }]
                    .compactMap { $0 }
                if !parts.isEmpty { summary += " Reported payment: " + parts.joined(separator: " and ") + "." }
            }
            if let capacity = arrangement.terms.capacityTotal { summary += " Capacity: \(capacity.grouped) people." }
            // An arrangement known only from a summary of talks cites where its statuses come from.
            var statusSources: [NetworkChange.Source] = []
            for text in history.compactMap(\.source) where !statusSources.contains(where: { $0.title == text }) {
                statusSources.append(NetworkChange.Source(title: text, url: nil))
            }
            add(
                NetworkChange(
                    kind: .arrangement, key: "arrangement/\(id.rawValue)", day: day, seq: arrangementSeq[id] ?? 0,
                    title:
                        "New arrangement: \(name) (\(network.countryName(arrangement.removingState)) → \(network.countryName(arrangement.partner)))",
                    summary: summary, arrangement: id, courtOrder: nil, sources: sources.isEmpty ? statusSources : sources))

            var figureKeys: [String: Int] = [:]
            for figure in arrangement.reported {
                let base = "arrangement/\(id.rawValue)/reported/\(figure.metric)/\(figure.asOf)"
                let n = figureKeys[base, default: 0] + 1
                figureKeys[base] = n
                let value = figure.value == figure.value.rounded() && abs(figure.value) < 1e15 ? Int(figure.value).grouped : String(figure.value)
                var summary = "\(name): \(figure.metric) \(value) as of \(figure.asOf)"
                if let note = figure.note { summary += " (\(note))" }
                if figure.conflict { summary += ". Other reporting gives a different figure" }
                add(
                    NetworkChange(
                        kind: .reportedFigure, key: base + "/\(n)", day: figure.asOf, seq: arrangementSeq[id] ?? 0,
                        title: "\(name): \(figure.metric) \(value) as of \(figure.asOf)", summary: summary + ".",
                        arrangement: id, courtOrder: nil, sources: cited(figure.source, in: sources)))
            }
        }

        for (status, seq) in statusEvents {
            guard let arrangement = network.arrangements[status.arrangement] else { continue }
            let name = arrangement.name ?? arrangement.id.rawValue
            var summary = "\(name) is \(status.status.rawValue) from \(status.on)."
            if let reason = status.reason { summary += " \(reason)" }
            let sources = arrangement.sources.map { NetworkChange.Source(title: $0.title, url: $0.url) }
            add(
                NetworkChange(
                    kind: .status, key: "arrangement/\(arrangement.id.rawValue)/status/\(status.status.rawValue)/\(status.on)",
                    day: status.on, seq: seq, title: "\(name): \(status.status.rawValue) on \(status.on)", summary: summary,
                    arrangement: arrangement.id, courtOrder: nil, sources: status.source.map { cited($0, in: sources) } ?? sources))
        }

        for order in network.courtOrders.values {
            let citation = NetworkChange.Source(title: "\(order.court), \(order.citation)", url: nil)
            add(
                NetworkChange(
                    kind: .courtOrder, key: "court-order/\(order.id.rawValue)", day: order.issuedOn, seq: orderSeq[order.id] ?? 0,
                    title: "Court order \(order.id.rawValue): \(order.court), \(order.citation)",
                    summary:
                        "Issued \(order.issuedOn)\(order.expiresOn.map { ", expires \($0)" } ?? ""). Scope: \(scope(order, network: network)). Effect: \(effect(order)).",
                    arrangement: nil, courtOrder: order.id, sources: [citation]))
            if let lift = network.courtOrderLifts[order.id] {
                add(
                    NetworkChange(
                        kind: .courtOrderLift, key: "court-order/\(order.id.rawValue)/lift", day: lift.on, seq: liftSeq[order.id] ?? 0,
                        title: "Court order \(order.id.rawValue) lifted on \(lift.on)",
                        summary: "\(order.court), \(order.citation): no longer in force from \(lift.on).\(lift.reason.map { " \($0)" } ?? "")",
                        arrangement: nil, courtOrder: order.id, sources: [citation]))
            }
        }
        return changes.sorted { ($0.day, $0.seq, $0.key) > ($1.day, $1.seq, $1.key) }
    }

    /// The sources a citation names: a record's source text ("[S15] rtvslo.si …; [S16] AILA …")
    /// first, then each of the arrangement's sources it refers to by its `[S…]` tag, with links.
    static func cited(_ text: String, in sources: [NetworkChange.Source]) -> [NetworkChange.Source] {
        // A citation that is exactly one of the sources' titles is that source, with its link.
        if let same = sources.first(where: { $0.title == text }) { return [same] }
        var out = [NetworkChange.Source(title: text, url: nil)]
        for source in sources {
            guard let tag = tag(source.title), text.contains(tag), source.url != nil else { continue }
            out.append(source)
        }
        return out
    }

    /// The `[S15]` that begins a source's title, if any.
    public static func tag(_ title: String) -> Substring? {
        guard title.hasPrefix("["), let close = title.firstIndex(of: "]") else { return nil }
        return title[...close]
    }

    static func scope(_ order: CourtOrderRecord, network: Network) -> String {
        var parts: [String] = []
        if let cases = order.scope.cases { parts.append(cases.count == 1 ? "1 named person" : "\(cases.count) named people") }
        if let n = order.scope.nationalities { parts.append("nationalities " + n.map { network.countryName($0) }.joined(separator: ", ")) }
        if let d = order.scope.designations { parts.append("designations " + d.joined(separator: ", ")) }
        if let d = order.scope.destinations { parts.append("destinations " + d.map { network.countryName($0) }.joined(separator: ", ")) }
        if order.scope.thirdCountryOnly == true { parts.append("third-country transfers only") }
        if let p = order.scope.pathways { parts.append("pathways " + p.map(\.rawValue).joined(separator: ", ")) }
        return parts.isEmpty ? "everyone" : parts.joined(separator: "; ")
    }

    static func effect(_ order: CourtOrderRecord) -> String {
        switch order.effect {
        case .block: "blocks transfer"
        case .noticeDays(let days): "requires \(days) days' notice"
        }
    }

    static func dollars(_ value: Double) -> String { "$" + Int(value.rounded()).grouped }
}
