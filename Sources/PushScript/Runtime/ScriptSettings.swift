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
    /// Retries of a request that failed with 429, 5xx or a lost connection,
    /// when `set retries` caps them; by default only `retry_for` does.
    public var retries: Int?
    /// How long to keep retrying one request.
    public var retryFor: Duration = .seconds(60)
    /// After an unclear answer to a page, how long the session's counts must
    /// stay still before the page counts as not landed (`set settle`): long
    /// enough for a page a gateway gave up on to reach the backend. It costs
    /// nothing when every answer is clear, or when the page is seen landed.
    public var settle: Duration = .seconds(5)
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
    var retryPolicy: RetryPolicy { RetryPolicy(maxAttempts: retries.map { $0 + 1 } ?? RetryPolicy.unboundedAttempts, maxTotal: retryFor) }
}
