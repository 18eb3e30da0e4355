/// Advice for the commonest mistakes, so a message points at what was meant
/// rather than at the token where the parser gave up.
public enum Hints: Sendable {
    /// “ ” „ ‘ ’: what word processors and chat apps put in place of `"`.
    static let smartQuotes: Set<Unicode.Scalar> = ["\u{201C}", "\u{201D}", "\u{201E}", "\u{2018}", "\u{2019}"]

    /// Words other languages end or continue blocks with, and what pushsh writes instead.
    static let foreignBlockWords: [String: String] = [
        "then": "pushsh has no 'then': the block's statements start on the next line after 'if CONDITION'",
        "do": "pushsh has no 'do': the loop's statements start on the next line after 'for NAME in LIST'",
        "endif": "blocks end with a line that says 'end' (not 'endif')",
        "fi": "blocks end with a line that says 'end' (not 'fi')",
        "endfor": "blocks end with a line that says 'end' (not 'endfor')",
        "done": "blocks end with a line that says 'end' (not 'done')",
        "elif": "write 'else if CONDITION'",
        "elsif": "write 'else if CONDITION'",
        "elseif": "write 'else if CONDITION'",
    ]

    /// The advice for a word another language uses for blocks; nil for any other word.
    public static func foreignBlockWord(_ word: String) -> String? { foreignBlockWords[word] }

    /// Unit words written after a number (`5 minutes`), and the suffix pushsh uses.
    static let unitWords: [String: String] = [
        "ms": "ms", "millisecond": "ms", "milliseconds": "ms", "msec": "ms",
        "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
        "m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
        "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
        "d": "d", "day": "d", "days": "d",
    ]

    /// `5 minutes` → `5m`: the suffix for a unit word, or nil.
    public static func unitSuffix(_ word: String) -> String? { unitWords[word.lowercased()] }
}
