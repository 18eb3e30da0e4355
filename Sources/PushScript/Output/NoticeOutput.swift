import Foundation
import PushAPI
import PushSyntax
import Synchronization

/// The error stream under `--output json` (`set output json`): every line a
/// JSON object, so a machine reading stderr never meets prose.
///
/// Failures and the check's problems are already objects (``ErrorReport``);
/// everything else written there — warnings, notes on what a stopped run
/// discarded, a data file's warnings, `-v` traces — is text written by many
/// commands. Rather than each of them knowing about JSON, this one stream
/// turns their lines into objects (``NoticeLine``), so a notice added later
/// is an object too. In text mode it passes everything through untouched.
final class NoticeOutput: ScriptOutput {
    private let inner: ScriptOutput
    private let state = Mutex<(json: Bool, pending: String)>((false, ""))

    init(_ inner: ScriptOutput) { self.inner = inner }

    /// Whether the error stream is JSON now (the output setting can change mid-script).
    var json: Bool {
        get { state.withLock { $0.json } }
        set { state.withLock { $0.json = newValue } }
    }

    var color: Bool { inner.color }
    /// No escape codes inside JSON strings.
    var errorColor: Bool { json ? false : inner.errorColor }
    var errorIsTerminal: Bool { inner.errorIsTerminal }

    func write(_ text: String) { inner.write(text) }

    func writeError(_ text: String) {
        // Whole lines only: a piece without its newline waits for the rest,
        // so a line written in two parts is one object, not two.
        let lines: [String]? = state.withLock { state in
            guard state.json else { return nil }
            let whole = state.pending + text
            guard let end = whole.lastIndex(of: "\n") else {
                state.pending = whole
                return []
            }
            state.pending = String(whole[whole.index(after: end)...])
            return whole[..<end].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        guard let lines else { return inner.writeError(text) }
        let objects = NoticeLine.objects(lines)
        if !objects.isEmpty { inner.writeError(objects.map { $0 + "\n" }.joined()) }
    }
}

/// How a line of text on the error stream reads as a JSON object: keyed by
/// its label as failures are (`warning`, `note`, `error`), with the place it
/// names as `location`, and the indented lines under it as `details`.
///
/// ```
/// warning: nothing to push: the array is empty; nothing was sent
///   → {"warning":"nothing to push: the array is empty; nothing was sent"}
/// people.jsonl:4: warning: "age" is a string
///   → {"warning":"\"age\" is a string","location":"people.jsonl:4"}
/// > POST /v1/sessions        (-v)
///   → {"trace":"> POST /v1/sessions"}
/// ```
public enum NoticeLine {
    /// One line of the runner's own (before or after the script) as its object.
    public static func json(_ line: String) -> String { JSONValue.object(object(TerminalStyle.withoutEscapes(line))).jsonText }

    /// A failure of the runner's own (the script file missing, a bad
    /// profile) in the fields a script's failure has.
    public static func failure(_ message: String, exitCode: ExitCode) -> String {
        ErrorReport(ScriptError(exitCode, message)).json
    }

    /// The objects for a run of whole lines: a line that already is a JSON
    /// object stays as it is; blank lines go; an indented line belongs to the
    /// notice above it.
    static func objects(_ lines: [String]) -> [String] {
        var objects: [String] = []
        var current: JSONObject?
        func flush() {
            if let object = current { objects.append(JSONValue.object(object).jsonText) }
            current = nil
        }
        for raw in lines {
            let line = TerminalStyle.withoutEscapes(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if line.hasPrefix("{"), case .object = try? JSONValue(parsing: line) {
                flush()
                objects.append(line)
            } else if let first = line.first, first == " " || first == "\t", current != nil {
                let detail = String(line.drop { $0 == " " || $0 == "\t" })
                var details =
                    current?["details"].flatMap { value -> [JSONValue]? in
                        if case .array(let items) = value { return items }
                        return nil
                    } ?? []
                details.append(.string(detail))
                current?["details"] = .array(details)
            } else {
                flush()
                current = object(line)
            }
        }
        flush()
        return objects
    }

    static let labels = ["error", "warning", "note"]

    /// One line as an object.
    static func object(_ line: String) -> JSONObject {
        let text = line.trimmingCharacters(in: .whitespaces)
        for label in labels {
            if text.hasPrefix(label + ": ") {
                return JSONObject([(label, .string(String(text.dropFirst(label.count + 2))))])
            }
            // A place in front, as a data file's warnings have it: `people.jsonl:4: warning: …`.
            if let marker = text.range(of: ": \(label): "), !text[..<marker.lowerBound].contains(" ") {
                return JSONObject([
                    (label, .string(String(text[marker.upperBound...]))), ("location", .string(String(text[..<marker.lowerBound]))),
                ])
            }
        }
        if text.hasPrefix("> ") || text.hasPrefix("< ") || text.hasPrefix("* ") { return JSONObject([("trace", .string(text))]) }
        if text.hasPrefix("pushsh: ") { return JSONObject([("note", .string(String(text.dropFirst(8))))]) }
        return JSONObject([("note", .string(text))])
    }
}
