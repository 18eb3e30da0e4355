import PushAPI
import PushHTTP
import PushSandbox
import Testing
import _PushTestSupport

/// `pushsh serve --latency`: a far service on loopback, where concurrent
/// requests wait side by side as they would on a real network.
@Suite struct LatencyTests {
    @Test func latenciesAreReadWithUnitsOnly() throws {
        let plain = try NetworkLatency(parsing: "20ms")
        #expect(plain.base == .milliseconds(20) && plain.jitter == .zero && plain.description == "20ms")
        let jittered = try NetworkLatency(parsing: "20ms~5ms")
        #expect(jittered.base == .milliseconds(20) && jittered.jitter == .milliseconds(5) && jittered.description == "20ms~5ms")
        #expect(jittered.roundTrip(random: 0) == .milliseconds(15) && jittered.roundTrip(random: 1) == .milliseconds(25))
        for bad in ["20", "20ms~5", "", "soon", "5ms~20ms", "2h"] {
            #expect(throws: LatencyError.self, "\(bad)") { try NetworkLatency(parsing: bad) }
        }
        #expect(throws: LatencyError.self) { try NetworkLatency(parsing: "20") }
        do { _ = try NetworkLatency(parsing: "20") } catch { #expect(error.message.contains("no unit")) }
    }

    /// Eight pages at once, each answer a second late, finish in about one
    /// latency: the delay holds no lock, and the service is not one queue.
    /// (A behaviour check, not a benchmark: one after another would take 8 s,
    /// and the bound, half of that, leaves seconds for a loaded 2-core machine.)
    @Test func concurrentRequestsOverlapTheirLatency() async throws {
        let sandbox = makeSandbox()
        let n = 8
        let latency = Duration.seconds(1)
        try await withLiveServer(sandbox, latency: NetworkLatency(base: latency)) { base in
            let transport = HTTPTransport(baseURL: base)
            let client = PushClient(
                configuration: PushConfiguration(baseURL: base, integrationID: "acme", apiKey: APIKey("key-acme")),
                transport: transport, retryPolicy: .none)
            let session = try await client.startSession()
            // Warm the pool so connection set-up is not part of what is measured.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<n { group.addTask { _ = try await client.session(session.id) } }
                try await group.waitForAll()
            }
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<n {
                    group.addTask {
                        _ = try await client.push(EntityPage(type: "User", records: [user("E\(i)")], pageHint: i + 1), to: session.id)
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - started
            await transport.shutdown()
            #expect(elapsed >= latency, "the answers were not delayed: \(elapsed)")
            #expect(elapsed < latency * (n / 2), "\(n) concurrent requests took \(elapsed): they waited one after another")
            #expect(try sandbox.session(integrationID: "acme", sessionID: session.id).acceptedBatches == n)
        }
    }
}
