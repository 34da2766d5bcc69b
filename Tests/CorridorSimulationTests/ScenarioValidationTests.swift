import CorridorDomain
import Testing

@testable import CorridorSimulation

struct ScenarioValidationTests {
    @Test("The reference scenario ships with the package and validates")
    func reference() throws {
        let scenario = try Scenario.reference
        #expect(scenario.name == "network-2025")
        #expect(scenario.horizonDays == 1_095 && scenario.initialBacklog == 100_000)
        #expect(scenario.nationalities.count == 11 && scenario.arrangements.count == 7)
        #expect(scenario.arrangements[1].endDay == 365 && scenario.arrangements[0].endDay == nil)
        #expect(scenario.arrangements[2].accepts == .any)
        #expect(scenario.policy.riskThreshold == nil && scenario.policy.id == "us-dvd-2025")
        #expect(try scenario.validated() == scenario)
        #expect(try Scenario(json: scenario.jsonValue.canonicalString) == scenario)
    }

    /// The reference document with `edit` applied.
    private func referenceDocument(_ edit: (inout [String: JSONValue]) -> Void) throws -> String {
        guard case .object(var root) = try Scenario.reference.jsonValue else { throw SimulationError(code: .invalidScenario, summary: "") }
        edit(&root)
        return JSONValue.object(root).canonicalString
    }

    private func problems(_ json: String) -> [String] {
        do {
            _ = try Scenario(json: json)
            return []
        } catch {
            #expect(error.code == .invalidScenario)
            return error.problems.map(\.description)
        }
    }

    @Test("Every problem is reported at once, each naming its JSON path")
    func allProblemsAtOnce() throws {
        let json = try referenceDocument { root in
            root["horizonDays"] = nil
            root["surprise"] = 1
            guard case .object(var injunctions) = root["injunctions"]!, case .object(var policy) = root["policy"]!,
                case .array(var nationalities) = root["nationalities"]!, case .array(var arrangements) = root["arrangements"]!
            else { return }
            injunctions["meanDays"] = -1
            policy["noticeDays"] = "ten"
            if case .object(var first) = nationalities[0] { first["share"] = 0.2; nationalities[0] = .object(first) }
            if case .object(var a) = arrangements[0] { a["fearRate"] = 1.5; arrangements[0] = .object(a) }
            if case .object(var a) = arrangements[1] { a["capacty"] = 5; a["accepts"] = ["CHE"]; arrangements[1] = .object(a) }
            if case .object(var a) = arrangements[2] { a["capacityPerMonth"] = -5; arrangements[2] = .object(a) }
            if case .object(var a) = arrangements[3] { a["endDay"] = 100; a["flightEveryDays"] = 0; arrangements[3] = .object(a) }
            root["injunctions"] = .object(injunctions)
            root["policy"] = .object(policy)
            root["nationalities"] = .array(nationalities)
            root["arrangements"] = .array(arrangements)
        }
        let found = problems(json)
        let expected = [
            "horizonDays: is required",
            "injunctions.meanDays: must not be negative",
            "policy.noticeDays: expected a number, got the string \"ten\"",
            "nationalities: shares must sum to 1 (they sum to 0.96)",
            "arrangements[0].fearRate: must be between 0 and 1",
            "arrangements[1].accepts: accepts no nationality of the scenario (lists CHE)",
            "arrangements[1].capacty: unknown field",
            "arrangements[2].capacityPerMonth: must not be negative",
            "arrangements[3].flightEveryDays: must be positive",
            "arrangements[3].endDay: must be after startDay (210)",
            "surprise: unknown field",
        ]
        #expect(found == expected)
    }

    @Test(
        "Single problems are named precisely",
        arguments: [
            ("{\"horizonDays\": 1.5}", "horizonDays: must be a whole number"),
            ("[]", "expected an object, got an array"),
            ("{\"horizonDays\": 10", "invalid JSON at column 19: unexpected end of input inside an object"),
        ])
    func precise(json: String, first: String) {
        #expect(problems(json).first == first)
    }

    @Test("Codes must be ISO 3166-1 alpha-3, listed once; arrangement ids unique; informational fields allowed")
    func codesAndIDs() throws {
        let json = try referenceDocument { root in
            guard case .array(var nationalities) = root["nationalities"]!, case .array(var arrangements) = root["arrangements"]! else { return }
            if case .object(var n) = nationalities[1] { n["code"] = "GTM"; nationalities[1] = .object(n) }
            if case .object(var n) = nationalities[2] { n["code"] = "hnd"; nationalities[2] = .object(n) }
            if case .object(var a) = arrangements[4] { a["id"] = "swz-2025"; a["accepts"] = "some"; arrangements[4] = .object(a) }
            root["nationalities"] = .array(nationalities)
            root["arrangements"] = .array(arrangements)
        }
        #expect(
            problems(json) == [
                "nationalities[1].code: 'GTM' is already listed at nationalities[0]",
                "nationalities[2].code: 'hnd' is not an ISO 3166-1 alpha-3 code (three capital letters, e.g. SLV)",
                "arrangements[4].id: 'swz-2025' is already used by arrangements[2]",
                "arrangements[4].accepts: must be \"any\" or an array of nationality codes, got the string \"some\"",
            ])
    }

    @Test("A scenario built in code goes through the same validation")
    func programmatic() {
        var scenario = TestScenarios.scenario(arrangements: [TestScenarios.arrangement("a", capacityPerMonth: -1, fearRate: 2)])
        scenario.nationalities.append(TestScenarios.nationality("SLV", share: 0.5))
        #expect(throws: SimulationError.self) { try scenario.validated() }
        do { _ = try scenario.validated() } catch {
            #expect(
                error.problems.map(\.description) == [
                    "nationalities: shares must sum to 1 (they sum to 1.5)",
                    "arrangements[0].capacityPerMonth: must not be negative",
                    "arrangements[0].fearRate: must be between 0 and 1",
                ])
        }
        #expect(throws: SimulationError.self) { try Simulator.replicate(scenario, runs: 1, seed: 1) }
    }

    @Test("Interactive limits name what is too large")
    func limits() throws {
        var scenario = try Scenario.reference
        scenario.horizonDays = 10_000
        scenario.arrangements[0].flightEveryDays = 0.001
        let problems = SimulationLimits.interactive.problems(scenario, runs: 1_000).map(\.path)
        #expect(problems == ["runs", "horizonDays", "arrivalsPerDay", "arrangements[0].flightEveryDays"])
        #expect(SimulationLimits.interactive.problems(try Scenario.reference, runs: 20).isEmpty)
    }
}
