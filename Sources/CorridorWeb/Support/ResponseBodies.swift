import CorridorDomain
import CorridorRules
import CorridorStore

// The JSON response bodies described once (``DescribedJSON``): each route builds its body from
// one of these, and the OpenAPI document publishes the schema the same description gives.

/// An RFC 9457 problem (``Problem``), as sent.
struct ProblemBody: DescribedJSON {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var code: String
    var instance: String
    var field: String?
    var index: Int?
    var requestId: String?

    static let schemaName = "Problem"
    static let schemaDescription: String? =
        "RFC 9457 problem details; `detail` says what to fix. A 500 (code `internal`) says only that the server failed and names the request (`requestId`) whose log lines hold the details."
    static let fields: [ResponseField<Self>] = [
        .string("type", "https://corridor.invalid/problems/<code>") { $0.type }, .string("title", "The status's reason phrase") { $0.title },
        .integer("status", "The HTTP status") { $0.status }, .string("detail", "What is wrong, and what to fix") { $0.detail },
        .string("code", "A stable machine-readable code (`invalid-field`, `unknown-case`, `forbidden` …)") { $0.code },
        .string("instance", "The request's path") { $0.instance },
        .optionalString("field", "The field at fault") { $0.field },
        .optionalInteger("index", "The record at fault, counting from 1, in a list of records") { $0.index },
        .optionalString("requestId", "The request whose log lines hold the details (500, 503)") { $0.requestId },
    ]
}

extension Decision.JSON: DescribedJSON {
    static let schemaName = "Decision"
    static let schemaDescription: String? =
        "Whether the person may be transferred to `destination` at `on`, under the named policy profile, and every gate's finding with its reason and citation."
    static let fields: [ResponseField<Self>] = [
        .string("case") { $0.case }, .string("destination", "ISO3") { $0.destination },
        .string("on", "The instant judged (RFC 3339)") { $0.on }, .string("policy", "The policy profile's id") { $0.policy },
        .string("policyVersion") { $0.policyVersion }, .oneOf("verdict") { $0.verdict },
        .optionalString("clears", "For a pending verdict: the earliest instant it can clear") { $0.clears },
        .list("gates") { $0.gates },
    ]
}

extension Decision.JSON.Gate: DescribedJSON {
    static let schemaName = "DecisionGate"
    static let fields: [ResponseField<Self>] = [
        .oneOf("gate") { $0.gate }, .oneOf("result") { $0.result }, .string("reason") { $0.reason },
        .string("citation", "The rule (statute, treaty, order) the finding rests on") { $0.citation },
        .optionalString("clears", "For a pending gate: when it clears") { $0.clears },
        .optionalString("wouldClear", "What would clear a failing or pending gate") { $0.wouldClear },
    ]
}

/// One case in `GET /api/v1/cases`.
struct CaseSummary: DescribedJSON {
    var id: String
    var nationalities: [String]
    var pathway: CaseRecord.Pathway
    var synthetic: Bool
    var departed: Bool
    var closedOn: String?

    static let schemaName = "CaseSummary"
    static let fields: [ResponseField<Self>] = [
        .string("id") { $0.id }, .strings("nationalities", "ISO3") { $0.nationalities }, .oneOf("pathway") { $0.pathway },
        .boolean("synthetic", "A synthetic case (id `SYN-…`), not a real person") { $0.synthetic },
        .boolean("departed", "On a transfer that has departed") { $0.departed },
        .nullableString("closedOn", "The day the case was closed") { $0.closedOn },
    ]
}

struct CaseList: DescribedJSON {
    var cases: [CaseSummary]
    var total: Int
    var nextCursor: String?

    static let schemaName = "CaseList"
    static let fields: [ResponseField<Self>] = [
        .list("cases") { $0.cases }, .integer("total", "Cases the token may see, before the filters") { $0.total },
        .nullableString("nextCursor", "Pass as `cursor` for the next page; null on the last") { $0.nextCursor },
    ]
}

/// One event of the feed (``EventFeed``), with the facts that follow from it.
struct FeedItem: DescribedJSON {
    var seq: Int64
    var type: String
    var recordedAt: String
    var cases: [String]
    var actor: String?
    var record: JSONValue
    var transfer: JSONValue?
    var verdict: JSONValue?
    var deadline: JSONValue?
    var coversClients: [String]?

    static let schemaName = "FeedItem"
    static let schemaDescription: String? =
        "One event with the facts that follow from it: `transfer` (the transfer it concerns), `verdict` (a person added to a manifest, judged at its departure, with `earliestDeparture` when pending), `deadline` (after a notice or a negative screening: the earliest lawful departure under the active profile, with the gate's reason and citation), `coversClients` (a court order, for counsel)."
    static let fields: [ResponseField<Self>] = [
        .integer("seq") { $0.seq }, .string("type", "The record type") { $0.type }, .string("recordedAt") { $0.recordedAt },
        .strings("cases", "The people it concerns that the token may see") { $0.cases },
        .optionalString("actor", "Who recorded it; only for tokens that see everyone") { $0.actor },
        .object("record", "The record as written (for counsel, a court order's public form)") { $0.record },
        .optionalObject("transfer", "The transfer it concerns") { $0.transfer },
        .optionalObject("verdict", "A manifest addition: the person's verdict at the transfer's departure") { $0.verdict },
        .optionalObject(
            "deadline", "A notice or a negative screening: the earliest lawful departure (null when the gate cannot name one)",
            nullable: true
        ) { $0.deadline },
        .optionalStrings("coversClients", "A court order, for counsel: which of their clients it covers") { $0.coversClients },
    ]
}

struct EventFeedPage: DescribedJSON {
    var events: [FeedItem]
    var next: Int64
    var head: Int64
    var more: Bool

    static let schemaName = "EventFeed"
    static let schemaDescription: String? =
        "`next` is the cursor to pass as `after`: it may be past the last event shown, when later events were not for this token."
    static let fields: [ResponseField<Self>] = [
        .list("events") { $0.events }, .integer("next", "The cursor to continue from") { $0.next },
        .integer("head", "The newest seq of the log") { $0.head }, .boolean("more", "Whether events after `next` exist") { $0.more },
    ]
}

/// What an append recorded.
struct AppendReceiptBody: DescribedJSON {
    var count: Int
    var firstSeq: Int64?
    var lastSeq: Int64?
    var head: String

    init(_ receipt: AppendReceipt) {
        count = receipt.count
        firstSeq = receipt.firstSeq
        lastSeq = receipt.lastSeq
        head = receipt.headHash
    }

    static let schemaName = "AppendReceipt"
    static let fields: [ResponseField<Self>] = [
        .integer("count", "Events recorded") { $0.count }, .nullableInteger("firstSeq") { $0.firstSeq },
        .nullableInteger("lastSeq") { $0.lastSeq }, .string("head", "The chain's head hash after the append") { $0.head },
    ]
}

struct ChainHeadBody: DescribedJSON {
    var seq: Int64
    var hash: String

    init(_ head: ChainHead) {
        seq = head.seq
        hash = head.hash
    }

    static let schemaName = "ChainHead"
    static let fields: [ResponseField<Self>] = [.integer("seq") { $0.seq }, .string("hash") { $0.hash }]
}

struct HealthBody: DescribedJSON {
    var events: Int64

    static let schemaName = "Health"
    static let fields: [ResponseField<Self>] = [
        .string("status", "`ok`") { _ in "ok" }, .integer("events", "The newest seq of the log") { $0.events },
    ]
}

struct ReadinessBody: DescribedJSON {
    var events: Int64
    var cases: Int?

    static let schemaName = "Readiness"
    static let fields: [ResponseField<Self>] = [
        .string("status", "`ready`") { _ in "ready" }, .integer("events", "The newest seq of the log") { $0.events },
        .nullableInteger("cases", "Cases in memory") { $0.cases },
    ]
}
