import HTTPTypes
import Synchronization
import Testing

@testable import PushAPI

/// A transport that plays back a fixed list of outcomes: the network's side
/// of a retry, which a real server cannot produce on cue.
final class ScriptedTransport: Transport {
    let outcomes: Mutex<[Result<TransportResponse, TransportFailure>]>
    let sent = Mutex<[TransportRequest]>([])

    init(_ outcomes: [Result<TransportResponse, TransportFailure>]) { self.outcomes = Mutex(outcomes) }

    var destination: String { "script" }
    var requestCount: Int { sent.withLock { $0.count } }

    func send(_ request: TransportRequest, timeout: Duration) async throws(TransportFailure) -> TransportResponse {
        sent.withLock { $0.append(request) }
        let next = outcomes.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        guard let next else { throw TransportFailure(.other, "script exhausted") }
        return try next.get()
    }

    func shutdown() async {}
}

/// A shared, lockable list: what a test records from inside @Sendable closures.
final class Recorder<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    func append(_ item: Element) { items.withLock { $0.append(item) } }
    var all: [Element] { items.withLock { $0 } }
}

let sessionBody = Array(#"{"id":"ses_1","state":"active"}"#.utf8)

func response(_ status: HTTPResponse.Status, _ body: String = "{}", headers: [(name: String, value: String)] = []) -> Result<
    TransportResponse, TransportFailure
> {
    .success(TransportResponse(status: status, headers: HTTPFields(headers), body: Array(body.utf8)))
}

@Suite struct RetryTests {
    func client(_ transport: ScriptedTransport, waits: Recorder<Duration>, policy: RetryPolicy = RetryPolicy()) -> PushClient {
        var client = PushClient(
            configuration: PushConfiguration(baseURL: "http://x", integrationID: "acme", apiKey: APIKey("k")),
            transport: transport, retryPolicy: policy)
        client.sleep = { d in waits.append(d) }
        client.random = { 1.0 }
        return client
    }

    @Test func honoursRetryAfterOn429() async throws {
        let transport = ScriptedTransport([
            response(429, #"{"error":{"code":"rate_limited","message":"slow down"}}"#, headers: [("Retry-After", "3")]),
            .success(TransportResponse(status: 201, body: sessionBody)),
        ])
        let waits = Recorder<Duration>()
        let session = try await client(transport, waits: waits).startSession()
        #expect(session.id == "ses_1")
        #expect(waits.all == [.seconds(3)])
        #expect(transport.requestCount == 2)
    }

    @Test func backsOffExponentiallyOnReads() async throws {
        let transport = ScriptedTransport([
            response(503), response(502), response(504), .success(TransportResponse(status: 200, body: sessionBody)),
        ])
        let waits = Recorder<Duration>()
        _ = try await client(transport, waits: waits).session("ses_1")
        #expect(waits.all == [.milliseconds(200), .milliseconds(400), .milliseconds(800)])
    }

    /// A 408 means the service did nothing: repeated on any request (RFC 9110), a start included.
    @Test func retriesA408EvenOnAStart() async throws {
        let transport = ScriptedTransport([
            response(408, "<html>Request Timeout</html>"), .success(TransportResponse(status: 201, body: sessionBody)),
        ])
        let waits = Recorder<Duration>()
        let session = try await client(transport, waits: waits).startSession()
        #expect(session.id == "ses_1")
        #expect(transport.requestCount == 2)
    }

    /// The budget is time, not attempts: by default a request is retried
    /// until `maxTotal` is spent, counting the waits (a clock that moves by
    /// the waits alone, as the sandbox's does, still ends the retries).
    @Test func theDefaultBudgetIsTimeNotAttempts() async throws {
        let transport = ScriptedTransport(
            Array(repeating: response(503), count: 40) + [.success(TransportResponse(status: 200, body: sessionBody))])
        let waits = Recorder<Duration>()
        _ = try await client(transport, waits: waits, policy: RetryPolicy(maxTotal: .seconds(600))).session("ses_1")
        #expect(transport.requestCount == 41)
        let spent = ScriptedTransport(Array(repeating: response(503), count: 100))
        let spentWaits = Recorder<Duration>()
        await #expect(throws: PushAPIError.self) {
            _ = try await client(spent, waits: spentWaits, policy: RetryPolicy(maxTotal: .seconds(30))).session("ses_1")
        }
        #expect(spentWaits.all.reduce(.zero, +) <= .seconds(30))
        #expect(spent.requestCount < 100)
    }

    @Test func neverResendsAPageAfterAnUnclearFailure() async {
        let transport = ScriptedTransport([.failure(TransportFailure(.connectionLost, "reset by peer"))])
        let waits = Recorder<Duration>()
        await #expect {
            _ = try await client(transport, waits: waits).push(EntityPage(type: "User", records: [[:]]), to: "ses_1")
        } throws: { error in
            let e = error as! PushAPIError
            return e.kind == .transport(.connectionLost) && e.endpoint == .pushPage && e.mayHaveTakenEffect
        }
        #expect(transport.requestCount == 1)
    }

    @Test func doesNotRetryA503OnAPage() async {
        let transport = ScriptedTransport([response(503, "upstream down")])
        let waits = Recorder<Duration>()
        await #expect {
            _ = try await client(transport, waits: waits).push(EntityPage(type: "User", records: [[:]]), to: "ses_1")
        } throws: { error in
            let e = error as! PushAPIError
            return e.status == 503 && e.rawBody == "upstream down" && e.isServerFailure
        }
        #expect(transport.requestCount == 1)
    }

    @Test func retriesARefusedConnectionEvenForAPage() async throws {
        let ok =
            #"{"session_id":"ses_1","accepted_count_total":1,"accepted_count_by_entity":{"User":1},"rejected_count_total":0,"validation_errors":[],"echoes":{}}"#
        let transport = ScriptedTransport([.failure(TransportFailure(.notConnected, "refused")), response(202, ok)])
        let waits = Recorder<Duration>()
        let answer = try await client(transport, waits: waits).push(EntityPage(type: "User", records: [[:]]), to: "ses_1")
        #expect(answer.acceptedCountTotal == 1)
    }

    @Test func stopsWhenAttemptsRunOut() async {
        let transport = ScriptedTransport(Array(repeating: response(429, "{}", headers: [("retry-after", "1")]), count: 10))
        let waits = Recorder<Duration>()
        await #expect {
            _ = try await client(transport, waits: waits, policy: RetryPolicy(maxAttempts: 3)).integrationStatus()
        } throws: { error in
            let e = error as! PushAPIError
            return e.status == 429 && e.attempts == 3 && e.retryAfter == .seconds(1)
        }
        #expect(transport.requestCount == 3)
    }

    @Test func stopsWhenTheTimeBudgetRunsOut() async {
        let transport = ScriptedTransport(Array(repeating: response(429, "{}", headers: [("retry-after", "120")]), count: 3))
        let waits = Recorder<Duration>()
        await #expect(throws: PushAPIError.self) {
            _ = try await client(transport, waits: waits, policy: RetryPolicy(maxTotal: .seconds(60))).integrationStatus()
        }
        #expect(transport.requestCount == 1)
        #expect(waits.all.isEmpty)
    }

    @Test func fourHundredsAreNeverRetried() async {
        let transport = ScriptedTransport([response(404, #"{"error":{"code":"session_not_found","message":"no session x"}}"#)])
        let waits = Recorder<Duration>()
        await #expect {
            _ = try await client(transport, waits: waits).session("x")
        } throws: { error in
            let e = error as! PushAPIError
            return e.code == "session_not_found" && e.message == "no session x" && e.isRefusal && e.reason == .noSuchSession
        }
        #expect(transport.requestCount == 1)
    }

    @Test func observerSeesEveryAttemptWithTheKeyRedacted() async throws {
        let transport = ScriptedTransport([response(503), .success(TransportResponse(status: 200, body: sessionBody))])
        let waits = Recorder<Duration>()
        let seen = Recorder<Exchange>()
        var c = client(transport, waits: waits)
        c.observer = { e in seen.append(e) }
        _ = try await c.session("ses_1")
        let exchanges = seen.all
        #expect(exchanges.map(\.attempt) == [1, 2])
        #expect(exchanges[0].retryingAfter == .milliseconds(200))
        #expect(exchanges.allSatisfy { $0.request.header("api-key") == "[redacted]" })
        #expect(transport.sent.withLock { $0[0].header("api-key") } == "k")
    }

    @Test func nonJSONAnswersAreShownRaw() async {
        let transport = ScriptedTransport([response(200, "<html>oops</html>")])
        let waits = Recorder<Duration>()
        await #expect {
            _ = try await client(transport, waits: waits).session("s")
        } throws: { error in
            let e = error as! PushAPIError
            return e.kind == .unexpectedResponse && e.rawBody == "<html>oops</html>"
        }
    }
}
