import CorridorDomain
import CorridorStore
import CorridorTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CorridorWeb

/// Issue 16, hardening: no token secret (nor its stored hash) reaches a log line, an error
/// answer or the metrics, whatever a client sends, at every log level.
@Suite("No secret in logs, errors or metrics")
struct SecretsInLogsTests {
    @Test(
        "Representative requests — good, unknown, revoked and misplaced tokens, sign-in and sign-out, writes — log no secret at trace level, and answer none"
    )
    func noSecretAnywhere() async throws {
        let world = try await Worlds.scenario()
        let log = ServerLoggingTests.FileLog()
        let (issued, _) = try await Tokens.issue(name: "log check", role: .counsel, counsel: TestTokens.counselName, in: world.store, context: .test)
        let secrets = Role.allCases.map { world.tokens[$0] } + [world.revokedSecret, TestTokens.neverIssued, issued]
        let answers = try await world.test(logger: log.logger(level: .trace)) { caller -> [Reply] in
            var answers: [Reply] = []
            let officer = world.tokens[.officer]
            for role in Role.allCases {
                answers.append(
                    try await caller.send(.get, "/api/v1/cases/V1", as: .anonymous, headers: [.authorization: "Bearer \(world.tokens[role])"]))
            }
            for who in [Who.revoked, .unknownToken] {
                answers.append(try await caller.get("/api/v1/cases/V1", as: who))
                answers.append(try await caller.send(.get, "/cases/V1", as: .anonymous, headers: [.cookie: caller.sessionCookie(who)!]))
                answers.append(try await caller.send(.get, "/report", as: .anonymous, headers: [.cookie: caller.sessionCookie(who)!]))
            }
            // Tokens where they do not belong: another scheme, the query, a path, a truncated one.
            answers.append(try await caller.send(.get, "/api/v1/cases/V1", as: .anonymous, headers: [.authorization: "Basic \(officer)"]))
            answers.append(try await caller.send(.get, "/api/v1/cases/V1?token=\(officer)", as: .anonymous))
            answers.append(try await caller.send(.get, "/api/v1/cases/V1", as: .anonymous, headers: [.authorization: "Bearer \(officer.dropLast())"]))
            answers.append(try await caller.send(.get, "/metrics?token=\(officer)", as: .role(.monitor)))
            // The sign-in form: a wrong token, then the right one; a page; sign-out.
            let form = try await #require(try await caller.signInForm())
            for token in [issued.dropLast() + "0", Substring(issued)] {
                answers.append(
                    try await caller.send(
                        .post, "/signin", as: .anonymous, body: ByteBuffer(string: "csrf=\(form.csrf)&token=\(token)&next=%2Fcases"),
                        headers: [.cookie: form.cookie, .contentType: "application/x-www-form-urlencoded"]))
            }
            let session = try await #require(caller.sessionCookie(.role(.counsel)))
            answers.append(try await caller.send(.get, "/court-orders", as: .anonymous, headers: [.cookie: session]))
            let csrf = try await #require(try await caller.pageCSRF(cookie: session))
            answers.append(
                try await caller.send(
                    .post, "/signout", as: .anonymous, body: ByteBuffer(string: "csrf=\(csrf)"),
                    headers: [.cookie: session, .contentType: "application/x-www-form-urlencoded"]))
            // A write and a refused write, by token.
            answers.append(try await caller.send(.post, "/api/v1/records", as: .role(.officer), json: TestRecords.caseRecord("LOG-1")))
            answers.append(try await caller.send(.post, "/api/v1/records", as: .role(.officer), text: #"{"type":"case"}"#))
            return answers
        }
        log.sink.flushNow()
        let lines = log.lines
        #expect(lines.count >= answers.count, "the requests were not logged (\(lines.count) lines): the check read nothing")
        let metrics = Observability.registry.emitToString()
        for secret in secrets {
            let forms = [secret, String(secret.dropFirst(4)), Tokens.hash(secret)]
            for form in forms {
                for line in lines where line.contains(form) { Issue.record("a log line holds a secret: \(line)") }
                #expect(!metrics.contains(form), "the metrics hold a secret")
            }
            // The answers to bad credentials do not echo them.
            for answer in answers where answer.status.code == 401 || answer.status == .seeOther || answer.status.code == 400 {
                #expect(!answer.text.contains(secret) && !(answer.headers[.location] ?? "").contains(secret), "an answer echoes a secret: \(answer)")
            }
        }
    }
}
