import CorridorStore
import Hummingbird

/// One route: its method and path, who may use it, and what the OpenAPI document says about it.
/// Every route is registered from a `RouteSpec`, so the document and the access rules are
/// derived from the same list the router serves.
public struct RouteSpec: Sendable {
    public struct Parameter: Sendable {
        public enum Location: String, Sendable { case path, query }
        public var name: String
        public var location: Location
        public var required: Bool
        public var description: String
        public var schema: String  // a JSON Schema type: string, integer, boolean
        /// For `integer` parameters: the values the route accepts. The router refuses anything
        /// else (400, naming the parameter and this range) before the handler runs, so no
        /// arithmetic on a request's integer can overflow.
        public var range: ClosedRange<Int64>?

        static func path(_ name: String, _ description: String) -> Parameter {
            Parameter(name: name, location: .path, required: true, description: description, schema: "string")
        }

        static func query(_ name: String, _ description: String, required: Bool = false, schema: String = "string") -> Parameter {
            precondition(schema != "integer", "declare integer parameters with .integer(_:_:in:) so they carry their range")
            return Parameter(name: name, location: .query, required: required, description: description, schema: schema)
        }

        /// An integer query parameter and the range of values the route accepts.
        static func integer(_ name: String, _ description: String, in range: ClosedRange<Int64>, required: Bool = false) -> Parameter {
            Parameter(name: name, location: .query, required: required, description: description, schema: "integer", range: range)
        }
    }

    public var method: HTTPRequest.Method
    /// OpenAPI form, `/api/v1/cases/{id}`.
    public var path: String
    public var access: Access
    public var tag: String
    public var summary: String
    public var parameters: [Parameter] = []
    /// A component schema name for the request body, if any.
    public var requestBody: String?
    /// The success status and the component schema (or `html`, `text`) of its body.
    public var success: (status: Int, schema: String)
    /// Whether reading this route logs a read of a personal record.
    public var logsRead = false
    /// A page whose form shows its own problems beside the fields (the simulator): the router
    /// leaves its integer parameters to it instead of answering a bare 400 page.
    public var showsFormProblems = false
    var handler: @Sendable (Request, CorridorRequestContext) async throws -> Response

    /// The router's form of the path, `/api/v1/cases/:id`.
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : String(segment)
        }.joined(separator: "/")
    }
}
