import CorridorDomain
import Foundation

/// The reference network shipped with Corridor: facts of public reporting (arrangements, their
/// terms and dated status, partner countries and their risk assessments) as records, each fact
/// with its source and as-of date.
public enum ReferenceNetwork {
    /// The data file's location inside the package's resources.
    public static var url: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "reference-network", withExtension: "jsonl") else {
                throw StoreError(code: .missingResource, message: "reference-network.jsonl is missing from the package resources")
            }
            return url
        }
    }

    /// Emits every record of the reference network.
    public static func records(_ emit: (SourcedRecord) throws -> Void) throws {
        try JSONLinesReader(path: try url.path).records(emit)
    }

    /// All records of the reference network, decoded.
    public static func load() throws -> [SourcedRecord] {
        var records: [SourcedRecord] = []
        try self.records { records.append($0) }
        return records
    }
}
