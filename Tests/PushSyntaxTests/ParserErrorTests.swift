import Testing

@testable import PushSyntax

/// Where parse errors land, what they say, and how parsing recovers.
@Suite struct ParserErrorTests {
    /// Parses marked text and returns its diagnostics as "line:col: message".
    func errors(_ text: String) -> [String] {
        messages(parse(text).diagnostics)
    }

    @Test func closeWithoutApplyOrDiscard() {
        let marked = MarkedText("let s = start\nclose s 1️⃣finish\n")
        let result = parse(marked.text)
        #expect(messages(result.diagnostics) == ["\(marked[1]): expected 'apply' or 'discard' after the session"])
        #expect(result.diagnostics.first?.hint == "close s apply   (or: close s discard)")
        #expect(result.diagnostics.first?.range.end.column == 15)
    }

    @Test func unknownWordsListTheValidOnes() {
        #expect(
            errors("wait s until done") == [
                "1:14: unknown session state 'done'; expected 'active', 'processing', 'processed', 'failed', 'cancelled' or 'expired'"
            ])
        #expect(
            errors("connect region mars integration i key k") == [
                "1:16: unknown region 'mars'; expected 'us', 'in' or 'eu'"
            ])
        #expect(
            errors("set colour red") == [
                "1:5: unknown setting 'colour'; expected 'on_error', 'output', 'page_size', 'page_bytes', 'progress', 'push_concurrency', 'retries', 'retry_for', 'settle', 'validation', 'timeout', 'partial_pages', 'csv_quotes', 'csv_trim' or 'csv_duplicates'"
            ])
        // 'anyway' after discard is not part of close: the line does not parse.
        #expect(!errors("close s discard anyway").isEmpty)
        #expect(
            errors("set on_error ignore") == ["1:14: unknown on_error value 'ignore'; expected 'stop', 'continue' or 'keep'"])
        #expect(
            errors("push s User from \"f\" format xml") == [
                "1:29: unknown file format 'xml'; expected 'jsonl', 'json' or 'csv'"
            ])
        #expect(
            errors("sandbox explode") == [
                "1:9: expected a sandbox command ('advance', 'fail', 'processing', 'rate-limit', 'records', 'reset', 'faults'), found 'explode'"
            ])
    }

    @Test func suggestionsForTypos() {
        let result = parse("wait s until procesed\npritn \"x\"\nset retires 3")
        #expect(
            result.diagnostics.map(\.hint) == [
                "did you mean 'processed'?",
                "did you mean 'print'? (type 'help' for the list of commands)",
                "did you mean 'retries'?",
            ])
        #expect(messages(result.diagnostics)[1] == "2:1: unknown command 'pritn'")
    }

    @Test func missingPieces() {
        #expect(errors("status") == ["1:7: expected a session after 'status', found the end of the input"])
        #expect(
            errors("push s\n") == [
                "1:7: expected the entity type (such as User) after the session, found the end of the line"
            ])
        #expect(
            errors("push s User") == [
                "1:12: expected the records (a JSON array or object) or 'from PATH' after the entity type, found the end of the input"
            ])
        #expect(errors("let = 5") == ["1:5: expected a variable name after 'let', found '='"])
        #expect(errors("let x == 5") == ["1:7: expected '=' after the variable name, found '=='"])
        #expect(errors("let true = 5") == ["1:5: 'true' is a reserved word and cannot be a variable name"])
        #expect(errors("let x = print 1") == ["1:9: 'print' does not produce a value, so it cannot be assigned"])
        #expect(errors("wait s processed") == ["1:8: expected 'until' after the session, found 'processed'"])
        #expect(errors("activity page 1 page 2") == ["1:17: 'page' is given twice"])
        #expect(errors("start now") == ["1:7: expected 'ref' or the end of the line after 'start', found 'now'"])
        #expect(
            errors("connect") == [
                "1:8: expected 'sandbox', 'profile', 'region' or 'url' after 'connect', found the end of the input"
            ])
    }

    @Test func expressionErrors() {
        #expect(errors("print a == b == c") == ["1:14: comparisons cannot be chained"])
        #expect(errors("print x.y(1)") == ["1:10: only built-in functions can be called, and 'x.y' is not one"])
        #expect(errors("print [1 2]") == ["1:10: expected ',' or ']' after an array element, found the number 2"])
        #expect(errors("print {\"a\" 1}") == ["1:12: expected ':' after the key \"a\", found the number 1"])
        #expect(errors("print \"${}\"") == ["1:10: empty interpolation '${}'"])
        #expect(errors("print \"${a b}\"") == ["1:12: expected '}' to end the interpolation, found 'b'"])
        #expect(errors("print x.") == ["1:9: expected a field name after '.', found the end of the input"])
        #expect(errors("s.state extra") == ["1:9: expected the end of the statement, found 'extra'"])
    }

    @Test func duplicateKeyIsReportedAtTheSecondKey() {
        let marked = MarkedText(
            """
            push s User [{"employeeId": "E1",
                          "firstName": "Ada",
                          1️⃣"employeeId": "E2"}]
            """)
        let result = parse(marked.text)
        #expect(messages(result.diagnostics) == ["\(marked[1]): duplicate key \"employeeId\" in object"])
        #expect(result.diagnostics.first?.hint == "the key is first given at 1:15; each key may appear once")
    }

    @Test func strayBlockWords() {
        #expect(errors("end") == ["1:1: 'end' without an open 'if' or 'for'"])
        #expect(errors("else\nprint 1") == ["1:1: 'else' without an open 'if'"])
        #expect(errors("for x in xs\nelse\nend") == ["2:1: 'else' belongs to an 'if', not to the 'for' on line 1"])
        #expect(errors("if x\nprint 1\nend now") == ["3:5: expected the end of the statement, found 'now'"])
    }

    @Test func aBrokenBlockHeaderDoesNotCascade() {
        // The bad condition is the only error: the block and its 'end' are still read.
        #expect(
            errors("if x ==\n  print 1\nend\nprint 2") == ["1:8: expected an expression, found the end of the line"])
        #expect(
            errors("for 1 in xs\n  print 1\nend") == ["1:5: expected a loop variable after 'for', found the number 1"])
    }

    @Test func recoveryListsEveryBadLine() {
        let marked = MarkedText(
            """
            let s = start
            close s 1️⃣finish
            push s User [{"a": 1}]
            wait s until 2️⃣done
            print "ok"
            3️⃣pritn s
            if s.state == 4️⃣
              print 5️⃣)
            end
            expect s.x == 1 else 6️⃣
            """)
        let result = parse(marked.text)
        #expect(
            result.diagnostics.map { "\($0.range.start.line):\($0.range.start.column)" }
                == (1...6).map { marked[$0] })
        #expect(result.program.statements.map(\.commandWord) == ["let", "push", "print"])
        #expect(!result.isIncomplete)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let depth = 10_000
        let deep = "print " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\nprint 1"
        let result = parse(deep)
        #expect(
            messages(result.diagnostics) == ["1:\(7 + Parser.maxDepth): nesting is too deep (more than 200 levels)"])
        #expect(result.program.statements.map(\.sexpr) == ["(print 1)"])

        let parens = "print " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
        #expect(parse(parens).diagnostics.count == 1)
        let nots = "print " + String(repeating: "not ", count: depth) + "x"
        #expect(parse(nots).diagnostics.count == 1)
        let chain = "print a" + String(repeating: " or a", count: depth)
        #expect(parse(chain).diagnostics.count == 1)
        let fields = "print a" + String(repeating: ".b", count: depth)
        #expect(parse(fields).diagnostics.count == 1)
        let strings = "print " + String(repeating: "\"${", count: 300) + "x" + String(repeating: "}\"", count: 300)
        #expect(parse(strings).diagnostics.count == 1)
        let blocks = String(repeating: "if x\n", count: 300) + String(repeating: "end\n", count: 300)
        #expect(parse(blocks).hasErrors)
        // Just under the limit is fine.
        let fine = "print " + String(repeating: "[", count: 150) + String(repeating: "]", count: 150)
        #expect(parse(fine).diagnostics == [])
    }

    @Test func lexerErrorsAreNotRepeatedByTheParser() {
        #expect(errors("print \"a ${x\" b") == ["1:13: unterminated string"])
        #expect(errors("print x @ y") == ["1:9: unexpected character '@'"])
        #expect(
            errors("let n = 99999999999999999999 x") == [
                "1:9: number too large", "1:30: expected the end of the statement, found 'x'",
            ])
    }

    @Test func nulBytesInAScriptAreReportedOnce() {
        let result = parse("print 1\nprint \u{0}2\nprint 3")
        #expect(messages(result.diagnostics) == ["2:7: NUL byte (U+0000) is not allowed in a script"])
        #expect(result.program.statements.map(\.sexpr) == ["(print 1)", "(print 3)"])
    }

    @Test func largeSingleLineArray() {
        let records = (0..<20_000).map { #"{"employeeId": "E\#($0)", "n": \#($0)}"# }.joined(separator: ",")
        let result = parse("push s User [\(records)]")
        #expect(result.diagnostics == [])
        guard case .push(let push) = result.program.statements.first?.kind,
            case .records(.array(let items, _)) = push.source
        else {
            Issue.record("not a push of an array")
            return
        }
        #expect(items.count == 20_000)
    }
}
