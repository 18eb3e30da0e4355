import Testing

@testable import PushSyntax

/// The commonest mistakes get advice about what was meant, each with its
/// message, hint and caret (the rendered excerpt shows where the caret goes).
@Suite struct HintTests {
    /// The first diagnostic of parsing and checking `text`, rendered.
    func first(_ text: String, predefined: Set<String> = ["s", "x", "a", "b"]) -> (diagnostic: Diagnostic?, rendered: String) {
        let source = SourceFile(name: "t.push", text: text)
        let files = CheckFiles(loadInclude: { _ in throw HintTestError() }, dataFile: { _ in .readable(csvHeader: nil) })
        let diagnostics = Checker.parseAndCheck(source, predefined: predefined, files: files).diagnostics
        guard let diagnostic = diagnostics.first else { return (nil, "") }
        return (diagnostic, diagnostic.render(source: source, color: false))
    }

    struct HintTestError: Error {}

    func expectHint(
        _ text: String, message: String, hint: String, caret: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let (diagnostic, rendered) = first(text)
        #expect(diagnostic?.message == message, "\(rendered)", sourceLocation: sourceLocation)
        #expect(diagnostic?.hint == hint, "\(rendered)", sourceLocation: sourceLocation)
        #expect(
            (rendered + "\n").contains(caret), "expected the caret line \(caret.debugDescription) in:\n\(rendered)",
            sourceLocation: sourceLocation)
    }

    @Test func formMeansFrom() {
        expectHint(
            "push s User form \"f.jsonl\"", message: "unknown word 'form' after the entity type", hint: "did you mean 'from'?",
            caret: caret(13, 4))
    }

    @Test func singleEqualsInAConditionMeansDoubleEquals() {
        expectHint(
            "if x = 3\n  print 1\nend", message: "'=' only gives a name a value (in 'let'); to compare, use '=='",
            hint: "write == here", caret: caret(6, 1))
        expectHint(
            "expect a = b", message: "'=' only gives a name a value (in 'let'); to compare, use '=='", hint: "write == here",
            caret: caret(10, 1))
    }

    @Test func fiveMinutesMeansFiveM() {
        expectHint(
            "let s = start\nclose s apply\nwait s until processed timeout 5 minutes",
            message: "a duration is written with its unit attached: 5m, not '5 minutes'", hint: "write 5m (see 'help durations')",
            caret: caret(32, 9))
        expectHint(
            "sleep 2 hours", message: "a duration is written with its unit attached: 2h, not '2 hours'",
            hint: "write 2h (see 'help durations')", caret: caret(7, 7))
    }

    @Test func thenEndifDoneSayWhatPushshUses() {
        expectHint(
            "if x == 3 then\n  print 1\nend", message: "'then' is not a pushsh word",
            hint: "pushsh has no 'then': the block's statements start on the next line after 'if CONDITION'",
            caret: caret(11, 4))
        expectHint(
            "if x == 3\n  print 1\nendif", message: "'endif' is not a pushsh word",
            hint: "blocks end with a line that says 'end' (not 'endif')", caret: caret(1, 5))
        expectHint(
            "for r in [1]\n  print r\ndone", message: "'done' is not a pushsh word",
            hint: "blocks end with a line that says 'end' (not 'done')", caret: caret(1, 4))
        expectHint(
            "if x == 1\n  print 1\nelif x == 2\n  print 2\nend", message: "'elif' is not a pushsh word",
            hint: "write 'else if CONDITION'", caret: caret(1, 4))
    }

    @Test func forgottenTypeOrSessionIsNamed() {
        expectHint(
            "push s from \"f.jsonl\"", message: "the entity type is missing between the session and 'from'",
            hint: "push s User from ...", caret: caret(8, 4))
        expectHint(
            "push User from \"f.jsonl\"",
            message: "the session is missing: 'User' stands where the session goes, before the entity type",
            hint: "push s User ...   (s being a session from: let s = start)", caret: caret(6, 4))
    }

    @Test func smartQuotesMeanStraightQuotes() {
        expectHint(
            "print \u{201C}hello\u{201D}", message: "'\u{201C}' is a typographic (smart) quote",
            hint: "use straight quotes: \"text\" (an editor or chat app may have changed them)",
            caret: caret(7, 1))
    }

    @Test func misspeltBareCommandsGetDidYouMean() {
        for (typed, meant) in [("strat", "start"), ("hlep", "help"), ("intergration", "integration")] {
            let (diagnostic, rendered) = first(typed, predefined: [])
            #expect(diagnostic?.message == "undefined variable '\(typed)'", "\(rendered)")
            #expect(diagnostic?.hint == "did you mean the command '\(meant)'?", "\(rendered)")
            #expect((rendered + "\n").contains(caret(1, typed.count)), "\(rendered)")
        }
        // Followed by more words, it is surely a command.
        let (diagnostic, _) = first("strat ref \"x\"", predefined: [])
        #expect(diagnostic?.message == "unknown command 'strat'")
        #expect(diagnostic?.hint == "did you mean 'start'? (type 'help' for the list of commands)")
    }

    @Test func entityTypeThatDiffersByCaseIsAnError() {
        let (diagnostic, rendered) = first("push s user [{\"a\": 1}]")
        #expect(diagnostic?.severity == .error)
        #expect(diagnostic?.hint == "did you mean User?", "\(rendered)")
        #expect(first("push s Usr [{\"a\": 1}]").diagnostic?.hint == "did you mean 'User'? (entity types are case-sensitive)")
        #expect(first("push s Device [{\"a\": 1}]").diagnostic == nil)
    }
}

/// The caret line of a rendered diagnostic: `| ` then spaces up to `column` (1-based), then `width` carets, then the line's end.
private func caret(_ column: Int, _ width: Int) -> String {
    "| " + String(repeating: " ", count: column - 1) + String(repeating: "^", count: width) + "\n"
}
