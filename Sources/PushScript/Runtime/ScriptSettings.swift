import PushAPI
import PushSyntax

/// What `set` changes: how the interpreter behaves from then on.
public struct ScriptSettings: Sendable {
    /// Stop at the first failed statement, or report it and go on.
    public var onError: OnErrorMode = .stop
    /// Results for people (`text`) or one JSON object per result (`json`).
    public var output: OutputMode = .text
    /// Records per page when pushing from a file.
    public var pageSize = 100
    /// The largest request body a page may make.
    public var pageBytes = 5_000_000
    /// The most pages of a push from a file in flight at once; 1 sends them one
    /// at a time. 16: enough to beat a round trip of 100 ms by far, few enough
    /// that a service that throttles is not flooded (the window adapts below it).
    public var pushConcurrency = 16
    /// Whether a push from a file shows its progress.
    public var progress = true
    /// Retries of a request that failed with 429, 5xx or a lost connection.
    public var retries = 4
    /// How long to keep retrying one request.
    public var retryFor: Duration = .seconds(60)
    /// Whether a push checks each record against the documented rules before sending (`set validation`).
    public var validation = true
    /// How CSV files are read (`set csv_quotes`, `set csv_trim`, `set csv_duplicates`).
    var csv = CSVOptions()
    /// How long `wait` waits when no `timeout` is given.
    public var waitTimeout: Duration = .seconds(600)
    /// How long one request may take (`set timeout`, `--timeout`, `PUSHSH_TIMEOUT`).
    public var requestTimeout: Duration = .seconds(30)
    /// What a page accepted only in part does: stop the run (the default) or go on.
    public var partialPages: PartialPagesMode = .stop

    public init() {}

    /// The retry policy these settings describe.
    var retryPolicy: RetryPolicy { RetryPolicy(maxAttempts: retries + 1, maxTotal: retryFor) }
}
