import Foundation

/// Colour on a terminal, as ANSI escapes: the one place that writes them, so
/// diagnostics, script output, lessons and the prompt cannot drift apart
/// (they did: `cancelled` was yellow in `status` and bold in the prompt, and
/// `hint:` was bold cyan from `pushsh check`, cyan in a runtime error and
/// yellow in a lesson).
///
/// Callers name a role (an error label, a session state, a success); only
/// this type knows which escape shows it. A test holds every other source
/// file to writing no escape of its own.
public struct TerminalStyle: Sendable {
    /// Off when the output is not a terminal or `NO_COLOR` is set: text stays plain.
    public var enabled: Bool
    /// For a libedit prompt: each escape is bracketed by `\u{1}`, the
    /// character the shell registers with `EL_PROMPT_ESC`, so that libedit
    /// does not count the escapes as columns.
    public var inPrompt: Bool

    public init(enabled: Bool, inPrompt: Bool = false) {
        self.enabled = enabled
        self.inPrompt = inPrompt
    }

    // MARK: Labels in front of a message, the same in `pushsh check`, a runtime error and a lesson

    /// `error:` and the carets under an error: bold red.
    public func error(_ text: String) -> String { apply(text, "1;31") }
    /// `warning:` and the carets under a warning: bold yellow.
    public func warning(_ text: String) -> String { apply(text, "1;33") }
    /// `note:` and the carets under a note: bold cyan.
    public func note(_ text: String) -> String { apply(text, "1;36") }
    /// `hint:` and a lesson's `try:`, what to type next: bold cyan.
    public func hint(_ text: String) -> String { apply(text, "1;36") }

    // MARK: Text

    /// What the eye should find first: ids, a diagnostic's place and message, a command to type, a table's header.
    public func bold(_ text: String) -> String { apply(text, "1") }
    /// An aside the reader may skip: a next page, a lesson's how-to, what an earlier attempt left.
    public func dim(_ text: String) -> String { apply(text, "2") }
    /// What went well: records accepted, a lesson step done.
    public func success(_ text: String) -> String { apply(text, "32") }
    /// A lesson's title and step line: bold cyan.
    public func heading(_ text: String) -> String { apply(text, "1;36") }

    /// Where commands go, in the prompt: cyan for the sandbox, bold magenta for
    /// a real service, so that nobody pushes to production by mistake.
    public func target(_ label: String, isSandbox: Bool) -> String { apply(label, isSandbox ? "36" : "35;1") }

    /// A session state's name in the colour of what it means, the same everywhere.
    public func state(_ name: String) -> String { apply(name, Self.stateCode(name)) }

    /// Back to the start of the line and erase it: how a progress line is
    /// redrawn in place. Written whether or not colour is on: the caller
    /// redraws only on a terminal, and `NO_COLOR` is about colour, not about
    /// keeping the screen tidy.
    public static let clearLine = "\r\u{1B}[K"

    /// `text` without the escapes written here (colours, clearing a line):
    /// for places that must hold none, such as a JSON string on stderr.
    public static func withoutEscapes(_ text: String) -> String {
        guard text.contains("\u{1B}") else { return text }
        return text.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
    }

    // MARK: The escapes

    /// `text` in the SGR style `code` (`"1"`, `"33"`, `"1;31"`), or `text` as it is when colour is off.
    private func apply(_ text: String, _ code: String) -> String {
        guard enabled else { return text }
        let (start, end) = inPrompt ? ("\u{1}", "\u{1}") : ("", "")
        return start + "\u{1B}[\(code)m" + end + text + start + "\u{1B}[0m" + end
    }

    /// The SGR code of a session state: green when done, red when lost,
    /// yellow when called off, cyan while the service works, bold otherwise
    /// (active, and states pushsh does not know).
    static func stateCode(_ name: String) -> String {
        switch SessionStateName(rawValue: name) {
        case .processed: "32"
        case .failed, .expired: "31"
        case .cancelled: "33"
        case .processing: "36"
        case .active, nil: "1"
        }
    }
}
