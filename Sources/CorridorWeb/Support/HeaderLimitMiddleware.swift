import Hummingbird

/// Refuses a request whose header fields together exceed `maximumBytes` with 431 problem+json,
/// before authentication or any handler reads them. (Past 80 KiB the HTTP parser itself
/// refuses the request with a bare 400 and closes the connection, so a larger head is never
/// held in memory.)
struct HeaderLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    /// 16 KiB: many times what a browser or an API client sends.
    static var maximumBytes: Int { 16 * 1024 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var total = 0
        for field in request.headers { total += field.name.rawName.utf8.count + field.value.utf8.count + 4 }
        guard total <= Self.maximumBytes else {
            throw Problem(
                .init(code: 431, reasonPhrase: "Request Header Fields Too Large"), code: "headers-too-large",
                detail: "the request's header fields take \(total) bytes; at most \(Self.maximumBytes) are accepted")
        }
        return try await next(request, context)
    }
}
