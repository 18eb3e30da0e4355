import HTTPTypes
import PushAPI
import Testing

@testable import PushScript

/// The words a pushsh user reads about a failed call are chosen here, in the
/// language layer, from the typed facts the client core sets (the endpoint,
/// the transport cause, whether the request may have acted, the redirect).
@Suite struct APIErrorAdviceTests {
    /// Answers every request with the same outcome.
    struct OneOutcome: Transport {
        let outcome: Result<TransportResponse, TransportFailure>
        var destination: String { "http://127.0.0.1:9/api/external/push" }
        func send(_ request: TransportRequest, timeout: Duration) async throws(TransportFailure) -> TransportResponse {
            try outcome.get()
        }
        func shutdown() async {}
    }

    func failure(
        _ outcome: Result<TransportResponse, TransportFailure>,
        _ call: @Sendable (PushClient) async throws(PushAPIError) -> Void = { c throws(PushAPIError) in _ = try await c.session("s1") }
    ) async -> PushAPIError? {
        let client = PushClient(
            configuration: PushConfiguration(baseURL: "http://127.0.0.1:9/api/external/push", integrationID: "acme", apiKey: APIKey("k")),
            transport: OneOutcome(outcome: outcome), retryPolicy: RetryPolicy(maxAttempts: 1))
        do {
            try await call(client)
            return nil
        } catch {
            return error
        }
    }

    static let pushPage: @Sendable (PushClient) async throws(PushAPIError) -> Void = { c throws(PushAPIError) in
        _ = try await c.push(EntityPage(type: "User", records: []), to: "s1")
    }

    @Test func aLostPageIsAdvisedByItsEndpoint() async throws {
        let lost = Result<TransportResponse, TransportFailure>.failure(TransportFailure(.connectionLost, "dropped"))
        let page = try #require(await failure(lost, Self.pushPage))
        #expect(
            page.advice
                == "the page may or may not have been staged: read the session (status) and compare accepted_batches before sending it again"
        )
        let start = try #require(await failure(lost) { c throws(PushAPIError) in _ = try await c.startSession() })
        #expect(start.advice == "the request may have reached the service: read the session (status) before repeating it")
        // A read could not have acted: nothing to say about a lost read.
        #expect(try #require(await failure(lost)).advice == nil)
        let slow = try #require(await failure(.failure(TransportFailure(.timedOut, "slow")), Self.pushPage))
        #expect(slow.advice?.hasSuffix("; a slow service may need a longer timeout: set timeout 60s") == true)
    }

    @Test func aRefusedConnectionNamesTheSandboxOnlyOnThisMachine() async throws {
        let local = try #require(await failure(.failure(TransportFailure(.connectionRefused, server: "127.0.0.1:9", serverIsLocal: true))))
        #expect(local.advice == "is the service running and the base URL right? (pushsh serve prints its URL)")
        let remote = try #require(await failure(.failure(TransportFailure(.connectionRefused, server: "api.example:443"))))
        #expect(remote.advice == "check the base URL's host and port; behind a proxy, set HTTPS_PROXY (see docs/network.md)")
    }

    @Test func causesNameWhatToChange() async throws {
        let untrusted = try #require(await failure(.failure(TransportFailure(.tls(.untrustedIssuer)))))
        #expect(untrusted.advice?.contains("--cacert FILE, or connect ... cacert \"FILE\"") == true)
        let slow = try #require(await failure(.failure(TransportFailure(.timedOutBeforeSending))))
        #expect(slow.advice?.contains("set timeout 60s, --timeout 60s or PUSHSH_TIMEOUT") == true)
        let proxy = try #require(await failure(.failure(TransportFailure(.proxy(.authenticationRequired(proxy: "p:3128"))))))
        #expect(proxy.advice?.hasPrefix("give the proxy's credentials in its URL") == true)
    }

    @Test func aRedirectNotFollowedSuggestsTheBaseURL() async throws {
        let moved = TransportResponse(
            status: 301, headers: HTTPFields([("location", "https://127.0.0.1:9/api/external/push/v1/integrations/acme/sessions/s1")]))
        let error = try #require(await failure(.success(moved)))
        #expect(
            error.advice
                == "it points to another origin (https://127.0.0.1:9) than the configured http://127.0.0.1:9, and the API key must not go there; if that is the service, use it as the base URL: https://127.0.0.1:9/api/external/push (https://, not http://)"
        )
        let elsewhere = TransportResponse(status: 302, headers: HTTPFields([("location", "/login")]))
        let post = try #require(await failure(.success(elsewhere), Self.pushPage))
        #expect(post.advice == "a 302 lets a POST become a GET, which would drop the request's body; check the base URL")
    }
}
