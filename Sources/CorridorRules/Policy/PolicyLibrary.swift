import CorridorDomain
import Foundation

/// The policy profiles shipped with Corridor.
public enum PolicyLibrary {
    /// The profile used when a store has not chosen one: the more protective of the contested
    /// US regimes.
    public static let defaultID: PolicyProfile.ID = "us-dvd-2025"

    /// Ids of the shipped profiles.
    public static let ids: [PolicyProfile.ID] = ["us-dhs-2025", "us-dvd-2025", "unhcr-2013"]

    /// Every shipped profile, by id. Loaded once; a broken profile file is a packaging bug.
    public static let profiles: [PolicyProfile.ID: PolicyProfile] = {
        var result: [PolicyProfile.ID: PolicyProfile] = [:]
        for id in ids {
            guard
                let url = Bundle.module.url(forResource: id, withExtension: "json", subdirectory: "Resources/policies")
                    ?? Bundle.module.url(forResource: id, withExtension: "json", subdirectory: "policies"),
                let data = try? Data(contentsOf: url)
            else { fatalError("policy profile \(id).json is missing from the package resources") }
            do { result[id] = try PolicyProfile(json: String(decoding: data, as: UTF8.self), file: "\(id).json") } catch {
                fatalError("policy profile \(id).json is invalid: \(error)")
            }
        }
        return result
    }()

    /// A shipped profile by id, or an error listing the known ids.
    public static func profile(_ id: String) throws(RecordError) -> PolicyProfile {
        guard let profile = profiles[id] else {
            throw RecordError(
                code: "unknown-policy", field: "policy", message: "unknown policy profile '\(id.prefix(64))' (known: \(ids.joined(separator: ", ")))")
        }
        return profile
    }
}
