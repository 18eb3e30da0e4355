import BuiltInSandbox
import Foundation
import HTTPConnections
import HTTPTypes
import PushAPI
import PushScript
import PushSyntax
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
        /// The bodies of the requests that matched, the lost one's included.
        let matched = Mutex<[String]>([])
        /// Done as the answer is lost: a signal arriving then, say.
        let whenLost: @Sendable () -> Void

        init(_ inner: any Transport, _ method: String, _ pathEnd: String, whenLost: @escaping @Sendable () -> Void = {}) {
            self.inner = inner
            self.method = method
            self.pathEnd = pathEnd
            self.whenLost = whenLost
        }
        var destination: String { inner.destination }

        func send(_ request: TransportRequest, timeout: Duration) async throws(TransportFailure) -> TransportResponse {
            let matches = request.method.rawValue == method && request.path.hasSuffix(pathEnd)
            if matches { matched.withLock { $0.append(String(decoding: request.body ?? [], as: UTF8.self)) } }
            if matches && !lost.withLock({ $0 }) {
                lost.withLock { $0 = true }
                whenLost()
                throw TransportFailure(.connectionLost, "lost on purpose")
            }
            return try await inner.send(request, timeout: timeout)
        }

        func shutdown() async {}
    }

    /// A frozen sandbox whose client loses one answer and draws `random` for jitter.
    func sandbox(losing method: String, _ pathEnd: String, random: Double) -> Connection {
        losingSandbox(method, pathEnd, random: random).connection
    }

    /// The same, with the transport that loses the answer, to count what it was sent.
    func losingSandbox(
        _ method: String, _ pathEnd: String, random: Double, whenLost: @escaping @Sendable () -> Void = {}
    ) -> (connection: Connection, transport: LosesFirst) {
        let frozen = frozenSandbox()
        let transport = LosesFirst(frozen.client.transport, method, pathEnd, whenLost: whenLost)
        var client = PushClient(
            configuration: frozen.client.configuration, transport: transport, retryPolicy: RetryPolicy(baseDelay: .milliseconds(200)))
        client.random = { random }
        return (Connection(client: client, sandbox: frozen.sandbox, label: "sandbox"), transport)
    }

    @Test(arguments: [0.25, 1.0])
    func aLostStartWaitsTheJitteredBackoff(random: Double) async throws {
        let connection = sandbox(losing: "POST", "/sessions", random: random)
        let sandbox = try #require(connection.sandbox)
        let before = sandbox.now()
        let run = await runScript("let s = start", connection: connection)
        #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
        // The first retry's cap is the base delay (200 ms), scaled by the jitter drawn.
        #expect(sandbox.now().duration(since: before) == .milliseconds(Int64(200 * random)))
    }

    @Test func aLostCloseWaitsTheSameBackoff() async throws {
        let connection = sandbox(losing: "POST", "/close", random: 0.5)
        let sandbox = try #require(connection.sandbox)
        let before = sandbox.now()
        let run = await runScript("let s = start\nclose s discard\nexpect s.state == \"cancelled\"", connection: connection)
        #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
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

    /// The interpreter a signal stops, known only once it is made (it needs the connection).
    final class StopTarget: Sendable {
        let interpreter = Mutex<Interpreter?>(nil)

        /// As a signal arriving now would: the runner marks the interpreter, then cancels the run.
        func signal() {
            interpreter.withLock { $0 }?.interrupt(.terminate)
            withUnsafeCurrentTask { $0?.cancel() }
        }
    }

    /// Runs `text` in a task of its own (the one the signal cancels), SIGTERM arriving as `pathEnd`'s answer is lost.
    func runStopped(_ text: String, losing method: String, _ pathEnd: String) async -> (run: ScriptRun, sent: [String]) {
        let target = StopTarget()
        let (connection, transport) = losingSandbox(method, pathEnd, random: 0.5) { target.signal() }
        let captured = CapturedOutput()
        let interpreter = Interpreter(connection: connection, output: captured, environment: [:], sandboxes: .builtIn, transports: .http)
        target.interpreter.withLock { $0 = interpreter }
        let code = await Task { await interpreter.run(SourceFile(name: "test.push", text: text)) }.value
        return (ScriptRun(output: captured, code: code, interpreter: interpreter), transport.matched.withLock { $0 })
    }

    @Test func aSignalDuringTheWaitAfterALostStartStopsIt() async {
        let (run, sent) = await runStopped("let s = start\nprint \"after\"", losing: "POST", "/sessions")
        #expect(run.code == ExitCode.terminated.rawValue, "\(run.stderr)")
        // Stopped in the wait, as a push is: the start is not sent again, and the run goes no further.
        #expect(sent.count == 1)
        #expect(run.stderr.contains("error: start interrupted by SIGTERM while waiting to send it again"), "\(run.stderr)")
        #expect(run.stderr.contains("it may have started a session"), "\(run.stderr)")
        #expect(!run.stdout.contains("after"))
    }

    @Test func aSignalDuringTheWaitAfterALostCloseStopsIt() async {
        let (run, sent) = await runStopped("let s = start\nclose s apply\nprint \"after\"", losing: "POST", "/close")
        #expect(run.code == ExitCode.terminated.rawValue, "\(run.stderr)")
        // The apply is not sent again; the one close after it is the clean-up's discard.
        #expect(sent.count == 2 && sent[0].contains("apply") && sent[1].contains("discard"), "\(sent)")
        #expect(run.stderr.contains("error: close interrupted by SIGTERM while waiting to send it again"), "\(run.stderr)")
        // The session the close did not reach is discarded, as after any stop.
        #expect(run.stderr.contains("discarded session ses_"), "\(run.stderr)")
        #expect(!run.stdout.contains("after"))
    }

    @Test func theResendCapIsTheOneTheDocsState() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/reliability.md"), encoding: .utf8)
            .replacingOccurrences(of: "\n", with: " ")
        let seconds = RetryPolicy.resendMaxDelay.components.seconds
        #expect(text.contains("at most \(seconds) s for a retry after a lost answer"))
        var client = frozenSandbox().client
        client.random = { 1.0 }
        #expect(client.backoff(afterAttempt: 30, atMost: RetryPolicy.resendMaxDelay) == .seconds(seconds))
    }
}
