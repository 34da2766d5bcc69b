import CorridorDomain

/// What public sources report about each arrangement — people transferred, onward returns,
/// payments, total costs — and the figures derived from them (cost per person moved,
/// onward-return rate), each with the citations it rests on. Computed from the arrangements'
/// `reported` entries alone; it never mixes in what the store recorded.
///
/// How a metric's entries become one figure (the codebook states the same rules):
/// - entries marked `conflict` (sources disagree) give a range from the lowest to the highest
///   value, citing every one of them, unless a later unmarked entry supersedes them;
/// - otherwise the entries with the latest as-of date count: counts that differ give a range,
///   money at the same date is added up (the parts of one deal, as Palau's grant, pension
///   and law-enforcement money);
/// - money stays in the currency it was reported in (`payment-usd`, `payment-gbp`): nothing is
///   converted, so no exchange rate is assumed, and totals in US dollars leave out the rest.
public struct ReportedFigures: Sendable {
    /// One source's statement behind a figure.
    public struct Citation: Sendable, Equatable {
        public var metric: String
        public var value: Double
        public var asOf: Day
        public var source: String
        public var note: String?
    }

    /// A reported figure: one value, or a range where sources disagree.
    public struct Figure: Sendable, Equatable {
        public var low: Double
        public var high: Double
        public var asOf: Day
        public var citations: [Citation]

        public var isRange: Bool { low != high }

        /// "945" or "939–945", formatted by `format`.
        public func text(_ format: (Double) -> String) -> String {
            isRange ? "\(format(low))–\(format(high))" : format(low)
        }

        /// The sources, for a hover title or a note: "[S22] Seattle Times … (as of 2020-03-16); …".
        public var sourcesText: String {
            var seen: [String] = []
            for c in citations where !seen.contains(c.source) { seen.append(c.source) }
            return seen.joined(separator: "; ") + " (as of \(asOf))"
        }

        /// The sources in a line short enough to print beside a figure: every source when there
        /// are one or two, else how many there are and the latest as-of date (the full list goes
        /// in a hover title and the downloads).
        public var sourcesSummary: String {
            let distinct = Set(citations.map(\.source))
            return distinct.count <= 2 ? sourcesText : "\(distinct.count) public sources, latest as of \(asOf)"
        }

        static func sum(_ a: Figure?, _ b: Figure?) -> Figure? {
            guard let a else { return b }
            guard let b else { return a }
            return Figure(low: a.low + b.low, high: a.high + b.high, asOf: max(a.asOf, b.asOf), citations: a.citations + b.citations)
        }
    }

    /// An amount of money in the currency its source used.
    public struct Money: Sendable, Equatable {
        public var currency: String
        public var figure: Figure
    }

    /// One arrangement's reported figures.
    public struct Line: Sendable {
        public var arrangement: ArrangementRecord.ID
        public var partner: CountryCode
        public var removingState: CountryCode
        public var name: String
        public var peopleMoved: Figure?
        public var onwardReturns: Figure?
        public var flights: Figure?
        /// Paid (or committed) to the partner, per currency.
        public var payments: [Money] = []
        /// All spending on the arrangement reported by a source (payments, flights, detention …), per currency.
        public var totalCosts: [Money] = []
        /// Money for a wider programme than this arrangement (shown, never divided by its people).
        public var programmePayments: [Money] = []
        /// What the partner gets besides money.
        public var benefits: [ArrangementRecord.Benefit] = []

        /// Cost per person moved, per currency: the reported total cost where there is one, else
        /// the payments, over the people reported moved (the lowest cost over the most people to
        /// the highest over the fewest). Nil where nobody is reported moved.
        public var costPerPersonMoved: [Money] {
            guard let people = peopleMoved, people.high > 0 else { return [] }
            var out: [Money] = []
            for currency in Set((totalCosts + payments).map(\.currency)).sorted() {
                guard let basis = totalCosts.first(where: { $0.currency == currency }) ?? payments.first(where: { $0.currency == currency }) else {
                    continue
                }
                out.append(
                    Money(
                        currency: currency,
                        figure: Figure(
                            low: basis.figure.low / people.high, high: basis.figure.high / max(people.low, 1),
                            asOf: max(basis.figure.asOf, people.asOf),
                            citations: basis.figure.citations + people.citations)))
            }
            return out
        }

        /// Reported onward returns over reported people moved, as a range (nil without both).
        public var onwardReturnRate: (low: Double, high: Double)? {
            guard let people = peopleMoved, let onward = onwardReturns, people.high > 0 else { return nil }
            return (min(1, onward.low / people.high), min(1, onward.high / max(people.low, 1)))
        }

        /// Paid to the partner, though nobody is reported moved.
        public var paidNobodyMoved: Bool {
            !payments.isEmpty && (peopleMoved?.high ?? 0) == 0
        }
    }

    public var lines: [Line]

    /// Lines with any reported people, returns or money, in the network's order.
    public var withFigures: [Line] {
        lines.filter {
            $0.peopleMoved != nil || $0.onwardReturns != nil || !$0.payments.isEmpty || !$0.totalCosts.isEmpty || !$0.programmePayments.isEmpty
        }
    }

    public func line(_ id: ArrangementRecord.ID) -> Line? { lines.first { $0.arrangement == id } }

    /// People reported moved under every arrangement of `removingState` (all when nil).
    public func peopleMoved(removingState: CountryCode? = nil) -> Figure? {
        lines.filter { removingState == nil || $0.removingState == removingState }.reduce(nil) { Figure.sum($0, $1.peopleMoved) }
    }

    /// Onward returns reported under every arrangement of `removingState` (all when nil).
    public func onwardReturns(removingState: CountryCode? = nil) -> Figure? {
        lines.filter { removingState == nil || $0.removingState == removingState }.reduce(nil) { Figure.sum($0, $1.onwardReturns) }
    }

    /// The paid arrangements in one currency: every arrangement with a payment reported in it,
    /// their payments added up, their reported people added up (none counts as 0), and the cost
    /// per person moved over all of them (money paid where nobody moved included).
    public struct PaidTotal: Sendable {
        public var currency: String
        public var arrangements: [ArrangementRecord.ID]
        public var payments: Figure
        public var peopleMoved: Figure
        public var costPerPersonMoved: Figure? {
            guard peopleMoved.high > 0 else { return nil }
            return Figure(
                low: payments.low / peopleMoved.high, high: payments.high / max(peopleMoved.low, 1),
                asOf: max(payments.asOf, peopleMoved.asOf), citations: payments.citations + peopleMoved.citations)
        }
    }

    public func paidTotal(currency: String = "USD") -> PaidTotal? {
        var payments: Figure?
        var people: Figure?
        var ids: [ArrangementRecord.ID] = []
        for line in lines {
            guard let paid = line.payments.first(where: { $0.currency == currency }) else { continue }
            ids.append(line.arrangement)
            payments = Figure.sum(payments, paid.figure)
            people = Figure.sum(people, line.peopleMoved ?? Figure(low: 0, high: 0, asOf: paid.figure.asOf, citations: []))
        }
        guard let payments, let people else { return nil }
        return PaidTotal(currency: currency, arrangements: ids, payments: payments, peopleMoved: people)
    }

    public init(network: Network) {
        lines = network.sortedArrangements.map(Self.line)
    }

    static func line(_ a: ArrangementRecord) -> Line {
        var line = Line(arrangement: a.id, partner: a.partner, removingState: a.removingState, name: a.name ?? a.id.rawValue)
        line.peopleMoved = figure(a.reported, metric: "people-transferred", money: false)
        line.onwardReturns = figure(a.reported, metric: "people-returned-onward", money: false)
        line.flights = figure(a.reported, metric: "flights", money: false)
        func money(_ prefix: String) -> [Money] {
            let currencies = Set(
                a.reported.compactMap { r -> String? in
                    guard r.metric.hasPrefix(prefix + "-") else { return nil }
                    let currency = r.metric.dropFirst(prefix.count + 1)
                    return currency.count == 3 ? currency.uppercased() : nil
                })
            return currencies.sorted().compactMap { currency in
                figure(a.reported, metric: "\(prefix)-\(currency.lowercased())", money: true).map { Money(currency: currency, figure: $0) }
            }
        }
        line.payments = money("payment")
        line.totalCosts = money("total-cost")
        line.programmePayments = money("programme-payment")
        line.benefits = a.terms.benefits
        return line
    }

    /// One metric's entries as one figure, by the rules in the type's documentation.
    static func figure(_ reported: [ArrangementRecord.ReportedFigure], metric: String, money: Bool) -> Figure? {
        let entries = reported.filter { $0.metric == metric }
        guard !entries.isEmpty else { return nil }
        func citation(_ r: ArrangementRecord.ReportedFigure) -> Citation {
            Citation(metric: r.metric, value: r.value, asOf: r.asOf, source: r.source, note: r.note)
        }
        let conflicting = entries.filter(\.conflict)
        let plain = entries.filter { !$0.conflict }
        let latestPlain = plain.map(\.asOf).max()
        if let latestConflict = conflicting.map(\.asOf).max(), latestPlain.map({ latestConflict >= $0 }) ?? true {
            let values = conflicting.map(\.value)
            return Figure(low: values.min()!, high: values.max()!, asOf: latestConflict, citations: conflicting.map(citation))
        }
        guard let latest = latestPlain else { return nil }
        let current = plain.filter { $0.asOf == latest }
        let values = current.map(\.value)
        if money {
            let total = values.reduce(0, +)
            return Figure(low: total, high: total, asOf: latest, citations: current.map(citation))
        }
        return Figure(low: values.min()!, high: values.max()!, asOf: latest, citations: current.map(citation))
    }
}

extension ReportedFigures.Money {
    /// "$4.8M", "£290.0M", "$18,889" — in the currency it was reported in.
    public var symbol: String {
        switch currency {
        case "USD": "$"
        case "GBP": "£"
        case "EUR": "€"
        default: currency + " "
        }
    }

    public func text() -> String { figure.text { ReportedFigures.amount($0, symbol: symbol) } }
}

extension ReportedFigures {
    /// A sum of money for people: millions with one decimal, else whole units, grouped.
    public static func amount(_ value: Double, symbol: String) -> String {
        if value >= 1_000_000 {
            let tenths = (value / 100_000).rounded() / 10
            return symbol + (tenths == tenths.rounded() ? "\(Int(tenths))" : "\(tenths)") + "M"
        }
        return symbol + value.groupedWhole
    }

    /// A count for people: whole, grouped.
    public static func count(_ value: Double) -> String { value.groupedWhole }
}
