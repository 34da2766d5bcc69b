import CorridorDomain

/// One table of the public report, as every format writes it (CSV, JSON, text, HTML): named
/// columns, each with the definition, caveats and sources the codebook prints, and rows of
/// cells. No row is about one person.
public struct PublicTable: Sendable {
    public struct Column: Sendable {
        public enum Kind: String, Sendable {
            /// Free text (a name, a code, a list of sources).
            case text
            /// A count of people from this store's records: 1–4 shown as "<5", and cells whose
            /// value could be worked out from others shown as "suppressed".
            case recordedCount = "recorded-count"
            /// A number from this store's records that is not a count of people (seats, money, a rate).
            case recordedNumber = "recorded-number"
            /// A figure public sources report: already public, never suppressed.
            case reported
            /// A date (YYYY-MM-DD or YYYY-MM).
            case date
        }

        public var name: String
        public var kind: Kind
        public var definition: String
        public var caveats: String
        public var sources: String

        public init(_ name: String, _ kind: Kind, _ definition: String, caveats: String = "", sources: String = "") {
            self.name = name
            self.kind = kind
            self.definition = definition
            self.caveats = caveats
            self.sources = sources
        }
    }

    public enum Cell: Sendable, Equatable {
        case text(String)
        case integer(Int)
        case decimal(Double, places: Int)
        /// A count from 1 to 4.
        case small
        /// A count hidden because it could otherwise be worked out from totals or other cells.
        case suppressed
        /// A rate or cost computed from a suppressed count.
        case withheld
        /// Nothing to show (no figure, not applicable).
        case empty

        /// The cell as CSV and text show it.
        public var text: String {
            switch self {
            case .text(let s): s
            case .integer(let n): String(n)
            case .decimal(let d, let places): Self.fixed(d, places)
            case .small: "<\(PublicReport.threshold)"
            case .suppressed: "suppressed"
            case .withheld: "withheld"
            case .empty: ""
            }
        }

        /// The cell as a page shows it: counts and whole sums grouped ("1,266").
        public var display: String {
            switch self {
            case .integer(let n): n.grouped
            case .decimal(let d, 0): d.groupedWhole
            default: text
            }
        }

        /// The cell as JSON shows it: numbers as numbers, suppression as its marker string, nothing as null.
        public var json: JSONValue {
            switch self {
            case .text(let s): .string(s)
            case .integer(let n): .number(Double(n))
            case .decimal(let d, let places):
                d.isFinite ? .number((d * pow10(places)).rounded() / pow10(places)) : .null
            case .small, .suppressed, .withheld: .string(text)
            case .empty: .null
            }
        }

        private func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { acc, _ in acc * 10 } }

        /// `value` with exactly `places` decimals ("0.59", "18888.89"); empty when not finite.
        static func fixed(_ value: Double, _ places: Int) -> String {
            guard value.isFinite, abs(value) < 1e15 else { return "" }
            let scale = (0..<places).reduce(1.0) { acc, _ in acc * 10 }
            let scaled = Int64((abs(value) * scale).rounded())
            let whole = scaled / Int64(scale), fraction = scaled % Int64(scale)
            var text = (value < 0 && scaled != 0 ? "-" : "") + String(whole)
            if places > 0 {
                let digits = String(fraction)
                text += "." + String(repeating: "0", count: places - digits.count) + digits
            }
            return text
        }
    }

    /// File name without extension (`arrangements` → `arrangements.csv`).
    public var name: String
    public var title: String
    public var description: String
    public var columns: [Column]
    public var rows: [[Cell]]

    public init(name: String, title: String, description: String, columns: [Column], rows: [[Cell]] = []) {
        self.name = name
        self.title = title
        self.description = description
        self.columns = columns
        self.rows = rows
    }

    public func column(_ name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// The cell in `row` under column `name`.
    public func cell(_ row: Int, _ name: String) -> Cell? { column(name).map { rows[row][$0] } }

    /// The first row whose column `key` holds `value`.
    public func row(where key: String, is value: String) -> Int? {
        guard let k = column(key) else { return nil }
        return rows.firstIndex { $0[k] == .text(value) }
    }
}
