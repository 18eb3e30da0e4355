import Synchronization
import Testing

@testable import PushScript

/// Work a signal may stop: cancelled once the check says so, left alone otherwise.
@Suite struct StoppableWorkTests {
    @Test func aStopRequestCancelsTheWork() async {
        let asked = Atomic<Int>(0)
        let cancelled = await StoppableWork.run {
            try? await Task.sleep(for: .seconds(30))
            return Task.isCancelled
        } stoppingWhen: {
            // The third look finds the flag set, as a signal arriving mid-run would.
            asked.add(1, ordering: .relaxed).newValue >= 3
        }
        #expect(cancelled)
        #expect(asked.load(ordering: .relaxed) == 3)
    }

    @Test func withoutOneTheWorkFinishesWithItsOwnResult() async {
        let asked = Atomic<Int>(0)
        let result = await StoppableWork.run {
            try? await Task.sleep(for: .milliseconds(60))
            return Task.isCancelled ? "cancelled" : "done"
        } stoppingWhen: {
            asked.add(1, ordering: .relaxed)
            return false
        }
        #expect(result == "done")
        // The watcher did look (every 20 ms) and let the work finish.
        #expect(asked.load(ordering: .relaxed) >= 1)
    }
}
