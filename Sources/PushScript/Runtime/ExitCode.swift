/// What `pushsh` exits with: each code means one kind of outcome, so a cron
/// job or a CI step can tell a rejected page from a network outage.
public enum ExitCode: Int32, Sendable, CaseIterable {
    /// Everything ran.
    case ok = 0
    /// The command line was wrong, or the script file cannot be read.
    case usage = 1
    /// The script does not parse or fails `pushsh check`.
    case parse = 2
    /// A runtime error: a wrong value, a missing file, a lost connection.
    case runtime = 3
    /// An `expect` did not hold.
    case expectFailed = 4
    /// A `wait` timed out, or its target state can no longer be reached.
    case waitFailed = 5
    /// The API refused a request (4xx).
    case refused = 6
    /// The service kept failing (5xx after retries).
    case serviceFailed = 7

    /// One line for the README and `help exit-codes`.
    public var meaning: String {
        switch self {
        case .ok: return "success"
        case .usage: return "usage error: bad command line, or the script file cannot be read"
        case .parse: return "the script does not parse, or `pushsh check` found errors"
        case .runtime: return "runtime or transport error (a wrong value, a missing data file, a lost connection)"
        case .expectFailed: return "an `expect` did not hold"
        case .waitFailed: return "a `wait` timed out, or its target state became unreachable"
        case .refused: return "the API refused a request (HTTP 4xx)"
        case .serviceFailed: return "the service kept failing (HTTP 5xx after retries)"
        }
    }
}
