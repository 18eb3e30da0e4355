import Foundation
import HTTPConnections
import PushAPI
import PushScript
import PushSyntax
import Synchronization
import Testing
import _PushTestSupport

/// `wait ... timeout` is measured on a monotonic clock: the wall clock
/// stepping (an NTP correction, `date -s`) neither ends a wait early nor
/// stretches it. Only the times shown read the wall clock.
@Suite struct MonotonicWaitTests {
    /// This machine's wall clock, stepped by `step` once `after` has passed (while the wait runs).
    final class SteppingClock: Sendable {
        let reads = Atomic<Int>(0)
        let steppedReads = Atomic<Int>(0)
        let created = ContinuousClock.now
        let after: Duration
        let step: Duration
        init(after: Duration, step: Duration) {
            self.after = after
            self.step = step
        }
        func now() -> Timestamp {
            reads.add(1, ordering: .relaxed)
            guard ContinuousClock.now - created > after else { return Timestamp.now }
            steppedReads.add(1, ordering: .relaxed)
            return Timestamp.now.adding(step)
        }
    }

    /// Two hours ahead in the middle of a 1s wait: the wait still takes its second.
    @Test func aWallClockStepDoesNotEndAWaitEarly() async throws {
        let step = Duration.seconds(7200)
        let sandbox = makeSandbox()
        try await withLiveServer(sandbox) { base in
            var connection = try Connection.remote(
                PushConfiguration(baseURL: base, integrationID: "acme", apiKey: APIKey("key-acme")), label: "local", transports: .http)
            let clock = SteppingClock(after: .milliseconds(300), step: step)
            connection.wallClock = { clock.now() }
            let started = ContinuousClock.now
            // Closed on a sandbox whose clock is frozen: it stays processing, so the wait can only
            // time out (a session never closed now fails at once). `now()` after it reads the stepped wall clock.
            let run = await runScript(
                "set on_error continue\nlet s = start\nclose s apply\nwait s until processed timeout 1s\nprint now()\n",
                connection: connection)
            let took = ContinuousClock.now - started
            #expect(run.code == ExitCode.waitFailed.rawValue, "\(run.stderr)")
            // On the wall clock it would end at the step, "after 2h"; measured
            // monotonically it takes its second (more on a loaded machine: each poll is a request).
            #expect(run.stderr.contains("timed out after ") && !run.stderr.contains("after 2h"), "\(run.stderr)")
            #expect(took >= .seconds(1), "took \(took)")
            #expect(clock.steppedReads.load(ordering: .relaxed) > 0, "the wall clock was stepped while the script ran")
            await connection.client.transport.shutdown()
        }
    }
}
