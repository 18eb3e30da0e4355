/// How much of a request's retry budget (`RetryPolicy.maxTotal`, `set
/// retry_for`) its attempts have used, measured on the monotonic clock from
/// the first attempt. The waits between attempts count too when they add up
/// to more: a sandbox's clock moves by the waits alone, so the real time
/// that passes would never end its retries.
public struct RetryBudget: Sendable {
    public let policy: RetryPolicy
    private let started: ContinuousClock.Instant
    /// The waits between attempts so far.
    public private(set) var waited: Duration = .zero

    public init(_ policy: RetryPolicy) {
        self.policy = policy
        started = ContinuousClock.now
    }

    /// The budget used so far.
    public var used: Duration { max(ContinuousClock.now - started, waited) }

    /// Whether another attempt, after `attempts` attempts and a wait of `wait`, fits the budget.
    public func allows(afterAttempts attempts: Int, wait: Duration) -> Bool {
        attempts < policy.maxAttempts && used + wait <= policy.maxTotal
    }

    /// Counts a wait between attempts.
    public mutating func spend(_ wait: Duration) { waited += wait }
}
