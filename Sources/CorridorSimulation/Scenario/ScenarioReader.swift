import CorridorDomain

/// Reads a scenario out of parsed JSON, collecting every problem instead of stopping at the
/// first, so a scenario author sees all of them at once, each with its JSON path.
///
/// Unknown fields are problems too (a misspelt `capacityPerMonht` silently ignored would change
/// the answer). The only fields beyond the model's (docs/simulation.md) are the informational `name` and
/// `description` at the top level and `id` in `policy`.
struct ScenarioReader {
    private(set) var problems: [ScenarioProblem] = []

    /// The largest horizon accepted (100 years): daily series are kept for every day.
    static let maximumHorizonDays = 36_500
    /// People are indexed by 32-bit integers; this keeps far below that.
    static let maximumExpectedPeople = 500_000_000.0
    /// Searches use a 64-bit mask of arrangements.
    static let maximumArrangements = 64

    mutating func problem(_ path: String, _ message: String) {
        problems.append(ScenarioProblem(path: path, message: message))
    }

    // MARK: The document

    mutating func scenario(_ document: JSONValue) -> Scenario? {
        guard var root = object(document, at: "") else { return nil }
        let name = string(&root, "name", required: false)
        let description = string(&root, "description", required: false)
        let horizon = number(&root, "horizonDays", .whole(minimum: 1, maximum: Double(Self.maximumHorizonDays)))
        let backlog = number(&root, "initialBacklog", .whole(minimum: 0, maximum: Self.maximumExpectedPeople))
        let arrivals = number(&root, "arrivalsPerDay", .nonNegative)
        let homeSeats = number(&root, "homeSeatsPerDay", .whole(minimum: 0, maximum: Double(Int32.max)))
        let homeCost = number(&root, "homeCostPerPersonUSD", .nonNegative)
        let injunctions = self.injunctions(&root)
        let policy = self.policy(&root)
        let nationalities = self.nationalities(&root)
        let arrangements = self.arrangements(&root, nationalities: nationalities)
        finish(root)

        if let horizon, let backlog, let arrivals, backlog + arrivals * horizon > Self.maximumExpectedPeople {
            problem("arrivalsPerDay", "initialBacklog + arrivalsPerDay × horizonDays must be at most \(Int(Self.maximumExpectedPeople))")
        }
        guard problems.isEmpty, let horizon, let backlog, let arrivals, let homeSeats, let homeCost, let injunctions, let policy,
            let nationalities, let arrangements
        else { return nil }
        return Scenario(
            name: name, description: description, horizonDays: Int(horizon), initialBacklog: Int(backlog), arrivalsPerDay: arrivals,
            homeSeatsPerDay: Int(homeSeats), homeCostPerPersonUSD: homeCost, injunctions: injunctions, policy: policy,
            nationalities: nationalities, arrangements: arrangements)
    }

    private mutating func injunctions(_ root: inout Fields) -> Scenario.Injunctions? {
        guard var fields = nestedObject(&root, "injunctions") else { return nil }
        let rate = number(&fields, "ratePerYear", .nonNegative)
        let mean = number(&fields, "meanDays", .nonNegative)
        finish(fields)
        guard let rate, let mean else { return nil }
        return Scenario.Injunctions(ratePerYear: rate, meanDays: mean)
    }

    private mutating func policy(_ root: inout Fields) -> Scenario.Policy? {
        guard var fields = nestedObject(&root, "policy") else { return nil }
        let id = string(&fields, "id", required: false)
        let notice = number(&fields, "noticeDays", .nonNegative)
        let screening = number(&fields, "screeningDays", .nonNegative)
        let wait = number(&fields, "waitAfterNegativeDays", .nonNegative)
        let threshold = nullableNumber(&fields, "riskThreshold", .probability)
        let block = bool(&fields, "blockChainRefoulement")
        finish(fields)
        guard let notice, let screening, let wait, let threshold, let block else { return nil }
        return Scenario.Policy(
            id: id, noticeDays: notice, screeningDays: screening, waitAfterNegativeDays: wait, riskThreshold: threshold,
            blockChainRefoulement: block)
    }

    private mutating func nationalities(_ root: inout Fields) -> [Scenario.Nationality]? {
        guard let items = array(&root, "nationalities") else { return nil }
        if items.isEmpty { problem("nationalities", "must list at least one nationality") }
        var result: [Scenario.Nationality] = []
        var valid = true
        var seen: [String: Int] = [:]
        var shareSum = 0.0, sharesKnown = true
        for (index, item) in items.enumerated() {
            let path = "nationalities[\(index)]"
            guard var fields = object(item, at: path) else { valid = false; sharesKnown = false; continue }
            let code = country(&fields, "code")
            let share = number(&fields, "share", .probability)
            let acceptance = number(&fields, "acceptance", .probability)
            let docDays = number(&fields, "docDays", .nonNegative)
            let protected = number(&fields, "protectedShare", .probability)
            finish(fields)
            if let code {
                if let first = seen[code.rawValue] {
                    problem("\(path).code", "'\(code)' is already listed at nationalities[\(first)]")
                } else {
                    seen[code.rawValue] = index
                }
            }
            if let share { shareSum += share } else { sharesKnown = false }
            guard let code, let share, let acceptance, let docDays, let protected else { valid = false; continue }
            result.append(Scenario.Nationality(code: code, share: share, acceptance: acceptance, docDays: docDays, protectedShare: protected))
        }
        if sharesKnown, !items.isEmpty, abs(shareSum - 1) > 1e-6 {
            problem("nationalities", "shares must sum to 1 (they sum to \(Self.format((shareSum * 1e6).rounded() / 1e6)))")
        }
        return valid ? result : nil
    }

    private mutating func arrangements(_ root: inout Fields, nationalities: [Scenario.Nationality]?) -> [Scenario.Arrangement]? {
        guard let items = array(&root, "arrangements") else { return nil }
        if items.count > Self.maximumArrangements {
            problem("arrangements", "at most \(Self.maximumArrangements) arrangements are supported (found \(items.count))")
        }
        let known = nationalities.map { Set($0.map(\.code)) }
        var result: [Scenario.Arrangement] = []
        var valid = true
        var seen: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = "arrangements[\(index)]"
            guard var fields = object(item, at: path) else { valid = false; continue }
            let id = string(&fields, "id", required: true)
            if let id {
                if let first = seen[id] {
                    problem("\(path).id", "'\(id.prefix(64))' is already used by arrangements[\(first)]")
                } else {
                    seen[id] = index
                }
            }
            let partner = country(&fields, "partner")
            let accepts = acceptance(&fields, known: known)
            let start = number(&fields, "startDay", .nonNegative)
            let end = nullableNumber(&fields, "endDay", .nonNegative)
            let collapse = number(&fields, "collapsePerYear", .nonNegative)
            let capacity = number(&fields, "capacityPerMonth", .whole(minimum: 0, maximum: Double(Int32.max)))
            let every = number(&fields, "flightEveryDays", .positive)
            let seats = number(&fields, "seatsPerFlight", .whole(minimum: 0, maximum: Double(Int32.max)))
            let firstFlight = number(&fields, "firstFlightDay", .nonNegative)
            let fear = number(&fields, "fearRate", .probability)
            let positive = number(&fields, "positiveRate", .probability)
            let repatriation = number(&fields, "repatriationRate", .probability)
            let risk = number(&fields, "riskScore", .probability)
            let assurances = bool(&fields, "bindingAssurances")
            let lumpSum = number(&fields, "lumpSumUSD", .nonNegative)
            let perPerson = number(&fields, "costPerPersonUSD", .nonNegative)
            finish(fields)
            if let start, let end = end ?? nil, end <= start {
                problem("\(path).endDay", "must be after startDay (\(Self.format(start)))")
            }
            guard let id, let partner, let accepts, let start, let end, let collapse, let capacity, let every, let seats,
                let firstFlight, let fear, let positive, let repatriation, let risk, let assurances, let lumpSum, let perPerson
            else { valid = false; continue }
            result.append(
                Scenario.Arrangement(
                    id: Scenario.Arrangement.ID(id), partner: partner, accepts: accepts, startDay: start, endDay: end,
                    collapsePerYear: collapse, capacityPerMonth: Int(capacity), flightEveryDays: every, seatsPerFlight: Int(seats),
                    firstFlightDay: firstFlight, fearRate: fear, positiveRate: positive, repatriationRate: repatriation, riskScore: risk,
                    bindingAssurances: assurances, lumpSumUSD: lumpSum, costPerPersonUSD: perPerson))
        }
        return valid ? result : nil
    }

    /// `accepts`: `"any"` or a non-empty list of codes, at least one of them a nationality of
    /// the scenario (an arrangement nobody can use is almost certainly a typo).
    private mutating func acceptance(_ fields: inout Fields, known: Set<CountryCode>?) -> Scenario.Arrangement.Acceptance? {
        let path = fields.path("accepts")
        guard let value = fields.take("accepts") else { problem(path, "is required"); return nil }
        switch value {
        case .string("any"): return .any
        case .array(let items):
            if items.isEmpty { problem(path, "must be \"any\" or list at least one nationality"); return nil }
            var codes: [CountryCode] = []
            var valid = true
            for (index, item) in items.enumerated() {
                guard let code = countryCode(item, at: "\(path)[\(index)]") else { valid = false; continue }
                if codes.contains(code) { problem("\(path)[\(index)]", "'\(code)' is listed twice"); valid = false; continue }
                codes.append(code)
            }
            guard valid else { return nil }
            if let known, !codes.contains(where: known.contains) {
                problem(path, "accepts no nationality of the scenario (lists \(codes.map(\.rawValue).joined(separator: ", ")))")
                return nil
            }
            return .only(codes)
        default:
            problem(path, "must be \"any\" or an array of nationality codes, got \(Self.describe(value))")
            return nil
        }
    }

    // MARK: Fields

    /// The fields of one JSON object, remembering which were read.
    struct Fields {
        let prefix: String
        var remaining: [String: JSONValue]

        func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

        mutating func take(_ key: String) -> JSONValue? { remaining.removeValue(forKey: key) }
    }

    enum NumberRule {
        case nonNegative, positive, probability
        case whole(minimum: Double, maximum: Double)
    }

    private mutating func object(_ value: JSONValue, at path: String) -> Fields? {
        guard case .object(let object) = value else {
            problem(path, "expected an object, got \(Self.describe(value))")
            return nil
        }
        return Fields(prefix: path, remaining: object)
    }

    private mutating func nestedObject(_ fields: inout Fields, _ key: String) -> Fields? {
        guard let value = fields.take(key) else { problem(fields.path(key), "is required"); return nil }
        return object(value, at: fields.path(key))
    }

    private mutating func array(_ fields: inout Fields, _ key: String) -> [JSONValue]? {
        guard let value = fields.take(key) else { problem(fields.path(key), "is required"); return nil }
        guard case .array(let items) = value else {
            problem(fields.path(key), "expected an array, got \(Self.describe(value))")
            return nil
        }
        return items
    }

    private mutating func finish(_ fields: Fields) {
        for key in fields.remaining.keys.sorted() { problem(fields.path(key), "unknown field") }
    }

    private mutating func string(_ fields: inout Fields, _ key: String, required: Bool) -> String? {
        let path = fields.path(key)
        guard let value = fields.take(key), value != .null else {
            if required { problem(path, "is required") }
            return nil
        }
        guard case .string(let string) = value, !string.isEmpty else {
            problem(path, "expected a non-empty string, got \(Self.describe(value))")
            return nil
        }
        guard string.utf8.count <= 4096 else { problem(path, "must be at most 4096 bytes"); return nil }
        return string
    }

    private mutating func bool(_ fields: inout Fields, _ key: String) -> Bool? {
        let path = fields.path(key)
        guard let value = fields.take(key) else { problem(path, "is required"); return nil }
        guard case .bool(let bool) = value else { problem(path, "expected true or false, got \(Self.describe(value))"); return nil }
        return bool
    }

    private mutating func country(_ fields: inout Fields, _ key: String) -> CountryCode? {
        guard let value = fields.take(key) else { problem(fields.path(key), "is required"); return nil }
        return countryCode(value, at: fields.path(key))
    }

    private mutating func countryCode(_ value: JSONValue, at path: String) -> CountryCode? {
        guard case .string(let string) = value else {
            problem(path, "expected an ISO 3166-1 alpha-3 code, got \(Self.describe(value))")
            return nil
        }
        guard ISO3166.isValid(string) else {
            problem(path, "'\(string.prefix(16))' is not an ISO 3166-1 alpha-3 code (three capital letters, e.g. SLV)")
            return nil
        }
        return CountryCode(string)
    }

    /// A required number, checked against `rule`.
    private mutating func number(_ fields: inout Fields, _ key: String, _ rule: NumberRule) -> Double? {
        guard let value = fields.take(key) else { problem(fields.path(key), "is required"); return nil }
        return checkedNumber(value, at: fields.path(key), rule)
    }

    /// A number or null (absent means null). `.some(nil)` is a valid null; `nil` is a problem.
    private mutating func nullableNumber(_ fields: inout Fields, _ key: String, _ rule: NumberRule) -> Double?? {
        guard let value = fields.take(key), value != .null else { return .some(nil) }
        guard let number = checkedNumber(value, at: fields.path(key), rule) else { return nil }
        return .some(number)
    }

    private mutating func checkedNumber(_ value: JSONValue, at path: String, _ rule: NumberRule) -> Double? {
        guard case .number(let number) = value else {
            problem(path, "expected a number, got \(Self.describe(value))")
            return nil
        }
        switch rule {
        case .nonNegative:
            if number < 0 { problem(path, "must not be negative"); return nil }
        case .positive:
            if number <= 0 { problem(path, "must be positive"); return nil }
        case .probability:
            if number < 0 || number > 1 { problem(path, "must be between 0 and 1"); return nil }
        case .whole(let minimum, let maximum):
            if minimum == 0, number < 0 { problem(path, "must not be negative"); return nil }
            if number != number.rounded() { problem(path, "must be a whole number"); return nil }
            if number < minimum { problem(path, "must be at least \(Self.format(minimum))"); return nil }
            if number > maximum { problem(path, "must be at most \(Self.format(maximum))"); return nil }
        }
        return number
    }

    static func describe(_ value: JSONValue) -> String {
        if case .string(let string) = value { return "the string \"\(string.prefix(16))\"" }
        return value.typeDescription
    }

    static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
