import Foundation
import PushAPI
import Synchronization

/// Misbehaviour on purpose, decided per request from a seed so a run can be
/// replayed: `reset=0.05,error=0.05,throttle=0.05,slow=0.05:2s`.
///
/// - `reset`: the connection drops without an answer; half the time before
///   the request is handled, half the time after (the hard case: a page is
///   staged and the client never hears so).
/// - `error`: 503 Service Unavailable, nothing done.
/// - `throttle`: 429 with `Retry-After` (1 s, or the duration after `:`), nothing done.
/// - `slow`: the answer comes late (by the duration after `:`, default 2 s), after the work is done.
public struct FaultPlan: Sendable, Equatable, CustomStringConvertible {
    public var reset = 0.0
    public var error = 0.0
    public var throttle = 0.0
    public var throttleAfter: Duration = .seconds(1)
    public var slow = 0.0
    public var slowBy: Duration = .seconds(2)

    public init() {}

    /// Reads `name=rate[:duration],...`; rates are probabilities from 0 to 1.
    public init(parsing text: String) throws(FaultPlanError) {
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pieces.count == 2 else { throw FaultPlanError("\"\(part)\" is not name=rate (e.g. reset=0.05)") }
            let valueParts = pieces[1].split(separator: ":", maxSplits: 1).map(String.init)
            guard let rate = Double(valueParts[0]), (0...1).contains(rate) else {
                throw FaultPlanError("the rate of \(pieces[0]) must be a number from 0 to 1 (got \"\(valueParts[0])\")")
            }
            var duration: Duration?
            if valueParts.count == 2 {
                guard let d = DurationText.parse(valueParts[1]) else {
                    throw FaultPlanError("\"\(valueParts[1])\" is not a duration such as 2s")
                }
                duration = d
            }
            switch pieces[0] {
            case "reset": reset = rate
            case "error": error = rate
            case "throttle":
                throttle = rate
                if let duration { throttleAfter = duration }
            case "slow":
                slow = rate
                if let duration { slowBy = duration }
            default: throw FaultPlanError("unknown fault \"\(pieces[0])\"; the faults are reset, error, throttle and slow")
            }
        }
        guard reset + error + throttle + slow <= 1 else { throw FaultPlanError("the rates add up to more than 1") }
    }

    public var isEmpty: Bool { reset + error + throttle + slow == 0 }

    public var description: String {
        var parts: [String] = []
        if reset > 0 { parts.append("reset=\(reset)") }
        if error > 0 { parts.append("error=\(error)") }
        if throttle > 0 { parts.append("throttle=\(throttle):\(DurationText.format(throttleAfter))") }
        if slow > 0 { parts.append("slow=\(slow):\(DurationText.format(slowBy))") }
        return parts.isEmpty ? "none" : parts.joined(separator: ",")
    }
}

/// A fault plan that cannot be read.
public struct FaultPlanError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What happens to one request.
public enum Fault: Sendable, Equatable {
    case none
    case resetBefore
    case resetAfter
    case error
    case throttle(Duration)
    case slow(Duration)
}

/// Draws faults from a plan with a seeded generator.
final class FaultDice: Sendable {
    private struct State {
        var plan: FaultPlan
        var random: SplitMix64
        var counts: [String: Int] = [:]
    }

    private let state: Mutex<State>

    init(plan: FaultPlan, seed: UInt64) { state = Mutex(State(plan: plan, random: SplitMix64(seed: seed))) }

    var plan: FaultPlan { state.withLock { $0.plan } }

    func set(_ plan: FaultPlan, seed: UInt64?) {
        state.withLock { s in
            s.plan = plan
            if let seed { s.random = SplitMix64(seed: seed) }
        }
    }

    /// How many of each fault happened so far.
    var counts: [String: Int] { state.withLock { $0.counts } }

    func roll() -> Fault {
        state.withLock { s in
            guard !s.plan.isEmpty else { return .none }
            let x = Double(s.random.next() >> 11) / Double(1 << 53)
            let p = s.plan
            let fault: Fault
            if x < p.reset {
                fault = s.random.next() & 1 == 0 ? .resetBefore : .resetAfter
            } else if x < p.reset + p.error {
                fault = .error
            } else if x < p.reset + p.error + p.throttle {
                fault = .throttle(p.throttleAfter)
            } else if x < p.reset + p.error + p.throttle + p.slow {
                fault = .slow(p.slowBy)
            } else {
                fault = .none
            }
            if fault != .none { s.counts[String(describing: fault).prefix { $0 != "(" }.description, default: 0] += 1 }
            return fault
        }
    }
}
