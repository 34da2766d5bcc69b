/// One thing wrong with a scenario or a request, located by its JSON path
/// (`arrangements[2].capacityPerMonth`), or the empty path for the document as a whole.
public struct ScenarioProblem: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `arrangements[2].capacityPerMonth: must not be negative`.
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Why a simulation was refused or stopped. `description` is safe to show to anyone: it names
/// paths and limits, never more of the input than an offending code.
public struct SimulationError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A stable machine-readable code.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The scenario is not valid JSON, or breaks the model's rules; see ``SimulationError/problems``.
        public static let invalidScenario = Code(rawValue: "invalid-scenario")
        /// The scenario is valid but larger than the caller's ``SimulationLimits`` allow.
        public static let scenarioTooLarge = Code(rawValue: "scenario-too-large")
        /// The run count or another argument is out of range.
        public static let invalidRequest = Code(rawValue: "invalid-request")
        /// The replications did not finish within the time limit.
        public static let timeLimitExceeded = Code(rawValue: "time-limit-exceeded")
        /// The caller stopped waiting (a page request that went away).
        public static let cancelled = Code(rawValue: "cancelled")
        /// No bundled scenario has this name.
        public static let unknownScenario = Code(rawValue: "unknown-scenario")
    }

    public var code: Code
    /// Every problem found, each naming its JSON path.
    public var problems: [ScenarioProblem]
    /// A one-line summary.
    public var summary: String

    public init(code: Code, summary: String, problems: [ScenarioProblem] = []) {
        self.code = code
        self.summary = summary
        self.problems = problems
    }

    /// The summary, then one problem per line.
    public var description: String {
        ([summary] + problems.map { "  " + $0.description }).joined(separator: "\n")
    }

    public var debugDescription: String { "SimulationError(\(code)): \(description)" }
}
