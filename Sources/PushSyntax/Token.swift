/// One token of pushsh source, with where it was written.
public struct Token: Sendable, Hashable {
    /// What the token is.
    public var kind: Kind
    /// Where it was written.
    public var range: SourceRange
    /// Whether whitespace, a comment or a line start comes right before it.
    ///
    /// The parser needs this because `[` and `(` are postfix (indexing, a call)
    /// only when they touch the previous token: `r.errors[0]` indexes, while
    /// `push s User [ ... ]` passes an array as a separate argument.
    public var spaceBefore: Bool

    public init(_ kind: Kind, _ range: SourceRange, spaceBefore: Bool) {
        self.kind = kind
        self.range = range
        self.spaceBefore = spaceBefore
    }

    /// The kinds of tokens.
    public enum Kind: Sendable, Hashable {
        /// A name or bare word: `[A-Za-z_][A-Za-z0-9_]*` with `-letters` segments
        /// (`rate-limit`). Also any key written after a `.` (`x.2fa`).
        case word(String)
        /// `and`, `or`, `not`, `true`, `false`, `null`.
        case keyword(Keyword)
        /// A whole number that fits in 64 bits.
        case integer(Int64)
        /// A number with a fraction or an exponent.
        case decimal(Double)
        /// A number with a unit: `500ms`, `30s`, `1.5m`, `2h`, `1d`.
        case duration(Duration)
        /// A complete string literal with no `${...}` in it (escapes decoded).
        case string(String)
        /// The text of a string from its opening quote up to its first `${`.
        case stringHead(String)
        /// The text of a string between a `}` that ends an interpolation and the next `${`.
        case stringMiddle(String)
        /// The text of a string from a `}` that ends an interpolation to the closing quote.
        case stringTail(String)
        /// An operator or punctuation mark.
        case punctuation(Punctuation)
        /// The end of a statement: a line break outside brackets.
        case newline
        /// The end of a statement: `;`.
        case semicolon
        /// Text the lexer could not read; it has already reported why.
        case invalid
        /// The end of the source.
        case endOfFile
    }

    /// The reserved words of expressions; they can never be variable names.
    public enum Keyword: String, Sendable, Hashable, CaseIterable {
        case and, or, not, `true`, `false`, null
    }

    /// Operators and punctuation marks.
    public enum Punctuation: String, Sendable, Hashable, CaseIterable {
        case equalEqual = "=="
        case notEqual = "!="
        case lessEqual = "<="
        case greaterEqual = ">="
        case less = "<"
        case greater = ">"
        case equal = "="
        case dot = "."
        case comma = ","
        case colon = ":"
        case leftParen = "("
        case rightParen = ")"
        case leftBracket = "["
        case rightBracket = "]"
        case leftBrace = "{"
        case rightBrace = "}"
    }
}

extension Token.Kind: CustomStringConvertible {
    /// How the token is named in a diagnostic: `'push'`, `a number`, `the end of the line`.
    public var description: String {
        switch self {
        case .word(let word): "'\(word)'"
        case .keyword(let keyword): "'\(keyword.rawValue)'"
        case .integer(let value): "the number \(value)"
        case .decimal(let value): "the number \(value)"
        case .duration: "a duration"
        case .string, .stringHead: "a string"
        case .stringMiddle, .stringTail: "the rest of a string"
        case .punctuation(let mark): "'\(mark.rawValue)'"
        case .newline: "the end of the line"
        case .semicolon: "';'"
        case .invalid: "unreadable text"
        case .endOfFile: "the end of the input"
        }
    }

    /// Whether this token ends a statement (a line break, `;` or the end of input).
    public var endsStatement: Bool {
        switch self {
        case .newline, .semicolon, .endOfFile: true
        default: false
        }
    }

    /// The word, if this is a word token.
    public var word: String? {
        if case .word(let word) = self { return word }
        return nil
    }
}
