import CorridorDomain
import CorridorStore
import CorridorTestSupport
import CorridorWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The pages as a person uses them in a browser: the sign-in redirect and form, the session
/// cookie and its attributes, the CSRF value on every form, the cookie's uselessness on the API,
/// HTML escaping of recorded text, and the simulator page.
@Suite("Pages: sign-in, session cookie, CSRF and escaping")
struct PageSessionTests {
    // MARK: 1. Without a session

    @Test("A page path without a session redirects 303 to the sign-in form with next; the open pages answer 200 HTML")
    func withoutSession() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            for (uri, next) in [
                ("/cases", "/cases"), ("/cases/V1", "/cases/V1"), ("/transfers/T1", "/transfers/T1"),
                ("/cases?nationality=VEN&from=0", "/cases?nationality=VEN&from=0"),
            ] {
                let reply = try await caller.get(uri, as: .anonymous)
                #expect(reply.status == .seeOther, "GET \(uri) without a session: \(reply)")
                #expect(Self.signInNext(reply) == next, "GET \(uri): Location \(reply.headers[.location] ?? "none")")
                #expect(Self.setCookies(reply).isEmpty, "GET \(uri): sets a cookie without a session: \(reply.headers[values: .setCookie])")
            }
            // Exactly the Location of the brief, once decoded.
            let cases = try await caller.get("/cases", as: .anonymous)
            #expect(cases.headers[.location]?.removingPercentEncoding == "/signin?next=/cases", "\(cases.headers[.location] ?? "none")")

            // A session whose token was revoked: back to the form, and the dead cookie is cleared.
            let revoked = try await Self.page(caller, "/cases", cookie: caller.sessionCookie(.revoked))
            #expect(revoked.status == .seeOther && Self.signInNext(revoked) == "/cases", "\(revoked)")
            let cleared = Self.setCookies(revoked)["corridor_session"]
            #expect(
                cleared?.value == "" && cleared?.attributes["max-age"] == "0",
                "a revoked session's cookie is not cleared: \(revoked.headers[values: .setCookie])")

            for uri in ["/", "/report", "/signin", "/simulate"] {
                let reply = try await caller.get(uri, as: .anonymous)
                #expect(reply.status == .ok, "GET \(uri) without a session: \(reply)")
                #expect(reply.contentType.hasPrefix("text/html"), "GET \(uri): content type '\(reply.contentType)'")
                #expect(reply.text.contains("<html"), "GET \(uri): not a page")
            }
        }
    }

    // MARK: 2. Signing in

    @Test("GET /signin sets an HttpOnly pre-session cookie and carries a CSRF field and the next path")
    func signInForm() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let form = try await caller.get("/signin?next=%2Fcases%2FV1", as: .anonymous)
            #expect(form.status == .ok && form.contentType.hasPrefix("text/html"), "\(form)")
            let pre = try #require(Self.setCookies(form)["corridor_presession"], "no pre-session cookie: \(form.headers[values: .setCookie])")
            #expect(pre.value.count >= 32, "the pre-session value is short: '\(pre.value)'")
            #expect(pre.flags.contains("httponly") && pre.attributes["samesite"]?.lowercased() == "strict", "\(pre)")
            let csrf = try #require(Caller.hiddenCSRF(form.text), "the sign-in form has no CSRF field")
            #expect(csrf.count == 64 && csrf.allSatisfy(\.isHexDigit), "CSRF value '\(csrf)'")
            #expect(form.text.contains(#"name="next" value="/cases/V1""#), "the form does not carry next")
            #expect(Self.setCookies(form)["corridor_session"] == nil, "the form sets a session")

            // Two browsers get two different pre-sessions, hence two different CSRF values.
            let other = try await caller.get("/signin", as: .anonymous)
            #expect(Self.setCookies(other)["corridor_presession"]?.value != pre.value)
            #expect(Caller.hiddenCSRF(other.text) != csrf)
        }
    }

    @Test(
        "POST /signin with the pre-session cookie, its CSRF value and a valid token sets an HttpOnly, SameSite=Strict session and redirects 303 to next"
    )
    func signInSetsSession() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let form = try #require(try await caller.signInForm())
            let secret = world.tokens[.officer]
            let reply = try await Self.post(
                caller, "/signin", cookie: form.cookie,
                fields: ["csrf": form.csrf, "token": secret, "next": "/cases/V1?policy=us-dvd-2025"])
            #expect(reply.status == .seeOther, "\(reply)")
            #expect(reply.headers[.location] == "/cases/V1?policy=us-dvd-2025", "Location \(reply.headers[.location] ?? "none")")
            let session = try #require(Self.setCookies(reply)["corridor_session"], "no session cookie: \(reply.headers[values: .setCookie])")
            #expect(session.value == secret)
            #expect(session.flags.contains("httponly"), "not HttpOnly: \(session.raw)")
            #expect(session.attributes["samesite"] == "Strict", "not SameSite=Strict: \(session.raw)")
            #expect(session.attributes["path"] == "/", "not for the whole site: \(session.raw)")
            #expect(session.attributes["max-age"] == nil && session.attributes["expires"] == nil, "not a browser-session cookie: \(session.raw)")
            #expect(session.attributes["domain"] == nil, "widened to other hosts: \(session.raw)")

            // The browser follows the redirect with the cookie it was given.
            let followed = try await Self.page(caller, reply.headers[.location] ?? "", cookie: "corridor_session=\(session.value)")
            #expect(followed.status == .ok && followed.text.contains("Case <code>V1</code>"), "\(followed)")
            #expect(followed.text.contains("test-officer"), "the page does not show who is signed in")

            // Without next, or with an empty one, the home page.
            for fields in [["csrf": form.csrf, "token": secret], ["csrf": form.csrf, "token": secret, "next": ""]] {
                let home = try await Self.post(caller, "/signin", cookie: form.cookie, fields: fields)
                #expect(home.status == .seeOther && home.headers[.location] == "/", "\(fields.keys.sorted()): \(home)")
            }
        }
    }

    @Test(
        "A next that leaves the site is not followed: the sign-in redirects to a local path",
        arguments: [
            "https://evil.example/x", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
            "javascript:alert(1)", "http:evil.example", "evil.example",
        ])
    func signInIgnoresForeignNext(_ next: String) async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let location = try await Self.signInLocation(caller, secret: world.tokens[.officer], next: next)
            #expect(Self.isSameSite(location), "next '\(next)' → Location '\(location)'")
            #expect(location == "/", "next '\(next)' → Location '\(location)'")

            // Nor does the form offer it.
            let page = try await caller.get("/signin?next=" + Self.encoded(next), as: .anonymous)
            #expect(page.text.contains(#"name="next" value="/""#), "GET /signin?next=\(next) carries a foreign next")
        }
    }

    @Test(
        "A next with a tab or newline inside `//` (which browsers strip from URLs) is not followed either",
        arguments: ["/\t/evil.example", "/\n/evil.example", "/\r/evil.example"])
    func signInIgnoresNextWithStrippedCharacters(_ next: String) async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let location = try await Self.signInLocation(caller, secret: world.tokens[.officer], next: next)
            // WHATWG URL parsing removes ASCII tab and newline anywhere in the input, so a
            // Location of "/\t/evil.example" takes the browser to //evil.example.
            #expect(
                Self.isSameSite(location),
                "next \(next.debugDescription) → Location \(location.debugDescription): a browser goes to \(Self.browserView(location).debugDescription)"
            )
        }
    }

    @Test("A wrong token answers 401 with the form again, and sets no session")
    func signInWrongToken() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let form = try #require(try await caller.signInForm())
            for token in [TestTokens.neverIssued, world.revokedSecret, "not-a-token", ""] {
                let reply = try await Self.post(
                    caller, "/signin", cookie: form.cookie, fields: ["csrf": form.csrf, "token": token, "next": "/cases"])
                #expect(reply.status == .unauthorized, "token '\(token)': \(reply)")
                #expect(reply.contentType.hasPrefix("text/html"), "token '\(token)': \(reply.contentType)")
                #expect(
                    reply.text.contains(#"action="/signin""#) && reply.text.contains(#"role="alert""#), "token '\(token)': not the form with an error"
                )
                #expect(Caller.hiddenCSRF(reply.text) == form.csrf, "token '\(token)': the form again cannot be submitted")
                // Corrected, the token should still take the person where they were going.
                do {
                    #expect(reply.text.contains(#"name="next" value="/cases""#), "token '\(token)': the form forgot next")
                }
                #expect(Self.setCookies(reply)["corridor_session"] == nil, "token '\(token)': \(reply.headers[values: .setCookie])")
            }
        }
    }

    @Test("A missing or wrong CSRF value, or no pre-session cookie, answers 403 and sets no session")
    func signInNeedsCSRF() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let form = try #require(try await caller.signInForm())
            let other = try #require(try await caller.signInForm())
            let token = world.tokens[.admin]
            let flipped = String(form.csrf.dropLast()) + (form.csrf.last == "0" ? "1" : "0")
            let cases: [(String, String?, [String: String])] = [
                ("no CSRF field", form.cookie, ["token": token]),
                ("an empty CSRF field", form.cookie, ["csrf": "", "token": token]),
                ("a CSRF value one digit off", form.cookie, ["csrf": flipped, "token": token]),
                ("another browser's CSRF value", form.cookie, ["csrf": other.csrf, "token": token]),
                ("no pre-session cookie", nil, ["csrf": form.csrf, "token": token]),
                ("the CSRF value as the pre-session cookie", "corridor_presession=\(form.csrf)", ["csrf": form.csrf, "token": token]),
            ]
            for (name, cookie, fields) in cases {
                let before = try await world.store.head()
                let reply = try await Self.post(caller, "/signin", cookie: cookie, fields: fields)
                #expect(reply.status == .forbidden, "\(name): \(reply)")
                #expect(reply.code == "csrf", "\(name): \(reply)")
                #expect(Self.setCookies(reply)["corridor_session"] == nil, "\(name): a session was set: \(reply.headers[values: .setCookie])")
                #expect(try await world.store.head() == before, "\(name): the log changed")
            }
        }
    }

    // MARK: 3. With the session

    @Test("With the session cookie the case list and a case page answer 200 HTML, and the case page logs a system.read")
    func sessionPagesAndReadLog() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let cookie = try #require(try await Self.signIn(caller, world.tokens[.officer]))
            let list = try await Self.page(caller, "/cases", cookie: cookie)
            #expect(list.status == .ok && list.contentType.hasPrefix("text/html"), "\(list)")
            #expect(list.text.contains(#"href="/cases/V1""#), "the list does not link V1")
            #expect(list.headers[.cacheControl] == "no-store", "a page of personal records may be cached: \(list.headers[.cacheControl] ?? "none")")

            let before = try await world.store.head()
            let page = try await Self.page(caller, "/cases/V1", cookie: cookie)
            #expect(page.status == .ok && page.contentType.hasPrefix("text/html"), "\(page)")
            #expect(page.text.contains("Case <code>V1</code>") && page.text.contains("Destinations by gate"), "not V1's page")
            let appended = try await world.events(after: before.seq)
            #expect(appended.map(\.type) == ["system.read"], "\(appended.map(\.type))")
            let event = try #require(appended.first)
            #expect(event.json["case"] == "V1", "\(event.payload)")
            #expect(event.json["route"] == "GET /cases/{id}", "\(event.payload)")
            #expect(event.json["token"] == .string(world.tokens.infos[.officer]!.id), "\(event.payload)")
            #expect(event.json["role"] == "officer", "\(event.payload)")
            #expect(!event.payload.contains(world.tokens[.officer]) && !event.actor.contains(world.tokens[.officer]), "the secret is in the log")

            // The list is not a read of a person's record; an unknown case logs nothing.
            let quiet = try await world.store.head()
            #expect(try await Self.page(caller, "/cases", cookie: cookie).status == .ok)
            #expect(try await Self.page(caller, "/cases/NOBODY", cookie: cookie).status == .notFound)
            #expect(try await world.store.head() == quiet)
            #expect(try await world.store.verifyChain().isIntact)
        }
    }

    // MARK: 4. CSRF on state-changing forms

    @Test("Striking from a manifest needs the form's CSRF value: without it 403 and nothing recorded; with it the strike is recorded")
    func strikeNeedsCSRF() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let cookie = try #require(caller.sessionCookie(.role(.supervisor)))
            let fields = ["case": "V2", "reason": "struck by a page test"]
            let adminCookie = try #require(caller.sessionCookie(.role(.admin)))
            let adminCSRF = try #require(try await caller.pageCSRF(cookie: adminCookie))
            for (name, csrf) in [("no CSRF field", nil), ("an empty CSRF field", ""), ("another session's CSRF value", adminCSRF)]
                as [(String, String?)]
            {
                let before = try await world.store.head()
                var body = fields
                if let csrf { body["csrf"] = csrf }
                let reply = try await Self.post(caller, "/transfers/T1/strike", cookie: cookie, fields: body)
                #expect(reply.status == .forbidden && reply.code == "csrf", "\(name): \(reply)")
                #expect(try await world.store.head() == before, "\(name): the log changed")
            }
            // The form a supervisor sees carries the value that makes the strike go through.
            let transfer = try await Self.page(caller, "/transfers/T1", cookie: cookie)
            #expect(transfer.text.contains(#"action="/transfers/T1/strike""#), "no strike form for a supervisor")
            let csrf = try #require(Caller.hiddenCSRF(transfer.text))
            let before = try await world.store.head()
            let reply = try await Self.post(caller, "/transfers/T1/strike", cookie: cookie, fields: fields.merging(["csrf": csrf]) { a, _ in a })
            #expect(reply.status == .seeOther && reply.headers[.location] == "/transfers/T1?done=strike", "\(reply)")
            let appended = try await world.events(after: before.seq)
            #expect(appended.map(\.type) == ["manifest-strike"], "\(appended.map(\.type))")
            #expect(appended.first?.json["case"] == "V2" && appended.first?.json["transfer"] == "T1", "\(appended.first?.payload ?? "")")
            #expect(appended.first?.actor.contains(world.tokens.infos[.supervisor]!.id) == true, "\(appended.first?.actor ?? "")")
        }
    }

    @Test("Every state-changing page form refuses a session without its CSRF value: 403 and the log unchanged")
    func everyFormNeedsCSRF() async throws {
        let world = try await Worlds.scenario()
        let probe = RouteProbe(ids: world.ids)
        let forms = routeSpecs(state: world.state).filter { RouteProbe.isPage($0) && $0.method != .get && $0.method != .head }
        #expect(forms.count >= 5, "\(forms.map(RouteProbe.name))")
        try await world.test { caller in
            let cookie = try #require(caller.sessionCookie(.role(.admin)))
            for route in forms {
                let before = try await world.store.head()
                let fields = Dictionary(
                    probe.formFields(route).map { field -> (String, String) in
                        let parts = field.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ") }
                        return (parts[0], parts.count > 1 ? parts[1] : "")
                    }, uniquingKeysWith: { a, _ in a })
                let reply = try await Self.post(caller, try probe.uri(route), method: route.method, cookie: cookie, fields: fields)
                #expect(reply.status == .forbidden, "\(RouteProbe.name(route)) without CSRF: \(reply)")
                #expect(try await world.store.head() == before, "\(RouteProbe.name(route)) without CSRF changed the log")
                #expect(Self.setCookies(reply).isEmpty, "\(RouteProbe.name(route)) without CSRF set a cookie: \(reply.headers[values: .setCookie])")
            }
        }
    }

    // MARK: 5. The cookie is not a credential for the API

    @Test("The session cookie is not accepted on /api/v1: 401 problem+json, nothing read or written")
    func cookieNotOnAPI() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let cookie = try #require(caller.sessionCookie(.role(.admin)))
            let before = try await world.store.head()
            for uri in ["/api/v1/cases/V1", "/api/v1/cases/V1/records", "/api/v1/cases/V1/check?to=SLV", "/api/v1/policy", "/api/v1/transfers/T1"] {
                let reply = try await Self.page(caller, uri, cookie: cookie)
                expectProblem(reply, .unauthorized, code: "unauthenticated", "GET \(uri) with only the session cookie")
            }
            let record = TestRecords.caseRecord("COOKIE-1", nationalities: ["GTM"]).canonicalString
            let post = try await caller.send(
                .post, "/api/v1/records", as: .anonymous, body: ByteBuffer(string: record),
                headers: [.cookie: cookie, .contentType: "application/json"])
            expectProblem(post, .unauthorized, code: "unauthenticated", "POST /api/v1/records with only the session cookie")
            let strike = try await caller.send(
                .post, "/api/v1/transfers/T1/strike", as: .anonymous,
                body: ByteBuffer(string: #"{"case":"V2","reason":"cookie"}"#),
                headers: [.cookie: cookie, .contentType: "application/json"])
            expectProblem(strike, .unauthorized, code: "unauthenticated", "POST /api/v1/transfers/T1/strike with only the session cookie")
            #expect(try await world.store.head() == before, "a cookie-only API call read or wrote the log")

            // The bearer token still works, so the 401 is about the cookie.
            #expect(try await caller.get("/api/v1/cases/V1", as: .role(.admin)).status == .ok)
        }
    }

    @Test(
        "Spellings of an API path that the router still matches do not let the cookie in either",
        arguments: ["//api/v1/cases/V1", "/api/v1//cases/V1", "/api/v1/cases/V1/", "/%61pi/v1/cases/V1", "/api%2Fv1/cases/V1"])
    func cookieNotOnAPISpellings(_ uri: String) async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let cookie = try #require(caller.sessionCookie(.role(.admin)))
            let before = try await world.store.head()
            let reply = try await Self.page(caller, uri, cookie: cookie)
            let logged = try await world.events(after: before.seq)
            do {
                #expect(reply.status != .ok, "GET \(uri) with only the session cookie: \(reply)")
                #expect(logged.isEmpty, "GET \(uri) with only the session cookie logged \(logged.map(\.type))")
            }
        }
    }

    @Test("Nor can the cookie write through such a spelling: POST //api/v1/transfers/T1/strike with only the cookie records nothing")
    func cookieCannotWriteThroughAPISpelling() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let cookie = try #require(caller.sessionCookie(.role(.supervisor)))
            let before = try await world.store.head()
            let reply = try await caller.send(
                .post, "//api/v1/transfers/T1/strike", as: .anonymous,
                body: ByteBuffer(string: #"{"case":"V2","reason":"no CSRF value, only the cookie"}"#),
                headers: [.cookie: cookie, .contentType: "application/json"])
            let appended = try await world.events(after: before.seq)
            do {
                #expect(
                    reply.status == .unauthorized || reply.status == .notFound, "POST //api/v1/transfers/T1/strike with only the cookie: \(reply)")
                #expect(appended.isEmpty, "recorded \(appended.map(\.type))")
            }
        }
    }

    // MARK: 5b. Lifting a court order

    @Test(
        "Counsel lifts a court order from its page: a bad date is refused naming the field and records nothing; other roles see no form and get 403")
    func liftCourtOrder() async throws {
        let store = InMemoryEventStore()
        let world = try await Worlds.scenario(store)
        try await store.append(records: [TestRecords.courtOrder("CO-LIFT", issuedOn: "2025-04-01", scope: ["cases": ["V1"]])])
        try await world.test { caller in
            let officer = try #require(caller.sessionCookie(.role(.officer)))
            let officerPage = try await Self.page(caller, "/court-orders/CO-LIFT", cookie: officer)
            #expect(officerPage.status == .ok && !officerPage.text.contains("Record a lift"), "an officer is offered the lift form")
            let officerCSRF = try #require(try await caller.pageCSRF(cookie: officer))
            let refused = try await Self.post(
                caller, "/court-orders/CO-LIFT/lift", cookie: officer, fields: ["csrf": officerCSRF, "on": "2025-05-01"])
            #expect(refused.status == .forbidden, "\(refused)")

            let counsel = try #require(caller.sessionCookie(.role(.counsel)))
            let csrf = try #require(try await caller.pageCSRF(cookie: counsel))
            let form = try await Self.page(caller, "/court-orders/CO-LIFT", cookie: counsel)
            #expect(form.text.contains("Record a lift") && form.text.contains(#"action="/court-orders/CO-LIFT/lift""#), "no lift form for counsel")

            let before = try await world.events().count
            let bad = try await Self.post(caller, "/court-orders/CO-LIFT/lift", cookie: counsel, fields: ["csrf": csrf, "on": "2025-13-01"])
            #expect(bad.status == .unprocessableContent, "\(bad)")
            #expect(
                bad.text.contains("on") && bad.text.contains("2025-13-01") && bad.text.contains("role=\"alert\""),
                "the error does not name the date: \(bad.text.prefix(2000))")
            #expect(try await world.events().count == before, "a refused lift recorded something")
            let unknown = try await Self.post(caller, "/court-orders/NO-SUCH/lift", cookie: counsel, fields: ["csrf": csrf, "on": "2025-05-01"])
            #expect(unknown.status == .unprocessableContent || unknown.status == .notFound, "\(unknown)")
            #expect(try await world.events().count == before, "a lift of an unknown order recorded something")

            let lifted = try await Self.post(
                caller, "/court-orders/CO-LIFT/lift", cookie: counsel,
                fields: ["csrf": csrf, "on": "2025-05-01", "reason": "vacated on appeal"])
            #expect(lifted.status == .seeOther && lifted.headers[.location] == "/court-orders/CO-LIFT", "\(lifted)")
            let events = try await world.events()
            let event = try #require(events.last { $0.type == "court-order-lift" }, "\(events.suffix(3).map(\.type))")
            #expect(
                event.json["id"] == "CO-LIFT" && event.json["on"] == "2025-05-01" && event.json["reason"] == "vacated on appeal", "\(event.payload)")
            #expect(event.actor.hasPrefix("counsel:"), "\(event.actor)")
            let after = try await Self.page(caller, "/court-orders/CO-LIFT", cookie: counsel)
            #expect(after.text.contains("<dt>Lifted</dt><dd>2025-05-01</dd>") && !after.text.contains("Record a lift"), "\(after.text.prefix(3000))")
        }
    }

    // MARK: 6. Escaping

    @Test("A court order's court and citation and a case id with markup are shown escaped on every page that shows them")
    func escaping() async throws {
        let store = InMemoryEventStore()
        let world = try await Worlds.scenario(store)
        let caseID = "X<i>1"
        try await store.append(records: [TestRecords.caseRecord(caseID, nationalities: ["VEN"]), TestRecords.order(caseID)])
        let court = "<b>x</b>", citation = #"No. 1 <script>alert(1)</script> & "q" 'a'"#
        try await world.test { caller in
            // Recorded through the page form, as counsel would.
            let counsel = try #require(caller.sessionCookie(.role(.counsel)))
            let csrf = try #require(try await caller.pageCSRF(cookie: counsel))
            let recorded = try await Self.post(
                caller, "/court-orders", cookie: counsel,
                fields: [
                    "csrf": csrf, "id": "CO-XSS", "court": court, "citation": citation, "issuedOn": "2025-04-01",
                    "cases": "\(caseID) V1", "effect": "block",
                ])
            #expect(recorded.status == .seeOther && recorded.headers[.location] == "/court-orders/CO-XSS", "\(recorded)")
            let stored = try #require(try await world.events().last { $0.type == "court-order" })
            #expect(stored.json["court"] == .string(court) && stored.json["citation"] == .string(citation), "\(stored.payload)")

            let officer = try #require(caller.sessionCookie(.role(.officer)))
            let escapedCourt = "&lt;b&gt;x&lt;/b&gt;", escapedScript = "&lt;script&gt;alert(1)&lt;/script&gt;", escapedCase = "X&lt;i&gt;1"
            for uri in ["/court-orders/CO-XSS", "/court-orders/CO-XSS/impact", "/court-orders"] {
                let page = try await Self.page(caller, uri, cookie: officer)
                #expect(page.status == .ok, "GET \(uri): \(page)")
                #expect(page.text.contains(escapedCourt), "GET \(uri): the court is not shown escaped")
                #expect(page.text.contains(escapedScript), "GET \(uri): the citation is not shown escaped")
                Self.expectNoRawMarkup(page, uri)
            }
            let order = try await Self.page(caller, "/court-orders/CO-XSS/impact", cookie: officer)
            #expect(order.text.contains("<code>\(escapedCase)</code>"), "the covered case is not shown escaped")
            #expect(order.text.contains(#"href="/cases/X%3Ci%3E1""#), "the covered case's link is not percent-encoded")

            // The case page (under its percent-encoded path), the list, a search echoing the
            // query, and the transfer holding V1 under the order.
            let casePage = try await Self.page(caller, "/cases/X%3Ci%3E1", cookie: officer)
            #expect(casePage.status == .ok, "\(casePage)")
            #expect(
                casePage.text.contains("Case <code>\(escapedCase)</code>") && casePage.text.contains("<title>Case \(escapedCase) — Corridor</title>"),
                "the case page does not show the id escaped")
            Self.expectNoRawMarkup(casePage, "the case page")
            for uri in ["/cases?q=%3Ci%3E", "/transfers/T1"] {
                let page = try await Self.page(caller, uri, cookie: officer)
                #expect(page.status == .ok, "GET \(uri): \(page)")
                Self.expectNoRawMarkup(page, uri)
            }
            #expect(
                try await Self.page(caller, "/cases?q=%3Ci%3E", cookie: officer).text.contains(escapedCase), "the list does not show the case escaped"
            )
            #expect(
                try await Self.page(caller, "/transfers/T1", cookie: officer).text.contains(escapedCourt),
                "the transfer's hold does not show the court escaped")
            let unknown = try await Self.page(caller, "/cases/%3Cb%3Ex%3C%2Fb%3E", cookie: officer)
            #expect(unknown.status == .notFound && unknown.text.contains(escapedCourt), "\(unknown)")
            Self.expectNoRawMarkup(unknown, "the no-such-case page")
        }
    }

    // MARK: 7. Simulate

    @Test("/simulate?run=1&runs=1 renders the chart and the outputs table; runs=999 answers 400 naming the problem")
    func simulate() async throws {
        let world = try await Worlds.scenario()
        try await world.test { caller in
            let ran = try await caller.get("/simulate?run=1&runs=1", as: .anonymous)
            #expect(ran.status == .ok && ran.contentType.hasPrefix("text/html"), "\(ran.status.code) \(ran.contentType)")
            #expect(ran.text.contains("<svg"), "no chart")
            #expect(ran.text.contains(#"<h2 id="summary-heading">Outputs</h2>"#) && ran.text.contains(#"<th scope="row">"#), "no outputs table")
            #expect(ran.text.contains("Ran 1 replication "), "the page does not say what ran")

            let refused = try await caller.get("/simulate?runs=999&run=1", as: .anonymous)
            #expect(refused.status == .badRequest, "\(refused.status.code)")
            #expect(refused.contentType.hasPrefix("text/html"), "\(refused.contentType)")
            #expect(
                refused.text.contains("runs: &#39;999&#39; must be a number from 1 to 20"), "the problem is not named: \(refused.text.suffix(3000))")
            #expect(!refused.text.contains("<svg"), "it ran anyway")
        }
    }
}

// MARK: Helpers

extension PageSessionTests {
    /// One `Set-Cookie` field, parsed.
    struct SetCookie: CustomStringConvertible {
        var name: String
        var value: String
        /// Lower-cased attribute names with their values (`path`, `samesite`, `max-age` …).
        var attributes: [String: String]
        /// Lower-cased attributes without a value (`httponly`, `secure`).
        var flags: Set<String>
        var raw: String
        var description: String { raw }

        init(_ raw: String) {
            self.raw = raw
            let parts = raw.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            let pair = (parts.first ?? "").split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            name = pair.first.map(String.init) ?? ""
            value = pair.count > 1 ? String(pair[1]) : ""
            attributes = [:]
            flags = []
            for part in parts.dropFirst() {
                let attribute = part.split(separator: "=", maxSplits: 1)
                if attribute.count == 2 { attributes[attribute[0].lowercased()] = String(attribute[1]) } else { flags.insert(part.lowercased()) }
            }
        }
    }

    static func setCookies(_ reply: Reply) -> [String: SetCookie] {
        Dictionary(reply.headers[values: .setCookie].map { SetCookie($0) }.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The decoded `next` of a redirect to the sign-in form (nil for another answer).
    static func signInNext(_ reply: Reply) -> String? {
        guard reply.status == .seeOther, let location = reply.headers[.location], location.hasPrefix("/signin?next=") else { return nil }
        return String(location.dropFirst("/signin?next=".count)).removingPercentEncoding
    }

    /// A Location as a browser reads it: tab and newlines removed (WHATWG URL parsing), and
    /// `\` taken for `/` (http and https are special schemes).
    static func browserView(_ location: String) -> String {
        String(location.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" && $0 != "\r\n" }).replacingOccurrences(of: "\\", with: "/")
    }

    /// Whether a Location keeps the browser on this site: a path, not `//host` or a scheme.
    static func isSameSite(_ location: String) -> Bool {
        let seen = browserView(location).drop { $0 == " " }
        return seen.hasPrefix("/") && !seen.hasPrefix("//")
    }

    /// GET a page as a browser with `cookie` (and no Authorization header).
    static func page(_ caller: Caller, _ uri: String, cookie: String?) async throws -> Reply {
        try await caller.send(.get, uri, as: .anonymous, headers: cookie.map { [.cookie: $0] } ?? [:])
    }

    /// Submits a form as a browser with `cookie`.
    static func post(
        _ caller: Caller, _ uri: String, method: HTTPRequest.Method = .post, cookie: String?, fields: [String: String]
    ) async throws -> Reply {
        let body = fields.sorted { $0.key < $1.key }.map { "\(Self.encoded($0.key))=\(Self.encoded($0.value))" }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        return try await caller.send(method, uri, as: .anonymous, body: ByteBuffer(string: body), headers: headers)
    }

    /// Signs in through the form; the `Cookie` header of the session it set.
    /// Signs in through the form with `next`; expects 303 and returns its Location.
    static func signInLocation(
        _ caller: Caller, secret: String, next: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let form = try #require(try await caller.signInForm(), sourceLocation: sourceLocation)
        let reply = try await post(caller, "/signin", cookie: form.cookie, fields: ["csrf": form.csrf, "token": secret, "next": next])
        #expect(reply.status == .seeOther, "\(reply)", sourceLocation: sourceLocation)
        return reply.headers[.location] ?? ""
    }

    static func signIn(_ caller: Caller, _ secret: String) async throws -> String? {
        guard let form = try await caller.signInForm() else { return nil }
        let reply = try await post(caller, "/signin", cookie: form.cookie, fields: ["csrf": form.csrf, "token": secret])
        return setCookies(reply)["corridor_session"].map { "corridor_session=\($0.value)" }
    }

    /// Percent-encodes a form or query value (everything but unreserved characters).
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? text
    }

    /// The markup the tests record never appears raw.
    static func expectNoRawMarkup(_ reply: Reply, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for raw in ["<b>x</b>", "<script>alert(1)", "<i>"] {
            #expect(!reply.text.contains(raw), "\(context): '\(raw)' appears unescaped", sourceLocation: sourceLocation)
        }
    }
}
