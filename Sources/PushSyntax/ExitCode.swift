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
    /// Standard output or error could not be written (a full disk, an I/O error).
    case outputFailed = 8
    /// Stopped by SIGHUP (the terminal went away): 128 + 1, as shells report it.
    case hangup = 129
    /// Interrupted by Ctrl-C (SIGINT): 128 + 2.
    case interrupted = 130
    /// Its output was closed (`| head -1`): 128 + 13, as shells report SIGPIPE.
    case brokenPipe = 141
    /// Stopped by SIGTERM (cron, systemd, a CI timeout): 128 + 15.
    case terminated = 143

    /// What the code means, in one line: README's and docs/language.md's
    /// tables are these lines word for word, and `help exit-codes` shows them
    /// (ExitCodeTableTests keeps all three equal). Markdown: `code` in backticks.
    public var meaning: String {
        switch self {
        case .ok: "success"
        case .usage:
            "usage error: a bad command line, a script file that does not exist or cannot be read, or incomplete `SPRINTO_*` settings"
        case .parse:
            "the script does not parse, or `pushsh check` found errors (in the script, or in the data files it pushes: missing, malformed, or records that break the documented rules), found before anything is sent"
        case .runtime:
            "runtime or transport error: a wrong value, an undefined name, a data file that cannot be pushed (one named by a computed path, found only when the run reaches it), a lost connection"
        case .expectFailed: "an `expect` did not hold"
        case .waitFailed: "a `wait` timed out, or its target state became unreachable"
        case .refused:
            "the API refused a request (HTTP 4xx), or a page accepted only in part: a rejected page, a second active session, a closed session, a bad key"
        case .serviceFailed: "the service kept failing (HTTP 5xx after retries)"
        case .outputFailed:
            "standard output or standard error could not be written (a full disk, an I/O error); the run stopped at a safe point and sessions it left active were discarded"
        case .hangup: "stopped by SIGHUP (the terminal went away); sessions it left active were discarded"
        case .interrupted: "interrupted by Ctrl-C (SIGINT); sessions it left active were discarded"
        case .brokenPipe:
            "stopped because its output was closed (a broken pipe: piped to `head -1`, a reader that went away), as shells report SIGPIPE; sessions it left active were discarded"
        case .terminated: "stopped by SIGTERM (cron, systemd, a CI timeout); sessions it left active were discarded"
        }
    }

    /// A word or two, for `pushsh --help`'s one-paragraph summary.
    public var summary: String {
        switch self {
        case .ok: "ok"
        case .usage: "usage"
        case .parse: "parse/check"
        case .runtime: "runtime"
        case .expectFailed: "expect failed"
        case .waitFailed: "wait timed out or unreachable"
        case .refused: "API refused (4xx)"
        case .serviceFailed: "service failing (5xx)"
        case .outputFailed: "output cannot be written"
        case .hangup: "SIGHUP"
        case .interrupted: "SIGINT (Ctrl-C)"
        case .brokenPipe: "broken pipe (SIGPIPE)"
        case .terminated: "SIGTERM"
        }
    }

    /// Every code with its summary, as `pushsh --help` and the man page list them.
    public static var summaryLine: String {
        "Exit codes: " + allCases.map { "\($0.rawValue) \($0.summary)" }.joined(separator: ", ") + "."
    }

    /// The codes as `help exit-codes` lists them: the meanings, backticks
    /// turned into the quotes help text uses, wrapped under their own start.
    public static func table(width: Int = 78) -> String {
        let lead = allCases.map { String($0.rawValue).count }.max() ?? 1
        return allCases.flatMap { code in
            let number = String(code.rawValue)
            let words = String(code.meaning.map { $0 == "`" ? "'" : $0 })
            return TextFlow.hanging(number.padded(to: lead + 2), words, width: width)
        }.joined(separator: "\n")
    }
}
