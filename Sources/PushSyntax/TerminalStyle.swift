/// Colour on a terminal, as ANSI SGR escapes: the one place that writes
/// them, so diagnostics, script output, lessons and the prompt cannot drift
/// apart (they did: `cancelled` was yellow in `status` and bold in the prompt).
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

    /// `text` in the SGR style `code` (`"1"`, `"33"`, `"1;31"`), or `text` as it is when colour is off.
    public func apply(_ text: String, _ code: String) -> String {
        guard enabled else { return text }
        let (start, end) = inPrompt ? ("\u{1}", "\u{1}") : ("", "")
        return start + "\u{1B}[\(code)m" + end + text + start + "\u{1B}[0m" + end
    }

    /// A session state's name in the colour of what it means, the same everywhere.
    public func state(_ name: String) -> String { apply(name, Self.stateCode(name)) }

    /// The SGR code of a session state: green when done, red when lost,
    /// yellow when called off, cyan while the service works, bold otherwise
    /// (active, and states pushsh does not know).
    public static func stateCode(_ name: String) -> String {
        switch SessionStateName(rawValue: name) {
        case .processed: "32"
        case .failed, .expired: "31"
        case .cancelled: "33"
        case .processing: "36"
        case .active, nil: "1"
        }
    }
}
