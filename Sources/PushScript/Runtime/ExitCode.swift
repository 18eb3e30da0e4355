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
    /// Stopped by SIGHUP (the terminal went away): 128 + 1, as shells report it.
    case hangup = 129
    /// Interrupted by Ctrl-C (SIGINT): 128 + 2.
    case interrupted = 130
    /// Stopped by SIGTERM (cron, systemd, a CI timeout): 128 + 15.
    case terminated = 143

    /// One line for the README and `help exit-codes`.
    public var meaning: String {
        switch self {
        case .ok: return "success"
        case .usage: return "usage error: bad command line, or the script file cannot be read"
        case .parse:
            return
                "the script does not parse, or `pushsh check` found errors (in the script, or in the data files it pushes: missing, malformed, or records that break the documented rules), found before anything is sent"
        case .runtime:
            return
                "runtime or transport error (a wrong value, a data file named by a computed path that is missing or malformed, a lost connection)"
        case .expectFailed: return "an `expect` did not hold"
        case .waitFailed: return "a `wait` timed out, or its target state became unreachable"
        case .refused: return "the API refused a request (HTTP 4xx), or a page accepted only in part"
        case .serviceFailed: return "the service kept failing (HTTP 5xx after retries)"
        case .hangup: return "stopped by SIGHUP (the terminal went away); sessions it left active were discarded"
        case .interrupted: return "interrupted by Ctrl-C (SIGINT); sessions it left active were discarded"
        case .terminated: return "stopped by SIGTERM (cron, systemd, a CI timeout); sessions it left active were discarded"
        }
    }
}

/// A signal that stops a non-interactive run: the runner catches it, the
/// interpreter stops at the next safe point and cleans up.
public enum StopSignal: Int32, Sendable, CaseIterable {
    case hangup = 1
    case interrupt = 2
    case terminate = 15

    /// As people know it: `SIGINT (Ctrl-C)`.
    public var name: String {
        switch self {
        case .hangup: "SIGHUP"
        case .interrupt: "SIGINT (Ctrl-C)"
        case .terminate: "SIGTERM"
        }
    }

    /// What the run exits with: 128 + the signal's number.
    public var exitCode: ExitCode {
        switch self {
        case .hangup: .hangup
        case .interrupt: .interrupted
        case .terminate: .terminated
        }
    }
}
