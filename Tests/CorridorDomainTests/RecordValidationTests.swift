import CorridorDomain
import Testing

/// Every record type of the vocabulary, valid and refused, from `Fixtures/record-validation.jsonl`.
struct RecordValidationTests {
    @Test("Record validation case", arguments: try ValidationCase.load())
    func validationCase(_ testCase: ValidationCase) throws {
        if let issue = testCase.knownIssue {
            withKnownIssue(Comment(rawValue: issue)) { try check(testCase) }
        } else {
            try check(testCase)
        }
    }

    private func check(_ testCase: ValidationCase) throws {
        let result = testCase.decode()
        switch testCase.expectation {
        case .valid:
            let sourced = try result.get()
            #expect(sourced.record.kind.rawValue == testCase.declaredType)
            // The canonical payload is what the log stores: it must decode to the same record.
            let reparsed = try Record.parse(sourced.payload)
            #expect(reparsed == sourced.record)
        case .refused(let code, let field, let message):
            guard case .failure(let error) = result else {
                Issue.record("accepted, but should be refused with \(code) on \(field ?? "no field")")
                return
            }
            #expect(error.code == code, "\(error)")
            #expect(error.field == field, "\(error)")
            #expect(error.message.contains(message), "message was: \(error.message)")
            if let field {
                #expect(error.description.contains("field '\(field)'"))
            }
        }
    }

    @Test("The fixture covers every record type, each accepted and refused at least once")
    func fixtureCoversEveryType() throws {
        let cases = try ValidationCase.load()
        for kind in Record.Kind.allCases {
            let ofKind = cases.filter { $0.declaredType == kind.rawValue }
            #expect(ofKind.contains { if case .valid = $0.expectation { true } else { false } }, "no valid \(kind.rawValue)")
            #expect(ofKind.contains { if case .refused = $0.expectation { true } else { false } }, "no refused \(kind.rawValue)")
        }
        #expect(Set(cases.map(\.name)).count == cases.count, "case names must be unique")
    }

    @Test("A refused record's message never echoes more than 40 characters of a long bad value")
    func longBadValueIsTruncated() throws {
        let long = String(repeating: "x", count: 500)
        let value: JSONValue = ["type": "country", "code": .string(long), "name": "n"]
        #expect {
            try SourcedRecord.make(value)
        } throws: { error in
            guard let error = error as? RecordError else { return false }
            return error.field == "code" && !error.message.contains(long) && error.message.contains(String(long.prefix(40)))
        }
    }

    @Test("Decoding gives typed values: dates, instants, enumerations and nested terms")
    func decodedValues() throws {
        let record = try Record.parse(
            #"""
            {"type": "arrangement", "id": "us-gtm-aca-2019", "partner": "GTM", "kind": "asylum-cooperative",
             "terms": {"nationalities": ["HND", "SLV"], "hostHandling": ["asylum"], "capacityTotal": 1000,
                       "payment": {"perPersonUSD": 2500.5}}}
            """#)
        guard case .arrangement(let arrangement) = record else {
            Issue.record("decoded as \(record.kind)")
            return
        }
        #expect(arrangement.id == "us-gtm-aca-2019")
        #expect(arrangement.removingState == "USA")
        #expect(arrangement.kind == .asylumCooperative)
        #expect(arrangement.terms.nationalities == .only(["HND", "SLV"]))
        #expect(arrangement.terms.nationalities?.covers("SLV") == true)
        #expect(arrangement.terms.nationalities?.covers("GTM") == false)
        #expect(arrangement.terms.hostHandling == [.asylum])
        #expect(arrangement.terms.capacityTotal == 1000)
        #expect(arrangement.terms.payment?.perPersonUSD == 2500.5)

        let notice = try Record.parse(#"{"type":"notice","case":"C1","destination":"MEX","servedOn":"2025-05-20T10:30:00-04:00"}"#)
        guard case .notice(let n) = notice else {
            Issue.record("decoded as \(notice.kind)")
            return
        }
        #expect(n.servedOn == Instant(rfc3339: "2025-05-20T14:30:00Z"))
        #expect(notice.caseID == "C1")

        let lock = try Record.parse(#"{"type":"transfer-lock","transfer":"T1","at":"2025-03-15T12:00:00Z"}"#)
        #expect(lock.kind == .transferLock)
        guard case .transferStep(let step) = lock else {
            Issue.record("decoded as \(lock.kind)")
            return
        }
        #expect(step.step == .lock)

        let order = try Record.parse(
            #"{"type":"court-order","id":"o","court":"c","citation":"c","issuedOn":"2025-04-18","scope":{"pathways":["asylum-transfer"]},"effect":{"noticeDays":10}}"#
        )
        guard case .courtOrder(let o) = order else {
            Issue.record("decoded as \(order.kind)")
            return
        }
        #expect(o.effect == .noticeDays(10))
        #expect(o.scope.pathways == [.asylumTransfer])
        #expect(o.scope.cases == nil)
    }

    @Test("Two spellings of the same record have the same canonical payload")
    func canonicalPayloadIgnoresSpelling() throws {
        let a = try SourcedRecord.make(try JSONParser.parse(#"{"type":"case","case":"C1","nationalities":["GTM"]}"#))
        let b = try SourcedRecord.make(try JSONParser.parse(#"{ "nationalities" : [ "GTM" ] , "case" : "C\u0031", "type" : "case" }"#))
        #expect(a.payload == b.payload)
        #expect(a.payload == #"{"case":"C1","nationalities":["GTM"],"type":"case"}"#)
    }
}
