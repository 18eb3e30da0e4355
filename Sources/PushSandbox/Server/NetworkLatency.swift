import Foundation
import PushAPI

/// A far service on loopback: `pushsh serve --latency 20ms~5ms` delays every
/// answer by about `base`, give or take up to `jitter`.
///
/// Half the delay is spent before the request is handled and half after, as
/// a network spends half a round trip each way: a page is staged half a
/// latency after it was sent, and its answer arrives half a latency later.
/// The delay is an `await`, so it holds no lock and no thread: concurrent
/// requests wait side by side, the way they would on a real network.
public struct NetworkLatency: Sendable, Equatable, CustomStringConvertible {
    /// The usual round trip.
    public var base: Duration
    /// Each request's round trip is `base` plus or minus up to this, uniformly.
    public var jitter: Duration

    public init(base: Duration, jitter: Duration = .zero) {
        self.base = base
        self.jitter = jitter
    }

    /// Reads `20ms` or `20ms~5ms`. Every part needs its unit: a bare number
    /// could mean seconds or milliseconds, so it is refused.
    public init(parsing text: String) throws(LatencyError) {
        let parts = text.split(separator: "~", maxSplits: 1, omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        func duration(_ part: String, _ what: String) throws(LatencyError) -> Duration {
            guard let last = part.last, last.isLetter else {
                throw LatencyError("the \(what) \"\(part)\" has no unit; write it like 20ms or 1s")
            }
            guard let value = DurationText.parse(part) else {
                throw LatencyError("the \(what) \"\(part)\" is not a duration; write it like 20ms or 1s")
            }
            return value
        }
        base = try duration(parts[0], "latency")
        jitter = parts.count == 2 ? try duration(parts[1], "jitter") : .zero
        guard base <= .seconds(60) else {
            throw LatencyError("a latency of \(parts[0]) is more than a minute; the sandbox allows up to 60s")
        }
        guard jitter <= base else {
            throw LatencyError("the jitter (\(parts[1])) is larger than the latency (\(parts[0])); a delay cannot be negative")
        }
    }

    public var isZero: Bool { base == .zero && jitter == .zero }

    /// One request's round trip, from a number in 0...1.
    public func roundTrip(random: Double) -> Duration {
        guard jitter > .zero else { return base }
        let spread = Double(jitter.wholeMilliseconds) * (2 * min(max(random, 0), 1) - 1)
        return .microseconds(max(0, Int64((Double(base.wholeMilliseconds) + spread) * 1000)))
    }

    public var description: String {
        jitter > .zero ? "\(DurationText.format(base))~\(DurationText.format(jitter))" : DurationText.format(base)
    }
}

/// A latency that cannot be read.
public struct LatencyError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
