import Foundation
import Hummingbird
import Logging
import Synchronization

/// A webhook receiver for tests: a real HTTP server on a loopback port that records every
/// delivery and answers each with the next status of its script (200 once the script is used up).
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var id: String
        var timestamp: String
        var signature: String
        var body: String
        var answered: Int
    }

    let port: Int
    private let script: Mutex<[Int]>
    private let received = Mutex<[Delivery]>([])
    private let task = Mutex<Task<Void, any Error>?>(nil)

    init(port: Int, answers script: [Int] = []) {
        self.port = port
        self.script = Mutex(script)
    }

    var deliveries: [Delivery] { received.withLock { $0 } }

    /// Starts serving (again, after ``stop()``) and returns once the port answers.
    func start() async throws {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let status = self.script.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
            let headers = request.headers
            self.received.withLock {
                $0.append(
                    Delivery(
                        id: headers[HTTPFields.Element.Name("webhook-id")!] ?? "",
                        timestamp: headers[HTTPFields.Element.Name("webhook-timestamp")!] ?? "",
                        signature: headers[HTTPFields.Element.Name("webhook-signature")!] ?? "", body: String(buffer: body), answered: status))
            }
            return Response(status: HTTPResponse.Status(code: status))
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .error
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        task.withLock { $0 = Task { try await app.runService(gracefulShutdownSignals: []) } }
        for _ in 0..<200 {
            if (try? RawSocket(port: port, receiveTimeout: 1)) != nil { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw RawSocket.Failure(description: "the webhook receiver did not start on port \(port)")
    }

    /// Stops serving: connections to the port are refused until ``start()``.
    func stop() async {
        let running = task.withLock { task -> Task<Void, any Error>? in
            defer { task = nil }
            return task
        }
        running?.cancel()
        _ = await running?.result
    }

    /// Waits until `count` deliveries have arrived (or `seconds` pass).
    func waitFor(_ count: Int, seconds: Double = 15) async throws -> [Delivery] {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1_000))
        while ContinuousClock.now < deadline {
            let now = deliveries
            if now.count >= count { return now }
            try await Task.sleep(for: .milliseconds(20))
        }
        return deliveries
    }
}
