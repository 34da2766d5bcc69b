import Foundation

extension Scenario {
    /// Names of the scenarios shipped in the package (`--scenario NAME`).
    public static let bundledNames = ["network-2025"]

    /// The reference scenario (docs/simulation.md).
    public static var reference: Scenario {
        get throws(SimulationError) { try bundled("network-2025") }
    }

    /// A scenario shipped in the package, by name.
    public static func bundled(_ name: String) throws(SimulationError) -> Scenario {
        guard bundledNames.contains(name),
            let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources/scenarios")
                ?? Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "scenarios"),
            let data = try? Data(contentsOf: url)
        else {
            throw SimulationError(
                code: .unknownScenario,
                summary: "no bundled scenario '\(name.prefix(64))' (bundled: \(bundledNames.joined(separator: ", ")))")
        }
        return try Scenario(json: String(decoding: data, as: UTF8.self))
    }
}
