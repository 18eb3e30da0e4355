import Testing

@testable import PushSyntax

@Suite struct DiagnosticTests {
    @Test func rendersLocationSourceLineCaretsAndHint() throws {
        let source = SourceFile(
            name: "employees.push", text: "let s = start\npush s User from \"e.jsonl\"\nclose s finish\n")
        let diagnostic = try #require(Parser.parse(source).diagnostics.first)
        #expect(
            diagnostic.render(source: source, color: false) == """
                employees.push:3:9: error: expected 'apply' or 'discard' after the session
                  3 | close s finish
                    |         ^^^^^^
                hint: close s apply   (or: close s discard)
                """)
    }

    @Test func descriptionIsTheFirstLine() {
        let range = SourceRange(
            file: "a.push", start: SourceLocation(line: 2, column: 5, offset: 9),
            end: SourceLocation(line: 2, column: 7, offset: 11))
        #expect(Diagnostic.warning("careful", at: range).description == "a.push:2:5: warning: careful")
    }

    @Test func wideLineNumbersWidenTheGutter() throws {
        let text = String(repeating: "print 1\n", count: 1233) + "print [1 2]\n"
        let source = SourceFile(name: "long.push", text: text)
        let diagnostic = try #require(Parser.parse(source).diagnostics.first)
        #expect(
            diagnostic.render(source: source, color: false) == """
                long.push:1234:10: error: expected ',' or ']' after an array element, found the number 2
                1234 | print [1 2]
                     |          ^
                hint: the '[' at 1234:7 is still open; separate elements with commas
                """)
    }

    @Test func errorAtTheEndOfInputPointsPastTheText() throws {
        let source = SourceFile(name: "-c", text: "status")
        let diagnostic = try #require(Parser.parse(source).diagnostics.first)
        #expect(
            diagnostic.render(source: source, color: false) == """
                -c:1:7: error: expected a session after 'status', found the end of the input
                  1 | status
                    |       ^
                hint: status s
                """)
    }

    @Test func tabsAreKeptSoCaretsLineUp() throws {
        let source = SourceFile(name: "t.push", text: "if x\n\tclose s nope\nend")
        let diagnostic = try #require(Parser.parse(source).diagnostics.first)
        let lines = diagnostic.render(source: source, color: false).split(separator: "\n")
        #expect(lines[1] == "  2 | \tclose s nope")
        #expect(lines[2] == "    | \t        ^^^^")
    }

    @Test func controlCharactersAreShownAsPictures() throws {
        let source = SourceFile(name: "t.push", text: "print \u{0}1")
        let diagnostic = try #require(Parser.parse(source).diagnostics.first)
        #expect(diagnostic.render(source: source, color: false).contains("  1 | print \u{2400}1\n    |       ^"))
    }

    @Test func veryLongLinesAreCutAroundTheProblem() throws {
        let text = "print [" + String(repeating: "1, ", count: 100_000) + "1 2]"
        let source = SourceFile(name: "t.push", text: text)
        let diagnostic = try #require(Parser.parse(source).diagnostics.first)
        let lines = diagnostic.render(source: source, color: false).split(separator: "\n")
        #expect(lines[1].count < 140)
        #expect(lines[1].hasPrefix("  1 | …"))
        #expect(lines[2] == "    | " + String(repeating: " ", count: 41) + "^")
        #expect(lines[1].dropFirst(6 + 41).first == "2")
    }

    @Test func tenMegabyteLineRendersAWindow() throws {
        let big = String(repeating: "x", count: 10_000_000)
        let source = SourceFile(name: "big.push", text: "let s = \"\(big)\" nope\nprint 1\n")
        let result = Parser.parse(source)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.range.start.column == 10_000_012)
        let lines = diagnostic.render(source: source, color: false).split(separator: "\n")
        #expect(lines[1] == "  1 | …" + String(repeating: "x", count: 38) + "\" nope")
        #expect(lines[2] == "    | " + String(repeating: " ", count: 41) + "^^^^")
        #expect(result.program.statements.map(\.sexpr) == ["(print 1)"])
    }

    @Test func colorWrapsLabelAndCarets() throws {
        let source = SourceFile(name: "t.push", text: "close s x")
        let diagnostic = try #require(Parser.parse(source).diagnostics.first)
        let rendered = diagnostic.render(source: source, color: true)
        #expect(rendered.contains("\u{1B}[1;31merror:\u{1B}[0m"))
        #expect(rendered.contains("\u{1B}[1;31m^\u{1B}[0m"))
        #expect(!diagnostic.render(source: source, color: false).contains("\u{1B}"))
    }

    @Test func diagnosticFromAnotherFileRendersWithoutExcerpt() {
        let range = SourceRange(file: "other.push", at: SourceLocation(line: 1, column: 1, offset: 0))
        let rendered = Diagnostic.error("boom", at: range, hint: "fix it").render(
            source: SourceFile(name: "main.push", text: "x"), color: false)
        #expect(rendered == "other.push:1:1: error: boom\nhint: fix it")
    }

    @Test func renderManyPicksEachSourceByName() {
        let main = SourceFile(name: "main.push", text: "close s x")
        let other = SourceFile(name: "lib.push", text: "wait s until nope")
        let diagnostics = Parser.parse(main).diagnostics + Parser.parse(other).diagnostics
        let text = Diagnostic.render(diagnostics, sources: [main, other], color: false)
        #expect(text.contains("  1 | close s x"))
        #expect(text.contains("  1 | wait s until nope"))
    }

    @Test func sortedByLocationKeepsFilesApartAndOrdersWithin() {
        let file = "f"
        func at(_ offset: Int) -> SourceRange {
            SourceRange(file: file, at: SourceLocation(line: 1, column: offset + 1, offset: offset))
        }
        let sorted = [Diagnostic.error("b", at: at(5)), .error("a", at: at(1)), .note("c", at: at(5))]
            .sortedByLocation()
        #expect(sorted.map(\.message) == ["a", "b", "c"])
    }
}
