import Foundation

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

    /// Attempts when no count is set: the budget in time (`maxTotal`) ends
    /// the retries; this only keeps a wait of zero (a test's fixed jitter)
    /// from looping for ever.
    public static let unboundedAttempts = 1000

    public init(
        maxAttempts: Int = RetryPolicy.unboundedAttempts, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10),
        maxTotal: Duration = .seconds(60)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxTotal = maxTotal
    }

    /// Never retry.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The longest wait before sending again a write whose answer was lost
    /// (a start, a close, a page), shorter than the default `maxDelay`: the
    /// service did not ask for time, the network lost one answer. One number
    /// for every such retry; docs/reliability.md states it (a test holds the
    /// two equal).
    public static let resendMaxDelay: Duration = .seconds(5)

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

/// Reads a `Retry-After` value: seconds (whole or decimal), or an HTTP date
/// (RFC 9110: `Sun, 06 Nov 1994 08:49:37 GMT`, and the obsolete RFC 850 and
/// asctime forms), as the wait from `now`. A date in the past means no wait.
public func parseRetryAfter(_ value: String?, now: Timestamp = .now) -> Duration? {
    guard let value else { return nil }
    let trimmed = value.trimmingCharacters(in: .whitespaces)
    if let seconds = Double(trimmed), seconds >= 0, seconds.isFinite, seconds < 1e12 {
        return .milliseconds(Int64(seconds * 1000))
    }
    guard let date = HTTPDate.parse(trimmed) else { return nil }
    return date > now ? date.duration(since: now) : .zero
}

/// HTTP dates (RFC 9110 § 5.6.7), always in GMT.
public enum HTTPDate {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    public static func parse(_ text: String) -> Timestamp? {
        // Words and numbers, whatever the separators: the three forms differ only in order.
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map(String.init)
        var day: Int64?
        var month: Int64?
        var year: Int64?
        var clock: [Int64]?
        for part in parts {
            if part.contains(":") {
                let fields = part.split(separator: ":").compactMap { Int64($0) }
                guard fields.count == 3 else { return nil }
                clock = fields
            } else if let m = months.firstIndex(of: part.lowercased()) {
                month = Int64(m + 1)
            } else if let n = Int64(part) {
                if part.count == 4 { year = n } else if day == nil { day = n } else if year == nil { year = n < 70 ? 2000 + n : 1900 + n }
            }
        }
        guard let day, let month, let year, let clock, clock[0] < 24, clock[1] < 60, clock[2] < 61 else { return nil }
        let iso = String(format: "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", year, month, day, clock[0], clock[1], min(clock[2], 59))
        return Timestamp(iso8601: iso)
    }
}
