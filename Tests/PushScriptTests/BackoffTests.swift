import BuiltInSandbox
import HTTPTypes
import PushAPI
import PushScript
import Synchronization
import Testing
import _PushTestSupport

/// Every retry waits by one backoff (the retry policy's, with jitter from
/// the client's injectable random source): the client's own, and those the
/// language makes when a start's or a close's answer was lost. On the
/// built-in sandbox a wait moves its clock, so the waits can be read off it.
@Suite struct BackoffTests {
    /// Loses the answer of the first request whose method and path end match,
    /// before the service sees it (so a retry is safe and nothing lands twice).
    final class LosesFirst: Transport {
        let inner: any Transport
        let method: String
        let pathEnd: String
        let lost = Mutex(false)

        init(_ inner: any Transport, _ method: String, _ pathEnd: String) {
            self.inner = inner
            self.method = method
            self.pathEnd = pathEnd
        }
        var destination: String { inner.destination }

        func send(_ request: TransportRequest, timeout: Duration) async throws(TransportFailure) -> TransportResponse {
            let lose = request.method.rawValue == method && request.path.hasSuffix(pathEnd) && !lost.withLock { $0 }
            if lose {
                lost.withLock { $0 = true }
                throw TransportFailure(.connectionLost, "lost on purpose")
            }
            return try await inner.send(request, timeout: timeout)
        }

        func shutdown() async {}
    }

    /// A frozen sandbox whose client loses one answer and draws `random` for jitter.
    func sandbox(losing method: String, _ pathEnd: String, random: Double) -> Connection {
        let frozen = frozenSandbox()
        var client = PushClient(
            configuration: frozen.client.configuration, transport: LosesFirst(frozen.client.transport, method, pathEnd),
            retryPolicy: RetryPolicy(baseDelay: .milliseconds(200)))
        client.random = { random }
        return Connection(client: client, sandbox: frozen.sandbox, label: "sandbox")
    }

    @Test(arguments: [0.25, 1.0])
    func aLostStartWaitsTheJitteredBackoff(random: Double) async throws {
        let connection = sandbox(losing: "POST", "/sessions", random: random)
        let sandbox = try #require(connection.sandbox)
        let before = sandbox.now()
        let run = await runScript("let s = start", connection: connection)
        #expect(run.code == 0, "\(run.stderr)")
        // The first retry's cap is the base delay (200 ms), scaled by the jitter drawn.
        #expect(sandbox.now().duration(since: before) == .milliseconds(Int64(200 * random)))
    }

    @Test func aLostCloseWaitsTheSameBackoff() async throws {
        let connection = sandbox(losing: "POST", "/close", random: 0.5)
        let sandbox = try #require(connection.sandbox)
        let before = sandbox.now()
        let run = await runScript("let s = start\nclose s discard\nexpect s.state == \"cancelled\"", connection: connection)
        #expect(run.code == 0, "\(run.stderr)")
        // Only the close was lost: its one retry waited half the first cap.
        #expect(sandbox.now().duration(since: before) == .milliseconds(100))
    }

    @Test func theClientsBackoffIsCappedAndFollowsRetryAfter() {
        var client = frozenSandbox().client
        client.retryPolicy = RetryPolicy(baseDelay: .milliseconds(200), maxDelay: .seconds(10))
        client.random = { 1.0 }
        #expect(client.backoff(afterAttempt: 1) == .milliseconds(200))
        #expect(client.backoff(afterAttempt: 3) == .milliseconds(800))
        #expect(client.backoff(afterAttempt: 10) == .seconds(10))
        #expect(client.backoff(afterAttempt: 10, atMost: .seconds(5)) == .seconds(5))
        #expect(client.backoff(afterAttempt: 1, retryAfter: .seconds(3)) == .seconds(3))
        client.random = { 0.5 }
        #expect(client.backoff(afterAttempt: 2) == .milliseconds(200))
    }
}
