import CorridorDomain
import CorridorStore
import Foundation
import Hummingbird
import Logging

/// How to run the server.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// Assembles the Corridor server: routes over a store. Tests build it too.
public func buildApplication(store: some EventStore, configuration: ServerConfiguration, logger: Logger,
                             clock: @escaping @Sendable () -> Instant) -> some ApplicationProtocol {
    let router = buildRouter(store: store, clock: clock)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Corridor"),
        logger: logger
    )
}

/// The routes, separate from the application so tests can drive them in-process.
public func buildRouter(store: some EventStore, clock: @escaping @Sendable () -> Instant) -> Router<BasicRequestContext> {
    let router = Router()
    router.get("/") { _, _ -> Response in
        let page = HomePage(summary: try store.summary(), network: try store.network(), head: try store.head(), today: clock().day)
        return .html(page.render())
    }
    router.get("/healthz") { _, _ -> Response in
        let head = try store.head()
        return .text("ok: \(head.seq) events\n")
    }
    return router
}

extension Response {
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
