/// Measures how long something has taken, for timeouts, backoffs, settle
/// windows and expiry countdowns: on a monotonic clock by default
/// (`ContinuousClock`), which an NTP step, a changed date or a laptop's
/// resume cannot move. Only times shown to people, or sent to the service,
/// read the wall clock (`Timestamp.now`).
///
/// One type for every such measurement, so no wait can slip back onto the
/// wall clock; a simulated service passes its own clock (`init(reading:)`).
public struct Stopwatch: Sendable {
    private let reading: @Sendable () -> Duration
    private let start: Duration

    /// Starts now on a clock that `reading` gives (a point in time as the
    /// distance from any fixed origin).
    public init(reading: @escaping @Sendable () -> Duration) {
        self.reading = reading
        self.start = reading()
    }

    /// Starts now on this machine's monotonic clock.
    public static func monotonic() -> Stopwatch {
        let origin = ContinuousClock.now
        return Stopwatch { ContinuousClock.now - origin }
    }

    /// How long since it started.
    public var elapsed: Duration { reading() - start }
}
