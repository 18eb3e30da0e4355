/// How many pages may be in flight at once, adapting the way TCP does (AIMD):
/// it grows while answers come back clean and the push is latency-bound,
/// and halves on a 429, a 5xx or any unclear answer.
///
/// "Latency-bound" means answers take about as long with more pages in
/// flight as with fewer: the time goes to the network, and another page in
/// flight is nearly free. When answers slow down as the window grows, the
/// service is the bottleneck and more pages would only queue there, so the
/// window stops growing (and gives one back when they take twice as long).
struct ConcurrencyWindow {
    /// The most pages in flight (`set push_concurrency N`).
    let cap: Int
    /// The current window, in pages; fractional so growth can be gradual.
    private(set) var size: Double
    /// The fastest answer seen: the round trip with nothing queued.
    private(set) var fastest: Duration?
    /// Doubling per round trip until the first trouble or slowdown, then +1 per round trip.
    private(set) var slowStart = true
    /// Pages answered cleanly since the last trouble.
    private(set) var cleanStreak = 0
    /// Troubles seen (429, 5xx, unclear answers): for the summary.
    private(set) var shrinks = 0
    /// The largest window reached: for the summary.
    private(set) var widest = 1

    init(cap: Int) {
        self.cap = max(1, cap)
        size = Double(min(2, self.cap))
        widest = Int(size)
    }

    /// Pages that may be in flight now.
    var limit: Int { max(1, min(cap, Int(size))) }

    /// A page came back accepted after `roundTrip`.
    mutating func clean(roundTrip: Duration) {
        cleanStreak += 1
        let best = min(fastest ?? roundTrip, roundTrip)
        fastest = best
        // A little slack: on loopback a round trip is a millisecond, and noise is most of it.
        let queued = roundTrip > best * 2 + .milliseconds(2)
        let free = roundTrip <= best + best / 2 + .milliseconds(1)
        if queued {
            slowStart = false
            if roundTrip > best * 3 + .milliseconds(4) { size = max(1, size - 1) }
        } else if free || slowStart {
            size = min(Double(cap), slowStart ? size + 1 : size + 1 / size)
        }
        widest = max(widest, limit)
    }

    /// A 429, a 5xx or an unclear answer: halve, and grow gently from there.
    mutating func trouble() {
        shrinks += 1
        cleanStreak = 0
        slowStart = false
        size = max(1, size / 2)
    }
}
