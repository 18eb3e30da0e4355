import HTTPTypes
import Testing

@testable import PushAPI

/// The client says which call failed: errors are read by the endpoint it
/// called, never by reading the URL path back.
@Suite struct EndpointErrorTests {
    func client(_ transport: ScriptedTransport) -> PushClient {
        var client = PushClient(
            configuration: PushConfiguration(baseURL: "http://x", integrationID: "acme", apiKey: APIKey("k")),
            transport: transport, retryPolicy: RetryPolicy(maxAttempts: 1))
        client.sleep = { _ in }
        return client
    }

    /// Each of the client's calls, made once.
    static let calls: [(Endpoint, @Sendable (PushClient) async throws(PushAPIError) -> Void)] = [
        (.startSession, { c throws(PushAPIError) in _ = try await c.startSession() }),
        (.readSession, { c throws(PushAPIError) in _ = try await c.session("s1") }),
        (.pushPage, { c throws(PushAPIError) in _ = try await c.push(EntityPage(type: "User", records: []), to: "s1") }),
        (.pushPage, { c throws(PushAPIError) in _ = try await c.push(encodedPage: Array("{}".utf8), to: "s1") }),
        (.closeSession, { c throws(PushAPIError) in _ = try await c.close("s1", action: .apply) }),
        (.integrationStatus, { c throws(PushAPIError) in _ = try await c.integrationStatus() }),
        (.activity, { c throws(PushAPIError) in _ = try await c.activity() }),
    ]

    func failure(
        _ outcome: Result<TransportResponse, TransportFailure>, _ call: @Sendable (PushClient) async throws(PushAPIError) -> Void
    ) async -> PushAPIError? {
        do {
            try await call(client(ScriptedTransport([outcome])))
            return nil
        } catch {
            return error
        }
    }

    @Test func everyFailureNamesItsEndpoint() async {
        let outcomes: [Result<TransportResponse, TransportFailure>] = [
            response(404, #"{"error":{"code":"not_found","message":"no"}}"#),
            response(409, #"{"error":{"code":"conflict","message":"no"}}"#),
            response(200, "not json"),
            response(200, "[]"),
            .failure(TransportFailure(.connectionLost, "dropped")),
            .failure(TransportFailure(.notConnected, "refused")),
        ]
        for (endpoint, call) in Self.calls {
            for outcome in outcomes {
                let error = await failure(outcome, call)
                #expect(error?.endpoint == endpoint, "\(endpoint) after \(outcome)")
            }
        }
    }

    /// A lost page is told apart from any other lost POST by the endpoint,
    /// whatever its path looks like; a lost read could not have acted. The
    /// client sets the facts only (PushAPIError has no hint to write words
    /// into): the words are the language layer's.
    @Test func lostPageIsToldByTheEndpointNotThePath() async throws {
        let lost = TransportFailure(.connectionLost, "dropped")
        let page = try #require(await failure(.failure(lost), Self.calls[2].1))
        #expect(page.endpoint == .pushPage && page.mayHaveTakenEffect)
        let start = try #require(await failure(.failure(lost), Self.calls[0].1))
        #expect(start.endpoint == .startSession && start.mayHaveTakenEffect)
        let read = try #require(await failure(.failure(lost), Self.calls[1].1))
        #expect(read.endpoint == .readSession && !read.mayHaveTakenEffect)
        let refused = try #require(await failure(.failure(TransportFailure(.notConnected, "refused")), Self.calls[2].1))
        #expect(!refused.mayHaveTakenEffect && refused.serverIsLocal && refused.transportCause == .connectionRefused)

        // A request built elsewhere whose path ends in /entities is not a page push.
        let client = client(ScriptedTransport([.failure(lost)]))
        let request = TransportRequest(method: .post, path: "/v1/integrations/acme/sessions/s1/entities")
        await #expect {
            _ = try await client.call(request, decode: Session.init(json:))
        } throws: { error in
            let e = error as! PushAPIError
            return e.endpoint == nil && e.mayHaveTakenEffect
        }
    }

    /// A refusal carries a typed reason, chosen by the endpoint; no pushsh
    /// command is written into it here (that is the language layer's).
    @Test func refusalsCarryATypedReasonAndNoShellWords() async {
        let cases: [(Int, Result<TransportResponse, TransportFailure>, PushAPIError.Reason)] = [
            (
                0, response(409, #"{"error":{"code":"session_already_active","message":"no","active_session_id":"ses_9"}}"#),
                .sessionAlreadyActive(id: "ses_9")
            ),
            (2, response(409, #"{"error":{"code":"session_not_active","message":"no","state":"expired"}}"#), .sessionExpired),
            (
                2, response(409, #"{"error":{"code":"session_not_active","message":"no","state":"processed"}}"#),
                .sessionClosed(state: "processed")
            ),
            (2, response(409, #"{"error":{"code":"session_not_active","message":"no"}}"#), .sessionNotActive),
            (4, response(409, #"{"error":{"code":"session_not_active","message":"no"}}"#), .sessionNotClosable),
            (1, response(404, #"{"error":{"code":"session_not_found","message":"no"}}"#), .noSuchSession),
            (5, response(404, #"{"error":{"code":"not_found","message":"no"}}"#), .notFound),
            (
                5, response(429, #"{"error":{"code":"rate_limited","message":"no"}}"#, headers: [("Retry-After", "7200")]),
                .retryAfterTooLong(asked: .seconds(7200), retryingFor: .seconds(60))
            ),
            (5, response(503, "{}"), .serviceFailing),
        ]
        for (call, outcome, reason) in cases {
            let error = await failure(outcome, Self.calls[call].1)
            #expect(error?.reason == reason)
        }
    }
}
