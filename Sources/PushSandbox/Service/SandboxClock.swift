import PushAPI
import Synchronization

/// The sandbox's sense of time: this machine's clock plus an offset that
/// `sandbox advance` moves forward, or a frozen instant for tests.
///
/// Everything time-dependent in the sandbox (expiry, processing, rate limits)
/// reads this clock, so a lesson or a test reaches an hour-long expiry at once.
public final class SandboxClock: Sendable {
    private struct State {
        var frozen: Timestamp?
        var offset: Duration
    }

    private let state: Mutex<State>

    /// A clock that follows this machine's time.
    public init() { state = Mutex(State(frozen: nil, offset: .zero)) }

    /// A clock that stands still at `instant` until advanced: for tests.
    public init(frozenAt instant: Timestamp) { state = Mutex(State(frozen: instant, offset: .zero)) }

    /// The sandbox's current time.
    public func now() -> Timestamp {
        state.withLock { s in (s.frozen ?? Timestamp.now).adding(s.offset) }
    }

    /// Moves the sandbox's time forward (never back).
    public func advance(by duration: Duration) {
        guard duration > .zero else { return }
        // Capped at a thousand years in all, so timestamps stay in range.
        state.withLock { $0.offset = min($0.offset + min(duration, Self.limit), Self.limit) }
    }

    static let limit: Duration = .seconds(1000 * 366 * 86_400)

    /// Whether time moves only when advanced.
    public var isFrozen: Bool { state.withLock { $0.frozen != nil } }
}
