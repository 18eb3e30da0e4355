import HTTPTypes
import PushAPI
import Testing
import _PushTestSupport

@testable import PushSandbox

@Suite struct StateMachineTests {
    @Test func theDocumentedFlowEndsProcessedWithRecordsApplied() throws {
        let sandbox = makeSandbox()
        let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: "nightly-1")
        #expect(s.state == .active)
        #expect(s.expiresAt == t0.adding(.seconds(3600)))
        #expect(s.acceptedBatches == nil)  // a start answers Session, not SessionStatus
        let answer = try sandbox.push(integrationID: "acme", sessionID: s.id, body: page([user("E1"), user("E2")], hint: 1))
        #expect(answer.acceptedCountTotal == 2)
        #expect(answer.echoedPageHint == 1)
        let closed = try sandbox.close(integrationID: "acme", sessionID: s.id, action: .apply)
        #expect(closed.state == .processing)
        #expect(try sandbox.records(integrationID: "acme", entityType: "User").isEmpty)
        sandbox.advanceClock(by: .milliseconds(1999))
        #expect(try sandbox.session(integrationID: "acme", sessionID: s.id).state == .processing)
        sandbox.advanceClock(by: .milliseconds(1))
        let done = try sandbox.session(integrationID: "acme", sessionID: s.id)
        #expect(done.state == .processed)
        #expect(done.acceptedRecordsTotal == 2 && done.acceptedBatches == 1 && done.retryCount == 0 && done.lastError == nil)
        #expect(try sandbox.records(integrationID: "acme", entityType: "User") == [user("E1"), user("E2")])
    }

    @Test func discardCancelsAndAppliesNothing() throws {
        let sandbox = makeSandbox()
        let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        _ = try sandbox.push(integrationID: "acme", sessionID: s.id, body: page([user("E1")]))
        #expect(try sandbox.close(integrationID: "acme", sessionID: s.id, action: .discard).state == .cancelled)
        sandbox.advanceClock(by: .seconds(60))
        #expect(try sandbox.session(integrationID: "acme", sessionID: s.id).state == .cancelled)
        #expect(try sandbox.records(integrationID: "acme", entityType: "User").isEmpty)
    }

    /// `inspect` shows everything yet resets nothing: a session looked at
    /// that way still expires when its hour is up, unlike one read by GET.
    @Test func inspectingLeavesTheInactivityClockAlone() throws {
        let sandbox = makeSandbox(timeout: .seconds(60))
        let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        _ = try sandbox.push(integrationID: "acme", sessionID: s.id, body: page([user("E1"), user("E2")]))
        _ = try? sandbox.push(integrationID: "acme", sessionID: s.id, body: page([["employeeId": "E3"]]))
        sandbox.advanceClock(by: .seconds(59))
        let held = try sandbox.inspect(integrationID: "acme")
        #expect(held.now == t0.adding(.seconds(59)))
        #expect(held.sessions.map(\.id) == [s.id])
        #expect(held.sessions.first?.state == .active && held.sessions.first?.acceptedRecordsTotal == 2)
        #expect(held.sessions.first?.expiresAt == t0.adding(.seconds(60)))
        #expect(held.events.map(\.type) == ["session_created", "batch_accepted", "batch_rejected"])
        #expect(held.records.isEmpty)
        sandbox.advanceClock(by: .seconds(1))
        #expect(try sandbox.inspect(integrationID: "acme").sessions.first?.state == .expired)
        #expect(throws: SandboxError.self) { try sandbox.inspect(integrationID: "nobody") }
    }

    @Test func expiresAfterInactivityAndAnyRequestResetsTheClock() throws {
        let sandbox = makeSandbox(timeout: .seconds(60))
        let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        sandbox.advanceClock(by: .seconds(59))
        let read = try sandbox.session(integrationID: "acme", sessionID: s.id)  // a read counts as activity
        #expect(read.state == .active && read.expiresAt == t0.adding(.seconds(119)))
        sandbox.advanceClock(by: .seconds(59))
        #expect(try sandbox.session(integrationID: "acme", sessionID: s.id).state == .active)
        sandbox.advanceClock(by: .seconds(60))
        let expired = try sandbox.session(integrationID: "acme", sessionID: s.id)
        #expect(expired.state == .expired)
        #expect(expired.updatedAt == t0.adding(.seconds(178)))  // when it expired, not when it was seen
    }

    @Test func anExpiredSessionCanStillBeApplied() throws {
        let sandbox = makeSandbox(timeout: .seconds(60))
        let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        _ = try sandbox.push(integrationID: "acme", sessionID: s.id, body: page([user("E1")]))
        sandbox.advanceClock(by: .seconds(61))
        #expect(throws: SandboxError.self) { try sandbox.push(integrationID: "acme", sessionID: s.id, body: page([user("E2")])) }
        #expect(try sandbox.close(integrationID: "acme", sessionID: s.id, action: .apply).state == .processing)
        sandbox.advanceClock(by: .seconds(2))
        #expect(try sandbox.session(integrationID: "acme", sessionID: s.id).state == .processed)
        #expect(try sandbox.records(integrationID: "acme", entityType: "User") == [user("E1")])
    }

    @Test func anExpiredSessionCanBeDiscarded() throws {
        let sandbox = makeSandbox(timeout: .seconds(60))
        let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        sandbox.advanceClock(by: .seconds(61))
        #expect(try sandbox.close(integrationID: "acme", sessionID: s.id, action: .discard).state == .cancelled)
    }

    @Test(arguments: [SessionState.processing, .processed, .cancelled, .failed])
    func closingANonActiveSessionIsRefused(state: SessionState) throws {
        let sandbox = makeSandbox()
        let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        switch state {
        case .cancelled: _ = try sandbox.close(integrationID: "acme", sessionID: s.id, action: .discard)
        case .failed:
            sandbox.failNextProcessing(2)
            _ = try sandbox.close(integrationID: "acme", sessionID: s.id, action: .apply)
            sandbox.advanceClock(by: .seconds(4))
        default:
            _ = try sandbox.close(integrationID: "acme", sessionID: s.id, action: .apply)
            if state == .processed { sandbox.advanceClock(by: .seconds(2)) }
        }
        #expect(try sandbox.session(integrationID: "acme", sessionID: s.id).state == state)
        for action in CloseAction.allCases {
            #expect { try sandbox.close(integrationID: "acme", sessionID: s.id, action: action) } throws: { error in
                (error as? SandboxError)?.status == .conflict && (error as? SandboxError)?.code == "session_not_closable"
            }
        }
        #expect { try sandbox.push(integrationID: "acme", sessionID: s.id, body: page([user("E1")])) } throws: { error in
            (error as? SandboxError)?.status == .conflict
        }
    }

    @Test func oneActiveSessionPerIntegration() throws {
        let sandbox = makeSandbox(timeout: .seconds(60))
        let first = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        #expect { try sandbox.startSession(integrationID: "acme", clientReferenceID: nil) } throws: { error in
            let e = error as! SandboxError
            return e.status == .conflict && e.details["active_session_id"] == .string(first.id) && e.message.contains(first.id)
        }
        // Another integration is not affected.
        _ = try sandbox.startSession(integrationID: "globex", clientReferenceID: nil)
        // After expiry a new one may start.
        sandbox.advanceClock(by: .seconds(60))
        let second = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        #expect(second.id != first.id)
    }

    @Test func oneProcessingFailureIsRetriedOnce() throws {
        let sandbox = makeSandbox()
        let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        _ = try sandbox.push(integrationID: "acme", sessionID: s.id, body: page([user("E1")]))
        sandbox.failNextProcessing(1)
        _ = try sandbox.close(integrationID: "acme", sessionID: s.id, action: .apply)
        sandbox.advanceClock(by: .seconds(2))
        let retrying = try sandbox.session(integrationID: "acme", sessionID: s.id)
        #expect(retrying.state == .processing && retrying.retryCount == 1 && retrying.lastError != nil)
        sandbox.advanceClock(by: .seconds(2))
        let done = try sandbox.session(integrationID: "acme", sessionID: s.id)
        #expect(done.state == .processed && done.retryCount == 1)
        #expect(try sandbox.records(integrationID: "acme", entityType: "User").count == 1)
    }

    @Test func twoProcessingFailuresEndInFailed() throws {
        let sandbox = makeSandbox()
        let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        _ = try sandbox.push(integrationID: "acme", sessionID: s.id, body: page([user("E1")]))
        sandbox.failNextProcessing(2)
        _ = try sandbox.close(integrationID: "acme", sessionID: s.id, action: .apply)
        sandbox.advanceClock(by: .seconds(10))
        let failed = try sandbox.session(integrationID: "acme", sessionID: s.id)
        #expect(failed.state == .failed && failed.retryCount == 1)
        #expect(failed.lastError?.contains("attempt 2") == true)
        #expect(try sandbox.records(integrationID: "acme", entityType: "User").isEmpty)
        #expect(sandbox.failuresPlanned == 0)
    }

    @Test func aPageIsAtomicAndEveryProblemIsListed() throws {
        let sandbox = makeSandbox()
        let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        var bad = user("E2", email: "not-an-email").objectValue!
        bad["employmentType"] = "INTERN"
        bad["employmentStartDate"] = "15/01/2022"
        bad["firstName"] = nil
        bad["lastName"] = 42
        #expect {
            try sandbox.push(integrationID: "acme", sessionID: s.id, body: page([user("E1"), .object(bad), "oops"]))
        } throws: { error in
            let e = error as! SandboxError
            let batch = try! BatchIngestResponse(json: e.body)
            let fields = batch.validationErrors.map { "\($0.index).\($0.field)" }
            return e.status == .badRequest && batch.acceptedCountTotal == 0 && batch.rejectedCountTotal == 3
                && fields == ["1.firstName", "1.lastName", "1.workEmail", "1.employmentStartDate", "1.employmentType", "2.(record)"]
        }
        let after = try sandbox.session(integrationID: "acme", sessionID: s.id)
        #expect(after.acceptedRecordsTotal == 0 && after.acceptedBatches == 0)
    }

    @Test func malformedEnvelopesAreRefused() throws {
        let sandbox = makeSandbox()
        let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        for body: JSONValue in [
            [], ["records": []], ["entities": []], ["entities": ["User": ["a": 1]]], ["entities": [:], "page_hint": "x"],
        ] {
            #expect { try sandbox.push(integrationID: "acme", sessionID: s.id, body: body) } throws: { error in
                (error as? SandboxError)?.code == "invalid_envelope"
            }
        }
    }

    @Test func recordsAreUpsertedByEmployeeIdInAcceptedOrder() throws {
        let sandbox = makeSandbox()
        let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        _ = try sandbox.push(integrationID: "acme", sessionID: s.id, body: page([user("E1"), user("E2")]))
        _ = try sandbox.push(integrationID: "acme", sessionID: s.id, body: page([user("E1", first: "Augusta"), user("E3")]))
        _ = try sandbox.close(integrationID: "acme", sessionID: s.id, action: .apply)
        sandbox.advanceClock(by: .seconds(2))
        #expect(try sandbox.records(integrationID: "acme", entityType: "User") == [user("E1", first: "Augusta"), user("E2"), user("E3")])
        // A second session replaces again.
        let s2 = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        _ = try sandbox.push(integrationID: "acme", sessionID: s2.id, body: page([user("E2", first: "Grace")]))
        _ = try sandbox.close(integrationID: "acme", sessionID: s2.id, action: .apply)
        sandbox.advanceClock(by: .seconds(2))
        #expect(try sandbox.records(integrationID: "acme", entityType: "User")[1] == user("E2", first: "Grace"))
    }

    @Test func statusCountsEveryState() throws {
        let sandbox = makeSandbox(timeout: .seconds(60))
        let a = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        _ = try sandbox.close(integrationID: "acme", sessionID: a.id, action: .apply)
        sandbox.advanceClock(by: .seconds(2))  // processed
        let b = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        sandbox.advanceClock(by: .seconds(60))  // b expired
        let c = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        _ = try sandbox.close(integrationID: "acme", sessionID: c.id, action: .apply)  // processing
        _ = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)  // active
        let counts = try sandbox.status(integrationID: "acme")
        #expect([counts.active, counts.processing, counts.processed, counts.failed, counts.expired] == [1, 1, 1, 0, 1])
        #expect(counts.lastActivityAt == t0.adding(.seconds(62)))
        _ = b
    }

    @Test func activityIsNewestFirstWithPagingAndSince() throws {
        let sandbox = makeSandbox()
        let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: "ref-9")
        sandbox.advanceClock(by: .seconds(1))
        _ = try sandbox.push(integrationID: "acme", sessionID: s.id, body: page([user("E1")]))
        _ = try? sandbox.push(integrationID: "acme", sessionID: s.id, body: page(["bad"]))
        _ = try sandbox.close(integrationID: "acme", sessionID: s.id, action: .apply)
        sandbox.advanceClock(by: .seconds(5))
        let all = try sandbox.activity(integrationID: "acme", since: nil, page: 1, pageSize: 50)
        #expect(
            all.items.map(\.type) == [
                "session_processed", "processing_started", "session_closed", "batch_rejected", "batch_accepted", "session_created",
            ])
        #expect(all.items.last?.details["client_reference_id"] == "ref-9")
        #expect(all.items[3].level == "warning")
        let first = try sandbox.activity(integrationID: "acme", since: nil, page: 1, pageSize: 4)
        #expect(first.items.count == 4 && first.nextPage == 2)
        let second = try sandbox.activity(integrationID: "acme", since: nil, page: 2, pageSize: 4)
        #expect(second.items.count == 2 && second.nextPage == nil)
        let recent = try sandbox.activity(integrationID: "acme", since: t0.adding(.seconds(1)), page: 1, pageSize: 50)
        #expect(recent.items.count == 5)
    }

    @Test func rateLimitAnswers429WithRetryAfter() throws {
        let sandbox = makeSandbox(rateLimit: 2)
        try sandbox.checkRateLimit(integrationID: "acme")
        try sandbox.checkRateLimit(integrationID: "acme")
        #expect { try sandbox.checkRateLimit(integrationID: "acme") } throws: { error in
            let e = error as! SandboxError
            return e.status == .tooManyRequests && e.retryAfterSeconds == 1
        }
        try sandbox.checkRateLimit(integrationID: "globex")  // budgets are per integration
        sandbox.advanceClock(by: .milliseconds(500))
        try sandbox.checkRateLimit(integrationID: "acme")
        sandbox.setRateLimit(nil)
        for _ in 0..<100 { try sandbox.checkRateLimit(integrationID: "acme") }
    }

    @Test func keysArePerIntegration() throws {
        let sandbox = makeSandbox()
        try sandbox.authenticate(integrationID: "acme", apiKey: "key-acme")
        for (integration, key) in [("acme", "key-globex"), ("acme", nil), ("acme", ""), ("nope", "key-acme"), ("acme", "key-acme ")] {
            #expect(throws: SandboxError.self) { try sandbox.authenticate(integrationID: integration, apiKey: key) }
        }
    }

    @Test func resetForgetsEverything() throws {
        let sandbox = makeSandbox()
        let s = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
        sandbox.reset()
        #expect(throws: SandboxError.self) { try sandbox.session(integrationID: "acme", sessionID: s.id) }
        _ = try sandbox.startSession(integrationID: "acme", clientReferenceID: nil)
    }
}
