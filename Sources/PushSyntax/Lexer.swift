/// A hand-written scanner that turns pushsh source into tokens on demand.
///
/// The parser pulls one token at a time with `next()`, so a 10 MB script never
/// exists as a 10 MB array of tokens. The lexer also owns the two rules that
/// depend on brackets rather than grammar: a line break inside `(`, `[`, `{`
/// or `${...}` does not end a statement, and a `}` that closes a `${` resumes
/// the string around it.
public struct Lexer: Sendable {
    /// The file being read.
    public let source: SourceFile
    /// Problems found so far: bad characters, bad escapes, unterminated strings, huge numbers.
    public internal(set) var diagnostics: [Diagnostic] = []
    /// Whether the input ended inside an open `(`, `[`, `{` or `${`.
    public private(set) var endedInsideGroup = false
    /// Whether the input ended right after a line-continuing `\`.
    public private(set) var endedWithContinuation = false

    let bytes: [UInt8]
    var position = 0
    var line = 1
    var column = 1
    /// The brackets and interpolations open at this point, innermost last.
    var groups: [Group] = []
    /// The kind of the last token returned (a word after `.` may start with a digit).
    var lastKind: Token.Kind = .newline

    /// An open bracket or interpolation, with where it was opened.
    enum Group {
        case paren(SourceLocation)
        case bracket(SourceLocation)
        case brace(SourceLocation)
        /// A `${` inside a string: remembers the string's opening quote, where
        /// an unterminated string is reported.
        case interpolation(quote: SourceLocation)
    }

    /// A lexer at the start of `source` (a UTF-8 byte order mark is skipped).
    public init(_ source: SourceFile) {
        self.source = source
        self.bytes = source.utf8
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    /// All tokens of a source up to and including the end-of-file token, and
    /// the lexer's diagnostics. Meant for tests and tools such as highlighting.
    public static func tokenize(_ source: SourceFile) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        while true {
            let token = lexer.next()
            tokens.append(token)
            if token.kind == .endOfFile { break }
        }
        return (tokens, lexer.diagnostics)
    }

    /// Reads the next token; after the end of the input it keeps returning `.endOfFile`.
    public mutating func next() -> Token {
        let spaceBefore = skipTrivia()
        let token = scanToken(spaceBefore: spaceBefore)
        lastKind = token.kind
        return token
    }

    // MARK: - Positions

    var location: SourceLocation { SourceLocation(line: line, column: column, offset: position) }

    func peek(_ ahead: Int = 0) -> UInt8? {
        let index = position + ahead
        return index < bytes.count ? bytes[index] : nil
    }

    /// Moves past `count` ASCII bytes on the current line.
    mutating func advance(_ count: Int = 1) {
        position += count
        column += count
    }

    /// Moves past a line break (`\n`).
    mutating func advanceLine() {
        position += 1
        line += 1
        column = 1
    }

    func range(from start: SourceLocation) -> SourceRange {
        SourceRange(file: source.name, start: start, end: location)
    }

    mutating func report(_ message: String, at range: SourceRange, hint: String? = nil) {
        diagnostics.append(.error(message, at: range, hint: hint))
    }

    // MARK: - Trivia

    /// Skips spaces, comments, continued lines and line breaks inside brackets;
    /// returns whether anything was skipped (or this is the start of a line).
    private mutating func skipTrivia() -> Bool {
        var skipped = position == 0 || lastKind == .newline || lastKind == .semicolon
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                advance()
            case UInt8(ascii: "#"):
                skipComment()
            case UInt8(ascii: "\\"):
                // Only a backslash that is the last thing on its line continues it.
                if peek(1) == UInt8(ascii: "\n") {
                    advance()
                    advanceLine()
                } else if peek(1) == UInt8(ascii: "\r"), peek(2) == UInt8(ascii: "\n") {
                    advance(2)
                    advanceLine()
                } else if peek(1) == nil {
                    advance()
                    endedWithContinuation = true
                } else {
                    return skipped
                }
            case UInt8(ascii: "\n") where !groups.isEmpty:
                advanceLine()
            default:
                return skipped
            }
            skipped = true
        }
        return skipped
    }

    /// Skips a `#` comment up to (not including) the line break, still
    /// rejecting bytes that are not text.
    private mutating func skipComment() {
        while let byte = peek(), byte != UInt8(ascii: "\n") {
            if byte >= 0x20 && byte < 0x7F || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                advance()
            } else if byte >= 0x80 {
                _ = scanScalar(context: "a comment")
            } else {
                reportControl(byte, context: "a comment")
            }
        }
    }

    // MARK: - Tokens

    private mutating func scanToken(spaceBefore: Bool) -> Token {
        let start = location
        guard let byte = peek() else {
            if !groups.isEmpty { endedInsideGroup = true }
            return Token(.endOfFile, range(from: start), spaceBefore: spaceBefore)
        }
        func token(_ kind: Token.Kind) -> Token {
            Token(kind, range(from: start), spaceBefore: spaceBefore)
        }
        func punctuation(_ mark: Token.Punctuation, length: Int = 1) -> Token {
            advance(length)
            return token(.punctuation(mark))
        }

        if case .punctuation(.dot) = lastKind, Self.isKeyByte(byte) {
            return token(.word(scanKey()))
        }
        if Self.isWordStart(byte) {
            let word = scanWord()
            return token(Token.Keyword(rawValue: word).map(Token.Kind.keyword) ?? .word(word))
        }
        if byte == UInt8(ascii: "-"), !spaceBefore, Self.endsValue(lastKind) {
            // `a-5` or `n-1` reads like subtraction; two values side by side is never what was meant.
            scanInvalid(byte, start: start)
            return token(.invalid)
        }
        if Self.isDigit(byte) || byte == UInt8(ascii: "-") && peek(1).map(Self.isDigit) == true {
            return token(scanNumber(start: start))
        }
        switch byte {
        case UInt8(ascii: "\n"):
            advanceLine()
            return token(.newline)
        case UInt8(ascii: ";"):
            advance()
            return token(.semicolon)
        case UInt8(ascii: "\""):
            advance()
            return token(scanStringBody(quote: start, continuing: false))
        case UInt8(ascii: "="):
            return peek(1) == UInt8(ascii: "=") ? punctuation(.equalEqual, length: 2) : punctuation(.equal)
        case UInt8(ascii: "!") where peek(1) == UInt8(ascii: "="):
            return punctuation(.notEqual, length: 2)
        case UInt8(ascii: "<"):
            return peek(1) == UInt8(ascii: "=") ? punctuation(.lessEqual, length: 2) : punctuation(.less)
        case UInt8(ascii: ">"):
            return peek(1) == UInt8(ascii: "=") ? punctuation(.greaterEqual, length: 2) : punctuation(.greater)
        case UInt8(ascii: "."): return punctuation(.dot)
        case UInt8(ascii: ","): return punctuation(.comma)
        case UInt8(ascii: ":"): return punctuation(.colon)
        case UInt8(ascii: "("):
            groups.append(.paren(start))
            return punctuation(.leftParen)
        case UInt8(ascii: "["):
            groups.append(.bracket(start))
            return punctuation(.leftBracket)
        case UInt8(ascii: "{"):
            groups.append(.brace(start))
            return punctuation(.leftBrace)
        case UInt8(ascii: ")"):
            closeGroup(interpolationToo: false)
            return punctuation(.rightParen)
        case UInt8(ascii: "]"):
            closeGroup(interpolationToo: false)
            return punctuation(.rightBracket)
        case UInt8(ascii: "}"):
            if case .interpolation(let quote) = groups.last {
                groups.removeLast()
                advance()
                return token(scanStringBody(quote: quote, continuing: true))
            }
            closeGroup(interpolationToo: false)
            return punctuation(.rightBrace)
        default:
            scanInvalid(byte, start: start)
            return token(.invalid)
        }
    }

    /// Whether a token of this kind can end a value (so a `-` touching it looks like subtraction).
    private static func endsValue(_ kind: Token.Kind) -> Bool {
        switch kind {
        case .word, .integer, .decimal, .duration, .string, .stringTail, .keyword(.true), .keyword(.false),
            .keyword(.null), .punctuation(.rightParen), .punctuation(.rightBracket), .punctuation(.rightBrace):
            true
        default:
            false
        }
    }

    /// Whether a bracket, brace, parenthesis or `${` is open.
    var hasOpenGroups: Bool { !groups.isEmpty }

    /// Forgets the open brackets, so the next line break ends a statement
    /// again (the parser's recovery after a bracket that is never closed).
    mutating func abandonGroups() { groups.removeAll() }

    /// Pops the innermost bracket for a closing one. A mismatched closer still
    /// pops, so that `print (1]` does not leave a bracket open for the rest of
    /// the file; it never pops a `${`, which only `}` ends.
    private mutating func closeGroup(interpolationToo: Bool) {
        guard let last = groups.last else { return }
        if case .interpolation = last, !interpolationToo { return }
        groups.removeLast()
    }

    /// Reports a character that cannot start a token, with advice for the usual suspects.
    private mutating func scanInvalid(_ byte: UInt8, start: SourceLocation) {
        if byte >= 0x80 {
            if let scalar = scanScalar(context: nil) {
                // Word processors and chat apps turn "..." into “...”: say so rather than "unexpected".
                if Hints.smartQuotes.contains(scalar) {
                    let double = scalar == "\u{201C}" || scalar == "\u{201D}" || scalar == "\u{201E}"
                    report(
                        "'\(scalar)' is a typographic (smart) quote", at: range(from: start),
                        hint: double
                            ? "use straight quotes: \"text\" (an editor or chat app may have changed them)"
                            : "use straight double quotes: \"text\" (an editor or chat app may have changed them)")
                    return
                }
                report(
                    "unexpected character '\(scalar)'", at: range(from: start),
                    hint: "names use the letters A-Z, a-z, digits and '_'; put other text in a string")
            }
            return
        }
        if byte < 0x20 || byte == 0x7F {
            reportControl(byte, context: "a script")
            return
        }
        // Read '&&' and '||' as one mistake, not two.
        let doubled = (byte == UInt8(ascii: "&") || byte == UInt8(ascii: "|")) && peek(1) == byte
        advance(doubled ? 2 : 1)
        let character = Character(Unicode.Scalar(byte))
        let hint: String? =
            switch character {
            case "!": "write 'not' to negate, '!=' to compare"
            case "&": "write 'and'"
            case "|": "write 'or'"
            case "-", "+", "*", "/", "%": "pushsh has no arithmetic; '-' only starts a negative number such as -5"
            case "'": "strings use double quotes: \"text\""
            case "\\": "a '\\' continues a statement only as the very last character of a line"
            default: nil
            }
        let shown = doubled ? "\(character)\(character)" : "\(character)"
        report("unexpected \(doubled ? "'\(shown)'" : "character '\(shown)'")", at: range(from: start), hint: hint)
    }

    /// Reports and skips a control character or NUL byte.
    mutating func reportControl(_ byte: UInt8, context: String) {
        let start = location
        advance()
        let hex = String(byte, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: 4 - hex.count) + hex
        let what = byte == 0 ? "NUL byte (\(code))" : "control character \(code)"
        report(
            "\(what) is not allowed in \(context)", at: range(from: start),
            hint: "the file may be binary or in a different encoding; pushsh reads UTF-8 text")
    }

    /// Reads one UTF-8 encoded scalar at the position, or reports and skips
    /// one byte of invalid UTF-8 (nil).
    mutating func scanScalar(context: String?) -> Unicode.Scalar? {
        let start = location
        if let (scalar, length) = Self.decodeScalar(bytes, at: position) {
            position += length
            column += 1
            return scalar
        }
        let byte = bytes[position]
        advance()
        let hex = String(byte, radix: 16, uppercase: true)
        report(
            "invalid UTF-8 byte 0x\(hex.count == 1 ? "0" + hex : hex)\(context.map { " in \($0)" } ?? "")",
            at: range(from: start), hint: "save the file as UTF-8")
        return nil
    }

    /// Decodes one well-formed UTF-8 sequence (no overlongs, no surrogates).
    static func decodeScalar(_ bytes: [UInt8], at index: Int) -> (Unicode.Scalar, Int)? {
        let first = bytes[index]
        let length: Int
        var value: UInt32
        switch first {
        case 0x00...0x7F: return (Unicode.Scalar(first), 1)
        case 0xC2...0xDF:
            length = 2
            value = UInt32(first & 0x1F)
        case 0xE0...0xEF:
            length = 3
            value = UInt32(first & 0x0F)
        case 0xF0...0xF4:
            length = 4
            value = UInt32(first & 0x07)
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        let minimum: UInt32 = length == 3 ? 0x800 : length == 4 ? 0x10000 : 0x80
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }

    // MARK: - Words

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isLetter(_ byte: UInt8) -> Bool { byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A }
    static func isWordStart(_ byte: UInt8) -> Bool { isLetter(byte) || byte == UInt8(ascii: "_") }
    static func isWordByte(_ byte: UInt8) -> Bool { isWordStart(byte) || isDigit(byte) }
    static func isKeyByte(_ byte: UInt8) -> Bool { isWordByte(byte) }

    /// Reads `[A-Za-z_][A-Za-z0-9_]*` and any `-letter...` segments after it.
    mutating func scanWord() -> String {
        scanHyphenated { Self.isLetter($0) }
    }

    /// Reads a key after `.`: like a word, but it may start with a digit (`x.0`, `x.2fa`),
    /// and so may a segment after a `-`.
    private mutating func scanKey() -> String {
        scanHyphenated { Self.isKeyByte($0) }
    }

    /// Word bytes, then `-` segments of word bytes, each only where `segmentStart`
    /// takes the byte after its `-` (else the word ends before the `-`).
    private mutating func scanHyphenated(segmentStart: (UInt8) -> Bool) -> String {
        let start = position
        while let byte = peek(), Self.isWordByte(byte) { advance() }
        while peek() == UInt8(ascii: "-"), let next = peek(1), segmentStart(next) {
            advance()
            while let byte = peek(), Self.isWordByte(byte) { advance() }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }
}
