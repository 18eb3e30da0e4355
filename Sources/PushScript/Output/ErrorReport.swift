import PushAPI
import PushSyntax

/// A failed statement as a person reads it on the error stream: the place,
/// the source line and caret when the file is at hand, then the details and
/// the hint.
///
/// ```
/// run.push:4:6: error: push failed: the page was rejected
///   4 | push s from "people.json"
///     |      ^
///   POST /v1/sessions/s1/batches → 400 Bad Request
///   record 3 (employee) workEmail: not an email address
/// hint: fix the records named above and push them again
/// ```
struct ErrorReport {
    /// Messages quote what was written; a 10 MB name must not become a 10 MB message.
    static let longestLine = 300
    /// Lines under the message shown at the most (the rest would bury the hint).
    static let mostDetails = 40

    /// The error as shown: details and hint clipped, the resume advice folded into the hint.
    let error: ScriptError
    /// The word in front of a message shown without its source line: `error`,
    /// or `interrupted` for a run a signal stopped outside any statement.
    let label: String

    init(_ error: ScriptError, label: String = "error") {
        self.label = label
        var shown = error
        shown.details = shown.details.prefix(Self.mostDetails).map(Self.clip)
        shown.hint = shown.shownHint.map(Self.clip)
        shown.resume = nil
        self.error = shown
    }

    /// The text to write, without a final newline; `sources` holds the files
    /// read so far, by name, to show the failing line of any of them.
    func text(sources: [String: SourceFile], color: Bool) -> String {
        let style = TerminalStyle(enabled: color)
        var text: String
        if let range = error.range, let source = sources[range.file] {
            text = Diagnostic(.error, error.message, at: range).render(source: source, color: color)
        } else {
            // A bare stop (Ctrl-C at the prompt) is the label alone: there is nothing more to say.
            text = error.message.isEmpty ? style.error(label) : style.error(label + ":") + " " + error.message
        }
        for line in error.details { text += "\n  " + line }
        if let hint = error.hint { text += "\n" + style.hint("hint:") + " " + hint }
        return text
    }

    /// The same failure for machines (`--output json`): one object on one
    /// line, with the fields the text has. The label is the key of the message
    /// (`error`, or `interrupted`), as it is the word in front of it in the text.
    ///
    /// ```
    /// {"error":"push failed: the page was rejected","location":"run.push:4:6","details":["..."],"hint":"...","exit_code":5}
    /// ```
    var json: String {
        var object = JSONObject([(label, .string(Self.clip(error.message)))])
        if let range = error.range { object["location"] = .string(range.description) }
        if !error.details.isEmpty { object["details"] = .array(error.details.map { .string($0) }) }
        if let hint = error.hint { object["hint"] = .string(hint) }
        object["exit_code"] = .int(Int64(error.exitCode.rawValue))
        return JSONValue.object(object).jsonText
    }

    /// A problem the check before a run found, for machines: one object per
    /// line, keyed by its severity (`error`, `warning`, `note`) as the text
    /// labels it. An error stops the run before its first request, with the
    /// check's exit code.
    static func json(_ diagnostic: Diagnostic) -> String {
        var object = JSONObject([(diagnostic.severity.rawValue, .string(clip(diagnostic.message)))])
        object["location"] = .string(diagnostic.range.description)
        if !diagnostic.details.isEmpty { object["details"] = .array(diagnostic.details.prefix(mostDetails).map { .string(clip($0)) }) }
        if let hint = diagnostic.hint { object["hint"] = .string(clip(hint)) }
        if diagnostic.severity == .error { object["exit_code"] = .int(Int64(ExitCode.parse.rawValue)) }
        return JSONValue.object(object).jsonText
    }

    /// A failure that is not a `ScriptError` (a bug, or an error from below
    /// that nothing turned into words): shown as a runtime error, its
    /// description clipped like any message.
    static func unexpected(_ error: any Error) -> ScriptError {
        ScriptError(.runtime, clip("\(error)"))
    }

    /// A run that `signal` stopped where no statement's error can say so, to
    /// show with the label `interrupted`; without a signal (Ctrl-C at the
    /// prompt cancels the entry) the label says it all and the entry failed
    /// as a runtime error.
    static func interruption(by signal: StopSignal?) -> ScriptError {
        guard let signal else { return ScriptError(.runtime, "") }
        return ScriptError(signal.exitCode, "stopped by \(signal.name)")
    }

    /// `error` as the failure that a signal stopped the run in: the signal named in front of the message.
    static func stopped(_ error: ScriptError, by signal: StopSignal?) -> ScriptError {
        guard let signal, !error.message.contains(signal.name) else { return error }
        var stopped = error
        stopped.message = "stopped by \(signal.name): " + error.message
        return stopped
    }

    static func clip(_ text: String) -> String {
        text.count > longestLine ? String(text.prefix(longestLine)) + "…" : text
    }
}
