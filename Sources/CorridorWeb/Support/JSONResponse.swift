import CorridorDomain
import Foundation
import Hummingbird

extension Response {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: value.canonicalString)))
    }

    static func json<T: Encodable>(encodable value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONCoding.encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}

extension Request {
    /// A query parameter, percent-decoded once, or nil when absent or empty. A malformed escape
    /// is kept as sent, so the parameter's own validation names it.
    func query(_ name: String) -> String? {
        guard let query = uri.query, let raw = URLText.firstRawValue(of: name, in: query[...]), !raw.isEmpty else { return nil }
        return URLText.percentDecoded(raw) ?? String(raw)
    }

    func queryAll(_ name: String) -> [String] {
        guard let query = uri.query else { return [] }
        return URLText.rawValues(of: name, in: query[...]).map { URLText.percentDecoded($0) ?? String($0) }.filter { !$0.isEmpty }
    }
}
