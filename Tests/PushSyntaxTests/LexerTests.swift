import Testing

@testable import PushSyntax

@Suite struct LexerTests {
    /// The kinds of all tokens before the end of file.
    func kinds(_ text: String) -> [Token.Kind] {
        let (tokens, _) = Lexer.tokenize(SourceFile(name: "t", text: text))
        return tokens.dropLast().map(\.kind)
    }

    func diagnostics(_ text: String) -> [String] {
        messages(Lexer.tokenize(SourceFile(name: "t", text: text)).diagnostics)
    }

    @Test func wordsKeywordsAndPunctuation() {
        #expect(
            kinds("rate-limit a_b2 and not x -5 == != <= >= < > = . , : ( ) [ ] { } ;") == [
                .word("rate-limit"), .word("a_b2"), .keyword(.and), .keyword(.not), .word("x"), .integer(-5),
                .punctuation(.equalEqual), .punctuation(.notEqual), .punctuation(.lessEqual),
                .punctuation(.greaterEqual),
                .punctuation(.less), .punctuation(.greater), .punctuation(.equal), .punctuation(.dot),
                .punctuation(.comma),
                .punctuation(.colon), .punctuation(.leftParen), .punctuation(.rightParen), .punctuation(.leftBracket),
                .punctuation(.rightBracket), .punctuation(.leftBrace), .punctuation(.rightBrace), .semicolon,
            ])
        #expect(kinds("a-") == [.word("a"), .invalid])
        #expect(
            kinds("a -5 [1,-2] {x:-3} (-4)") == [
                .word("a"), .integer(-5), .punctuation(.leftBracket), .integer(1), .punctuation(.comma), .integer(-2),
                .punctuation(.rightBracket), .punctuation(.leftBrace), .word("x"), .punctuation(.colon), .integer(-3),
                .punctuation(.rightBrace), .punctuation(.leftParen), .integer(-4), .punctuation(.rightParen),
            ])
    }

    @Test func numbersKeepIntegerAndDecimalApart() {
        #expect(
            kinds("0 42 -7 1.5 -0.25 1e3 2.5E-2 9223372036854775807 -9223372036854775808") == [
                .integer(0), .integer(42), .integer(-7), .decimal(1.5), .decimal(-0.25), .decimal(1000),
                .decimal(0.025),
                .integer(.max), .integer(.min),
            ])
        // "5." is the number 5 followed by a dot; ".5" is not a number.
        #expect(kinds("5.") == [.integer(5), .punctuation(.dot)])
    }

    @Test func durations() {
        #expect(
            kinds("500ms 30s 1.5m 2h 1d -1s 0s") == [
                .duration(.milliseconds(500)), .duration(.seconds(30)), .duration(.seconds(90)),
                .duration(.seconds(7200)),
                .duration(.seconds(86400)), .duration(.seconds(-1)), .duration(.zero),
            ])
        #expect(diagnostics("sleep 5sec") == ["1:8: unknown unit 'sec' after the number 5"])
    }

    @Test func hugeNumbersAreErrorsAtTheirLocation() {
        #expect(diagnostics("print 1 99999999999999999999") == ["1:9: number too large"])
        #expect(diagnostics("x\n  -9223372036854775809") == ["2:3: number too large"])
        #expect(diagnostics("print 1e400") == ["1:7: number too large"])
        #expect(diagnostics("sleep 999999999999999999d") == ["1:7: duration too large"])
        let range = Lexer.tokenize(SourceFile(name: "t", text: "print 99999999999999999999")).diagnostics.first?.range
        #expect(range?.end.column == 27)
    }

    @Test func stringEscapes() {
        #expect(kinds(#""a\"b\\c\/d\n\t\r\b\f\u00e9\uD83D\uDE00\$e""#) == [.string("a\"b\\c/d\n\t\r\u{8}\u{C}é😀$e")])
        #expect(kinds(#""cost $5 ${""#).first == .stringHead("cost $5 "))
        #expect(kinds(#""naïve 日本""#) == [.string("naïve 日本")])
    }

    @Test func badEscapesAreReportedAtTheBackslash() {
        #expect(diagnostics(#"print "a\qb""#) == [#"1:9: unknown escape '\q' in a string"#])
        #expect(diagnostics(#"print "\u12""#) == [#"1:8: '\u' must be followed by four hex digits"#])
        #expect(diagnostics(#"print "\uD800x""#) == [#"1:8: lone surrogate in '\u' escape"#])
        #expect(diagnostics(#"print "\uDC00""#) == [#"1:8: lone surrogate in '\u' escape"#])
    }

    @Test func unterminatedStringIsReportedAtTheOpeningQuote() {
        #expect(diagnostics("let a = 1\nprint \"abc\nprint 2") == ["2:7: unterminated string"])
        #expect(diagnostics("print \"abc") == ["1:7: unterminated string"])
        // After an interpolation, the string's own opening quote is still the place.
        #expect(diagnostics("print \"a ${x} b\nprint 1") == ["1:7: unterminated string"])
        // The line break still ends the statement.
        #expect(kinds("\"a\nb") == [.string("a"), .newline, .word("b")])
    }

    @Test func interpolationTokens() {
        #expect(
            kinds(#""a ${x} b ${y.z} c""#) == [
                .stringHead("a "), .word("x"), .stringMiddle(" b "), .word("y"), .punctuation(.dot), .word("z"),
                .stringTail(" c"),
            ])
        #expect(
            kinds(#""${ {"k": "${v}"} }""#) == [
                .stringHead(""), .punctuation(.leftBrace), .string("k"), .punctuation(.colon), .stringHead(""),
                .word("v"), .stringTail(""), .punctuation(.rightBrace), .stringTail(""),
            ])
    }

    @Test func newlinesInsideBracketsDoNotEndStatements() {
        #expect(
            kinds("[1,\n2]\nx") == [
                .punctuation(.leftBracket), .integer(1), .punctuation(.comma), .integer(2), .punctuation(.rightBracket),
                .newline, .word("x"),
            ])
        #expect(kinds("f(\n)\n") == [.word("f"), .punctuation(.leftParen), .punctuation(.rightParen), .newline])
        // A mismatched closer still closes, so the next line is a new statement.
        #expect(
            kinds("(1]\nx") == [
                .punctuation(.leftParen), .integer(1), .punctuation(.rightBracket), .newline, .word("x"),
            ])
    }

    @Test func commentsAndContinuations() {
        #expect(
            kinds("#!/usr/bin/env pushsh\nprint \"# not a comment\" # a comment\n") == [
                .newline, .word("print"), .string("# not a comment"), .newline,
            ])
        #expect(kinds("print 1 \\\n 2") == [.word("print"), .integer(1), .integer(2)])
        #expect(kinds("print 1 \\\r\n 2") == [.word("print"), .integer(1), .integer(2)])
        #expect(diagnostics("print 1 \\ 2") == ["1:9: unexpected character '\\'"])
    }

    @Test func keysAfterADotMayStartWithADigit() {
        #expect(
            kinds("x.0.2fa.not") == [
                .word("x"), .punctuation(.dot), .word("0"), .punctuation(.dot), .word("2fa"), .punctuation(.dot),
                .word("not"),
            ])
    }

    @Test func spaceBeforeIsRecorded() {
        let (tokens, _) = Lexer.tokenize(SourceFile(name: "t", text: "a[0] b [1] f(x)#c\n(y)"))
        let flags = tokens.map { "\($0.kind)\($0.spaceBefore ? "+" : "")" }
        #expect(
            flags == [
                "'a'+", "'['", "the number 0", "']'", "'b'+", "'['+", "the number 1", "']'", "'f'+", "'('", "'x'",
                "')'",
                "the end of the line+", "'('+", "'y'", "')'", "the end of the input",
            ])
    }

    @Test func nulAndControlCharactersAreErrorsWithLocations() {
        #expect(diagnostics("print 1\u{0}") == ["1:8: NUL byte (U+0000) is not allowed in a script"])
        #expect(diagnostics("print \"a\u{0}b\"") == ["1:9: NUL byte (U+0000) is not allowed in a string"])
        #expect(diagnostics("# bell \u{7}\nx") == ["1:8: control character U+0007 is not allowed in a comment"])
        #expect(diagnostics("x \u{1B}[0m") == ["1:3: control character U+001B is not allowed in a script"])
    }

    @Test func invalidUTF8IsAnErrorWithItsLocation() {
        let bytes: [UInt8] = Array("print \"ok\"\nprint \"a".utf8) + [0xFF] + Array("b\"\nx ".utf8) + [0xC3, 0x28]
        let source = SourceFile(name: "bin.push", bytes: bytes)
        let result = Lexer.tokenize(source)
        #expect(
            messages(result.diagnostics) == [
                "2:9: invalid UTF-8 byte 0xFF in a string",
                "3:3: invalid UTF-8 byte 0xC3",
            ])
        #expect(result.diagnostics.first?.range.file == "bin.push")
        // Truncated sequences at the end of the input are errors too, not crashes.
        let truncated = Lexer.tokenize(SourceFile(name: "t", bytes: Array("\"é".utf8).dropLast()))
        #expect(
            messages(truncated.diagnostics) == ["1:2: invalid UTF-8 byte 0xC3 in a string", "1:1: unterminated string"])
    }

    @Test func aMinusTouchingAValueLooksLikeSubtraction() {
        #expect(diagnostics("print n-1") == ["1:8: unexpected character '-'"])
        #expect(
            diagnostics("print len(x)-1 2-1") == ["1:13: unexpected character '-'", "1:17: unexpected character '-'"])
        let result = Lexer.tokenize(SourceFile(name: "t", text: "print n-1"))
        #expect(
            result.diagnostics.first?.hint == "pushsh has no arithmetic; '-' only starts a negative number such as -5")
    }

    @Test func nonASCIIOutsideStringsIsAnUnexpectedCharacter() {
        #expect(diagnostics("let café = 1") == ["1:8: unexpected character 'é'"])
        #expect(
            diagnostics("print a && b || c | d") == [
                "1:9: unexpected '&&'", "1:14: unexpected '||'", "1:19: unexpected character '|'",
            ])
    }

    @Test func columnsCountUnicodeScalars() {
        let (tokens, _) = Lexer.tokenize(SourceFile(name: "t", text: "print \"日本\" x"))
        #expect(tokens[2].range.start.column == 12)
        #expect(tokens[2].range.start.offset == 15)
    }

    @Test func byteOrderMarkAndCRLFAreAccepted() {
        #expect(
            kinds("\u{FEFF}print 1\r\nprint 2\r\n") == [
                .word("print"), .integer(1), .newline, .word("print"), .integer(2), .newline,
            ])
    }

    @Test func tenMegabyteSingleLine() {
        let big = String(repeating: "abcdefghij", count: 1_000_000)
        let source = SourceFile(name: "big.push", text: "let s = \"\(big)\" # end")
        let (tokens, diagnostics) = Lexer.tokenize(source)
        #expect(diagnostics == [])
        #expect(tokens.count == 5)
        #expect(tokens[3].kind == .string(big))
        #expect(tokens[4].range.start.column == 10_000_017)
    }
}
