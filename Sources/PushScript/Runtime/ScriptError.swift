import HTTPTypes
import PushAPI
import PushSyntax

/// A statement that failed: what went wrong, where, and what to do.
public struct ScriptError: Error, Sendable {
    /// Which exit code the failure maps to.
    public var exitCode: ExitCode
    public var message: String
    /// Where in the script: the caret goes under this range.
    public var range: SourceRange?
    /// Extra lines under the message: validation problems, the HTTP status.
    public var details: [String]
    public var hint: String?
    /// How to go on from where a push stopped (`push ... from "f" skip N`):
    /// shown after the hint, unless the run discards the session it pushed
    /// to (then the records are gone and skipping them would lose them).
    public var resume: String?
    /// The HTTP status and the service's error code, when the service refused.
    public var status: Int?
    public var code: String?
    /// The session that blocked a `start` (409): from the answer, or found in the activity log.
    public var activeSessionID: String?
    /// Set when the run is about to discard its sessions: the hint then says
    /// to push again from the start instead of giving `resume`.
    var sessionsDiscarded = false
    /// The hint when the run discards its sessions after this error, where
    /// that changes what can be done (a session that is gone cannot be applied).
    var hintIfDiscarded: String?

    /// The hint as shown: the hint, then how to go on.
    var shownHint: String? {
        if sessionsDiscarded, let hintIfDiscarded { return hintIfDiscarded }
        guard let resume else { return hint }
        let next =
            sessionsDiscarded
            ? "this run's session is discarded below and its records with it, so push the file again from the start (to resume instead, keep the session: set on_error keep, or --keep-sessions)"
            : "to go on from there: \(resume)"
        return hint.map { $0 + "; " + next } ?? next
    }

    public init(_ exitCode: ExitCode, _ message: String, at range: SourceRange? = nil, details: [String] = [], hint: String? = nil) {
        self.exitCode = exitCode
        self.message = message
        self.range = range
        self.details = details
        self.hint = hint
    }

    /// A runtime error about a value or an argument.
    static func runtime(_ message: String, at range: SourceRange?, hint: String? = nil) -> ScriptError {
        ScriptError(.runtime, message, at: range, hint: hint)
    }

    /// An API failure, with its status, the service's message and the client's hint.
    init(_ error: PushAPIError, at range: SourceRange?, doing what: String) {
        let code: ExitCode
        switch error.kind {
        case .http(let status) where status.code >= 500: code = .serviceFailed
        case .http: code = .refused
        case .transport, .unexpectedResponse, .redirected: code = .runtime
        }
        let message: String
        switch error.kind {
        case .http(let status):
            message =
                "\(what) failed: \(status == .badRequest && !error.validationErrors.isEmpty ? "the page was rejected" : error.message)"
        case .transport: message = "\(what) failed: \(error.message)"
        case .unexpectedResponse, .redirected: message = "\(what) failed: \(error.message)"
        }
        var details: [String] = []
        if let status = error.status {
            // The service's words are in the message already: the exchange line
            // adds the status and code, not the same sentence a second time.
            var line = "\(error.request) → \(HTTPStatus.line(status))"
            if let code = error.code, !code.isEmpty { line += " (\(code))" }
            details.append(message.hasSuffix(error.message) ? line : "\(error.request) → \(error.summary)")
        } else {
            details.append(error.request)
        }
        for problem in error.validationErrors.prefix(20) {
            details.append("record \(problem.index) (\(problem.entityType)) \(problem.field): \(problem.issue)")
        }
        if error.validationErrors.count > 20 { details.append("… and \(error.validationErrors.count - 20) more problems") }
        if let raw = error.rawBody, !raw.isEmpty { details.append("body: \(raw.prefix(300))") }
        if error.attempts > 1 { details.append("gave up after \(error.attempts) attempts") }
        self.init(code, message, at: range, details: details, hint: error.advice)
        status = error.status.map { Int($0.code) }
        self.code = error.code
        activeSessionID = error.activeSessionID
    }

    /// The error as scripts read it in `last_error`: `message`, `exit_code`,
    /// `status` and `code` (when the service refused), `active_session_id`
    /// (when a start met 409), `hint`.
    public var value: Value {
        .record([
            ("message", .string(message)),
            ("exit_code", .int(Int64(exitCode.rawValue))),
            ("status", status.map { .int(Int64($0)) } ?? .null),
            ("code", code.map(Value.string) ?? .null),
            ("active_session_id", activeSessionID.map(Value.string) ?? .null),
            ("hint", shownHint.map(Value.string) ?? .null),
        ])
    }

    /// The error as a diagnostic, for rendering with its source line and caret.
    public var diagnostic: Diagnostic? {
        guard let range else { return nil }
        var text = message
        for line in details { text += "\n  " + line }
        return Diagnostic(.error, text, at: range, hint: hint)
    }
}

/// Control flow that is not an error: `exit`.
struct ExitRequest: Error {
    var code: Int32
}
