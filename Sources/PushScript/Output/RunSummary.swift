import Foundation
import PushAPI
import PushSyntax

/// Records that pages carried over a whole run, for the run's summary.
public struct RecordCounts: Sendable, Equatable {
    public var accepted = 0
    public var rejected = 0
    /// Records that reached the service in a page it answered: accepted or rejected.
    public var sent: Int { accepted + rejected }

    public init(accepted: Int = 0, rejected: Int = 0) {
        self.accepted = accepted
        self.rejected = rejected
    }
}

/// The line a run without a person at the prompt ends with (`--summary`):
/// when it ended, what ran, the outcome and the counts, so a cron log has a
/// timestamp and a clear end.
///
/// ```
/// pushsh: 2026-12-06T04:31:07Z nightly.push: exit 0 (ok) after 2.417s; 1 session started; 120 records sent: 118 accepted, 2 rejected
/// ```
public struct RunSummary: Sendable {
    public var ended: Date
    /// The script's name as given (`nightly.push`, `-c`, `<stdin>`).
    public var script: String
    public var exitCode: Int32
    public var elapsed: Duration
    public var sessionsStarted: Int
    public var records: RecordCounts

    public init(ended: Date, script: String, exitCode: Int32, elapsed: Duration, sessionsStarted: Int, records: RecordCounts) {
        self.ended = ended
        self.script = script
        self.exitCode = exitCode
        self.elapsed = elapsed
        self.sessionsStarted = sessionsStarted
        self.records = records
    }

    /// `2026-12-06T04:31:07Z`: UTC, to the second, as log tools sort it.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// `ok`, `expect failed`, `interrupted`: the exit code's word or two.
    var outcome: String { ExitCode(rawValue: exitCode)?.summary ?? "exit \(exitCode)" }

    var seconds: String { String(format: "%.3f", Double(elapsed.wholeMilliseconds) / 1000) }

    public var text: String {
        let sessions = "\(sessionsStarted) session\(sessionsStarted == 1 ? "" : "s") started"
        let records =
            "\(self.records.sent) record\(self.records.sent == 1 ? "" : "s") sent: \(self.records.accepted) accepted, \(self.records.rejected) rejected"
        return "pushsh: \(Self.timestamp(ended)) \(script): exit \(exitCode) (\(outcome)) after \(seconds)s; \(sessions); \(records)"
    }

    /// For `--output json`: one object, keyed `summary` as the text is labelled.
    public var json: String {
        let object = JSONObject([
            ("summary", .string(script)), ("ended_at", .string(Self.timestamp(ended))), ("exit_code", .int(Int64(exitCode))),
            ("outcome", .string(outcome)), ("elapsed_ms", .int(elapsed.wholeMilliseconds)),
            ("sessions_started", .int(Int64(sessionsStarted))), ("records_sent", .int(Int64(records.sent))),
            ("records_accepted", .int(Int64(records.accepted))), ("records_rejected", .int(Int64(records.rejected))),
        ])
        return JSONValue.object(object).jsonText
    }
}
