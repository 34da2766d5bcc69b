import CorridorStore
import Foundation
import NIOSSL
import PostgresNIO

/// A PostgreSQL database named by a URL:
/// `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require|verify-full]`
/// (`postgresql://` too). The password is kept only to connect: ``description`` and every
/// error this type throws leave it out.
public struct PostgresURL: Sendable, CustomStringConvertible {
    /// How the connection uses TLS, as libpq's `sslmode` (the modes Corridor supports).
    public enum SSLMode: String, Sendable, CaseIterable {
        /// Never TLS.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS always, without checking the certificate (encryption, not authentication).
        case require
        /// TLS always, the certificate checked against the system's trust roots and the host name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// The schema Corridor's tables live in (`?search_path=NAME`; the database's default when nil).
    public var schema: String?

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `text`; a wrong URL throws a ``StoreError`` (`invalid-argument`) naming the part
    /// that is wrong, never echoing the password.
    public init(_ text: String) throws {
        func invalid(_ why: String) -> StoreError {
            StoreError(code: .invalidArgument, message: "the database URL \(PostgresURL.redacted(text)) is not valid: \(why)")
        }
        guard PostgresURL.isPostgres(text) else {
            throw invalid("it must begin postgres:// (for example postgres://corridor@127.0.0.1:5432/corridor)")
        }
        guard let components = URLComponents(string: text) else { throw invalid("it cannot be read as a URL") }
        guard let host = components.host, !host.isEmpty else { throw invalid("it names no host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("it names no user (postgres://USER@host/database)") }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty, !path.contains("/") else { throw invalid("it names no database (postgres://user@host:port/DATABASE)") }
        if let port = components.port, !(1...65535).contains(port) { throw invalid("port \(port) is out of range") }
        var mode = SSLMode.prefer
        var schema: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let parsed = SSLMode(rawValue: value) else {
                    throw invalid("sslmode '\(item.value ?? "")' is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                mode = parsed
            case "search_path":
                guard let value = item.value, !value.isEmpty, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw invalid("search_path '\(item.value ?? "")' must be one schema name of letters, digits and _")
                }
                schema = value
            case "application_name", "connect_timeout":
                continue
            default:
                throw invalid("unknown parameter '\(item.name)' (Corridor reads sslmode)")
            }
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? user
        self.password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        self.database = path.removingPercentEncoding ?? path
        self.sslMode = mode
        self.schema = schema
    }

    /// The URL without its password: safe for logs, errors, `status` and `/metrics`.
    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(sslMode.rawValue)" + (schema.map { "&search_path=\($0)" } ?? "")
    }

    /// Where the server is, for messages: `host:port`.
    public var address: String { "\(host):\(port)" }

    /// `text` with any password between `:` and `@` replaced by `***` (for a URL that did not
    /// parse, so its parts are unknown).
    public static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].lastIndex(of: "@") else { return text }
        let userinfo = text[scheme.upperBound..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    func tlsConfiguration() -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if sslMode != .verifyFull { tls.certificateVerification = .none }
        return tls
    }

    /// The pool's configuration (reads, LISTEN).
    public func clientConfiguration(maximumConnections: Int = 8) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(tlsConfiguration())
        case .require, .verifyFull: tls = .require(tlsConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        if let schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        configuration.options.connectTimeout = .seconds(5)
        if sslMode == .verifyFull { configuration.options.tlsServerName = host }
        return configuration
    }

    /// One connection's configuration, for tools and tests that manage the database themselves.
    public func testConnectionConfiguration() throws -> PostgresConnection.Configuration { try connectionConfiguration() }

    /// One connection's configuration (the writer's).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch sslMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: tlsConfiguration()))
        case .require, .verifyFull: tls = .require(try NIOSSLContext(configuration: tlsConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        if sslMode == .verifyFull { configuration.options.tlsServerName = host }
        if let schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        return configuration
    }

    /// This URL with another database or schema (for tests and tools).
    public func with(database: String? = nil, schema: String?) -> PostgresURL {
        var copy = self
        if let database { copy.database = database }
        copy.schema = schema
        return copy
    }
}
