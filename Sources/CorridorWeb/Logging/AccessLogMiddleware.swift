import Hummingbird
import Logging

/// One log line per answered request, written when the answer is known: method, path (without
/// the query string, which may carry dates and case-related filters), status and duration.
/// Who read which person's record is not here: that is the store's read log.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let level: Logger.Level

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.logger.logLevel <= level else { return try await next(request, context) }
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: response.status.code, since: started)
            return response
        } catch let error as any HTTPResponseError {
            log(request, context, status: error.status.code, since: started)
            throw error
        } catch {
            log(request, context, status: 500, since: started)
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        context.logger.log(
            level: level, "request",
            metadata: [
                "method": .string(request.method.rawValue), "path": .string(request.uri.path),
                "status": .stringConvertible(status), "ms": .string(Self.milliseconds(microseconds)),
            ])
    }

    /// `1234` µs as `1.234`.
    static func milliseconds(_ microseconds: Int64) -> String {
        let fraction = String(microseconds % 1000)
        return String(microseconds / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
