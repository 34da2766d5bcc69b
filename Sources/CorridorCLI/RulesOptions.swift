import ArgumentParser
import CorridorDomain
import CorridorRules

/// `--on WHEN`: a date (00:00 UTC that day) or an RFC 3339 instant.
struct WhenArgument: ExpressibleByArgument {
    let instant: Instant
    init?(argument: String) {
        guard let instant = Instant(dateOrInstant: argument) else { return nil }
        self.instant = instant
    }
    static var defaultCompletionKind: CompletionKind { .default }
}

/// `--to ISO3`.
struct CountryArgument: ExpressibleByArgument {
    let code: CountryCode
    init?(argument: String) {
        let upper = argument.uppercased()
        guard ISO3166.isValid(upper) else { return nil }
        code = CountryCode(upper)
    }
}

extension WhenArgument {
    static let help = ArgumentHelp("A date (YYYY-MM-DD, meaning 00:00 UTC) or an RFC 3339 instant.", valueName: "when")
}

/// Turns rules-layer refusals into CLI messages.
func reportingRules<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let error as RecordError {
        throw CLIError(error.message)
    }
}

/// `--to ISO3 --on WHEN [--policy ID]`: the question every rules command asks.
struct DecisionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Destination (ISO 3166-1 alpha-3).", valueName: "iso3"))
    var to: CountryArgument

    @Option(name: .long, help: WhenArgument.help)
    var on: WhenArgument

    @Option(
        name: .long, help: ArgumentHelp("Policy profile (us-dhs-2025, us-dvd-2025, unhcr-2013; default: the store's active one).", valueName: "id"))
    var policy: String?
}
