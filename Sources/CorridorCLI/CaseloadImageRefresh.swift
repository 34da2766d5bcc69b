import CorridorRules
import CorridorServices
import CorridorStore
import CorridorWeb
import Foundation
import Logging

/// After `seed` and `import`: brings the caseload at rest up to date, so that the next
/// `eligible`, `compare`, `impact` or `serve` starts from it instead of re-reading the log.
enum CaseloadImageRefresh {
    static func run(_ store: some EventStore) async throws {
        FileHandle.standardError.write(Data("bringing the caseload image up to date…\n".utf8))
        let (loaded, loadSeconds) = try await Stopwatch.time { try await CaseloadAtRest.load(store) }
        guard loaded.imageDue else {
            if case .image(let imageSeq, let tail) = loaded.source, tail > 0 {
                print(
                    "caseload image: kept (seq \(imageSeq), \(loaded.caseload.count.grouped) cases); the \(tail.grouped) records after it are read with it"
                )
            } else {
                print("caseload image: up to date (seq \(loaded.seq), \(loaded.caseload.count.grouped) cases)")
            }
            return
        }
        let (bytes, saveSeconds) = try await Stopwatch.time { try await CaseloadAtRest.save(loaded.caseload, seq: loaded.seq, to: store) }
        let seconds = loadSeconds + saveSeconds
        print(
            "caseload image: \(loaded.caseload.count.grouped) cases at seq \(loaded.seq), "
                + "\(String(format: "%.1f", Double(bytes) / 1_048_576)) MiB, in \(String(format: "%.1f", seconds)) s")
    }
}

extension CaseloadImageRefresh {
    /// After `seed`: works out today's home-page figures and keeps them at rest, so that a
    /// server started on this store today is ready as soon as its caseload is in memory.
    static func prepareHomeFigures(_ store: AnyStore) async throws {
        FileHandle.standardError.write(Data("working out the home page's figures for today…\n".utf8))
        let logger = Logger(label: "corridor", factory: { _ in SwiftLogNoOpLogHandler() })
        let (partners, seconds) = try await Stopwatch.time { try await HomeFiguresAtRest.prepare(store, clock: { Edge.now() }, logger: logger) }
        print("home page figures for \(Edge.now().day): \(partners) partners, kept at rest, in \(String(format: "%.1f", seconds)) s")
    }
}

extension RulesService {
    /// The caseload for a whole-caseload command, from the caseload at rest; says on standard
    /// error when it had to be rebuilt from the log, and why, and writes the new image.
    func loadCaseloadSayingHow() async throws -> Caseload {
        let (loaded, seconds) = try await Stopwatch.time { try await CaseloadAtRest.load(store) }
        if case .log(let reason) = loaded.source {
            FileHandle.standardError.write(
                Data("caseload rebuilt from the log in \(String(format: "%.1f", seconds)) s: \(reason)\n".utf8))
        }
        if loaded.imageDue { try await CaseloadAtRest.save(loaded.caseload, seq: loaded.seq, to: store) }
        return loaded.caseload
    }
}
