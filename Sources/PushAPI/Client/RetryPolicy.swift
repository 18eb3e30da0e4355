/// When and how long to wait before trying a request again.
///
/// Exponential backoff with full jitter (a random wait between zero and the
/// capped exponential), bounded in attempts and in total time. A
/// `Retry-After` from the service replaces the computed wait.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included. 1 means never retry.
    public var maxAttempts: Int
    /// The cap of the first wait; each later cap doubles.
    public var baseDelay: Duration
    /// No single wait is longer than this (unless `Retry-After` says so and it fits the budget).
    public var maxDelay: Duration
    /// Retries stop when waiting again would pass this much time since the first attempt.
    public var maxTotal: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10), maxTotal: Duration = .seconds(60)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxTotal = maxTotal
    }

    /// Never retry.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before attempt `attempt + 1` (attempt counts from 1).
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?, random: Double) -> Duration {
        if let retryAfter { return retryAfter }
        let exponent = min(attempt - 1, 30)
        let capMs = min(Double(maxDelay.wholeMilliseconds), Double(baseDelay.wholeMilliseconds) * pow2(exponent))
        return .milliseconds(Int64(capMs * min(max(random, 0), 1)))
    }

    private func pow2(_ n: Int) -> Double {
        var value = 1.0
        for _ in 0..<n { value *= 2 }
        return value
    }
}

/// Reads a `Retry-After` value in whole or decimal seconds (the form the API uses).
public func parseRetryAfter(_ value: String?) -> Duration? {
    guard let value, let seconds = Double(value.filter { $0 != " " && $0 != "\t" }), seconds >= 0, seconds.isFinite else {
        return nil
    }
    return .milliseconds(Int64(seconds * 1000))
}
