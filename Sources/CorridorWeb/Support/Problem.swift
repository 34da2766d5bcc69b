import CorridorDomain
import CorridorStore
import Foundation
import Hummingbird
import NIOCore

/// An RFC 9457 problem: every error the server returns is `application/problem+json` with a
/// detail that says what to fix.
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    /// A stable machine-readable code (`invalid-field`, `unknown-case`, `forbidden` …).
    public var code: String
    /// The field at fault, if one is.
    public var field: String?
    /// The record at fault in a list of records, counting from 1.
    public var index: Int?
    /// The request whose log lines hold the details (a fault, an unavailable store).
    public var requestId: String?
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, detail: String, field: String? = nil, index: Int? = nil, requestId: String? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.title = status.reasonPhrase
        self.detail = detail
        self.code = code
        self.field = field
        self.index = index
        self.requestId = requestId
        self.headers = headers
    }

    /// The body as sent, for a request to `path`.
    func body(instance path: String) -> ProblemBody {
        ProblemBody(
            type: "https://corridor.invalid/problems/\(code)", title: title, status: Int(status.code), detail: detail, code: code, instance: path,
            field: field, index: index, requestId: requestId)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body(instance: request.uri.path).jsonValue.canonicalString)))
    }

    static func badRequest(_ detail: String, code: String = "bad-request") -> Problem { Problem(.badRequest, code: code, detail: detail) }
    static func notFound(_ detail: String, code: String = "not-found") -> Problem { Problem(.notFound, code: code, detail: detail) }

    /// A refused record: 422 with the field and line, or 409 for a state conflict.
    static func refused(_ error: RecordError) -> Problem {
        let status = Problem.status(forRecordError: error.code)
        let where_ = error.line.map { "record \($0): " } ?? ""
        let field = error.field.map { "field '\($0)': " } ?? ""
        return Problem(
            status, code: error.code,
            detail: where_ + field + error.message + (status == .conflict || status == .unprocessableContent ? "; nothing was recorded" : ""),
            field: error.field, index: error.line)
    }

    /// A store error the caller can fix, with its message; any other store error is a fault,
    /// answered by ``fault(requestID:)`` so nothing of the store's internals reaches the client.
    static func store(_ error: StoreError, requestID: String) -> Problem {
        if error.code == .databaseUnavailable { return unavailable(requestID: requestID) }
        guard error.code.isCallerError else { return fault(requestID: requestID) }
        return Problem(Problem.status(forStoreError: error.code), code: error.code.description, detail: error.message)
    }

    /// The database cannot be reached (a PostgreSQL server down or restarting): 503 with
    /// `Retry-After`, so clients and load balancers try again; the server recovers by itself.
    /// Where the database is, and why it failed, go to the log only.
    static func unavailable(requestID: String) -> Problem {
        Problem(
            .serviceUnavailable, code: "store-unavailable",
            detail: "the database cannot be reached just now; try again shortly (request \(requestID))",
            requestId: requestID, headers: [.retryAfter: "5"])
    }

    /// The server's fault: a generic 500 naming the request, whose log lines say what happened.
    static func fault(requestID: String) -> Problem {
        Problem(
            .internalServerError, code: "internal",
            detail: "the server could not complete the request; it has been logged as request \(requestID)",
            requestId: requestID)
    }

    // MARK: Statuses — the one table from error codes to HTTP statuses

    /// Refusal codes that are not 422 (unprocessable record).
    static let recordErrorStatuses: [String: HTTPResponse.Status] = [
        "state-conflict": .conflict, "departure-refused": .conflict,
        "unknown-case": .notFound,
        "unknown-policy": .badRequest, "invalid-json": .badRequest,
    ]

    /// Store errors the caller can fix; every other store error is a 500.
    static let storeErrorStatuses: [StoreError.Code: HTTPResponse.Status] = [
        .alreadySeeded: .badRequest, .invalidArgument: .badRequest, .duplicateToken: .conflict, .fileUnreadable: .badRequest,
    ]

    static func status(forRecordError code: String) -> HTTPResponse.Status { recordErrorStatuses[code] ?? .unprocessableContent }
    static func status(forStoreError code: StoreError.Code) -> HTTPResponse.Status { storeErrorStatuses[code] ?? .internalServerError }
}

/// Turns every error into problem+json: refusals into 4xx, the framework's own errors
/// (unknown route, body too large) into problems, and anything unexpected into a logged 500.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as RecordError {
            throw Problem.refused(error)
        } catch let error as StoreError {
            if !error.code.isCallerError {
                context.logger.error(
                    "store fault", metadata: ["code": "\(error.code)", "error": "\(error.debugDescription)", "path": "\(request.uri.path)"])
            }
            throw Problem.store(error, requestID: context.id)
        } catch let error as NIOTooManyBytesError {
            let limit = error.maxBytes.map { "at most \($0) bytes" } ?? "less"
            throw Problem(
                .contentTooLarge, code: "body-too-large",
                detail: "the request body is larger than this route accepts (\(limit); for bulk loads of records use `corridor import`)")
        } catch let error as HTTPError {
            let code: String
            switch error.status {
            case .notFound: code = "not-found"
            case .contentTooLarge: code = "body-too-large"
            case .methodNotAllowed: code = "method-not-allowed"
            default: code = "http-\(error.status.code)"
            }
            let detail =
                error.body ?? (error.status == .notFound ? "no such resource: \(request.method) \(request.uri.path)" : error.status.reasonPhrase)
            throw Problem(error.status, code: code, detail: detail, headers: error.headers)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            throw Problem.fault(requestID: context.id)
        }
    }
}
