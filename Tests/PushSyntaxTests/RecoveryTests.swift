import Testing

@testable import PushSyntax

/// One unfinished line must not hide the rest of the file: the parser
/// recovers at the next statement and the checker looks at every statement
/// that parsed (issue 21, item 7). What `pushsh check` and the language server share.
@Suite struct RecoveryTests {
    /// Parse and check `text` as `pushsh check` does (no files on disk), as `line:col: severity: message`.
    func everyProblem(_ text: String, predefined: Set<String> = []) -> [String] {
        let files = CheckFiles(loadInclude: { _ in throw CheckerTests.NotFound() }, dataFile: { _ in .missing })
        let source = SourceFile(name: "main.push", text: text)
        return Checker.parseAndCheck(source, predefined: predefined, files: files).diagnostics.map {
            "\($0.range.line):\($0.range.column): \($0.severity.rawValue): \($0.message)"
        }
    }

    /// An unclosed bracket, string and block in the middle of a file, each
    /// followed by statements with problems of their own: all are reported.
    @Test(arguments: [
        ("print [1, 2", "2:1: error: expected ',' or ']' after an array element, found 'print'"),
        ("print {\"a\": 1", "2:1: error: expected ',' or '}' after an object value, found 'print'"),
        ("print len(\"abc\"", "2:1: error: expected ',' or ')' after an argument, found 'print'"),
        ("print \"open", "1:7: error: unterminated string"),
    ])
    func anUnclosedLineLeavesTheRestChecked(broken: String, its: String) {
        let text = "\(broken)\nprint undefined_one\nsleep 5\nprint undefined_two\n"
        let found = everyProblem(text)
        #expect(found.contains(its), "\(found)")
        #expect(found.contains("2:7: error: undefined variable 'undefined_one'"), "\(found)")
        #expect(found.contains("3:7: error: 'sleep' needs a duration, and 5 has no unit"), "\(found)")
        #expect(found.contains("4:7: error: undefined variable 'undefined_two'"), "\(found)")
    }

    @Test func anUnclosedBlockStillHasItsStatementsChecked() {
        let found = everyProblem("let s = start\nif s.state == \"active\"\n  print undefined_one\nsleep 5\n")
        #expect(
            found == [
                "3:9: error: undefined variable 'undefined_one'",
                "4:7: error: 'sleep' needs a duration, and 5 has no unit",
                "5:1: error: expected 'end' to close the 'if' on line 2",
            ], "\(found)")
    }

    @Test func aBrokenHeaderKeepsItsBodyChecked() {
        let found = everyProblem("for in [1]\n  print undefined_one\nend\nif 1 = 1\n  sleep 5\nend\n")
        #expect(found.contains("2:9: error: undefined variable 'undefined_one'"), "\(found)")
        #expect(found.contains("5:9: error: 'sleep' needs a duration, and 5 has no unit"), "\(found)")
    }

    /// A `let` that did not parse still names its variable: its uses are not errors too.
    @Test func aBrokenLetDoesNotMakeItsNameUndefined() {
        let found = everyProblem("let rows = [1, 2\nprint rows\nprint rows_typo\n")
        #expect(!found.contains { $0.contains("undefined variable 'rows'") }, "\(found)")
        #expect(found.contains("3:7: error: undefined variable 'rows_typo'"), "\(found)")
    }

    /// Recovery only gives up a bracket at a line that starts with a statement
    /// word; values spanning lines still parse, and a clean file is unchanged.
    @Test func multiLineValuesStillParse() {
        let text = "let rows = [\n  {\"a\": 1},\n  {\"a\": 2}\n]\nprint len(\n  rows\n)\n"
        #expect(everyProblem(text) == [])
        #expect(parse(text).program.statements.count == 2)
    }

    /// A program with errors is only checked: the recovered statements are
    /// there for the checker, and the result still says it has errors.
    @Test func recoveredProgramsStillHaveErrors() {
        let result = parse("if true\n  print 1\n")
        #expect(result.hasErrors)
        #expect(result.program.statements.map(\.sexpr) == ["(print 1)"])
    }

    // MARK: - Unquoted paths (item 5)

    @Test(arguments: [
        ("push s User from examples/data/employees.jsonl", "from", "examples/data/employees.jsonl", 18),
        ("push s User from employees.jsonl", "from", "employees.jsonl", 18),
        ("push s User from ./employees.csv format csv", "from", "./employees.csv", 18),
        ("push s User from /srv/data/users.json", "from", "/srv/data/users.json", 18),
        ("include lib/common.push", "include", "lib/common.push", 9),
        ("include common.push", "include", "common.push", 9),
        ("save jobs/nightly.push", "save", "jobs/nightly.push", 6),
        ("push s User from \"a.csv\" mapping maps/hr.json", "mapping", "maps/hr.json", 34),
    ])
    func anUnquotedPathIsOneErrorThatShowsItQuoted(line: String, word: String, path: String, column: Int) {
        let found = everyProblem("let s = start\n\(line)\nprint undefined_after\n", predefined: [])
        let expected = "2:\(column): error: a path after '\(word)' is a string: \(word) \"\(path)\""
        let onLineTwo = found.filter { $0.hasPrefix("2:") }
        #expect(onLineTwo == [expected], "\(found)")
        // The next line is read as usual.
        #expect(found.contains("3:7: error: undefined variable 'undefined_after'"), "\(found)")
    }

    /// A data file that is not there: the name in its folder it most likely
    /// meant, and the folder it was looked for in.
    @Test func aMissingDataFileGetsTheNameItMostLikelyMeant() {
        var files = CheckFiles(loadInclude: { _ in throw CheckerTests.NotFound() }, dataFile: { _ in .missing })
        files.folderEntries = { folder in folder == "jobs/data" ? ["employees.jsonl", "new-hires.json"] : [] }
        let source = SourceFile(name: "jobs/nightly.push", text: "let s = start\npush s User from \"data/employes.jsonl\"\n")
        let found = Checker.parseAndCheck(source, predefined: [], files: files).diagnostics
        #expect(found.map(\.message) == ["the data file \"data/employes.jsonl\" does not exist"])
        #expect(
            found.first?.hint
                == "did you mean \"data/employees.jsonl\"? (looked in jobs/data/; a path is relative to the folder of the script that names it)"
        )
        // Nothing like it there: where it was looked for, as before.
        let other = SourceFile(name: "jobs/nightly.push", text: "let s = start\npush s User from \"data/payroll.csv\"\n")
        #expect(
            Checker.parseAndCheck(other, predefined: [], files: files).diagnostics.first?.hint
                == "looked for jobs/data/payroll.csv; a path is relative to the folder of the script that names it")
    }

    /// What is not a path stays an expression: a variable, a field of one, a string.
    @Test func pathExpressionsAreNotMistakenForPaths() {
        let text =
            "let s = start\nlet cfg = {\"path\": \"a.jsonl\"}\nlet p = \"a.jsonl\"\npush s User from p\npush s User from cfg.path\npush s User from \"data/a.jsonl\"\n"
        let parsed = parse(text)
        #expect(parsed.diagnostics == [], "\(parsed.diagnostics)")
        #expect(Lexer.looksLikePath("cfg.path") == false)
        #expect(Lexer.looksLikePath("data/users") && Lexer.looksLikePath("users.CSV") && Lexer.looksLikePath("~/x"))
    }

    // MARK: - Entity types (item 4)

    @Test func aDocumentedTypeInTheWrongCaseIsAnError() {
        for type in ["user", "USER", "uSeR"] {
            let found = everyProblem("let s = start\npush s \(type) [{\"employeeId\": \"E1\"}]\n")
            #expect(
                found == ["2:8: error: the entity type is 'User', not '\(type)' (entity types are case-sensitive)"], "\(found)")
        }
        #expect(KnownEntityTypes.problem("user")?.hint.contains("did you mean User?") == true)
        // An undocumented type is the integrator's: allowed as written; a near miss of User warns, as before.
        #expect(everyProblem("let s = start\npush s Device [{\"id\": \"D1\"}]\n") == [])
        #expect(
            everyProblem("let s = start\npush s Usr [{\"id\": \"D1\"}]\n").first?.contains("warning: 'Usr' is not the entity type 'User'")
                == true)
        #expect(everyProblem("sandbox records user\n").first?.contains("error: the entity type is 'User'") == true)
    }

    // MARK: - Waits nothing can end (item 10)

    @Test func aWaitForAnOutcomeOnASessionNeverClosedIsWarned() {
        let warning = "warning: no 'close s' comes before this wait, so 's' stays active and the wait only times out"
        #expect(everyProblem("let s = start\nwait s until processed\n") == ["2:14: \(warning)"])
        #expect(everyProblem("let s = start\nlet r = wait s until processed or failed\n") == ["2:22: \(warning)"])
        // Closed before, in a block too, or a wait the clock can end: no warning.
        #expect(everyProblem("let s = start\nclose s apply\nwait s until processed\n") == [])
        #expect(everyProblem("let s = start\nif true\n  close s apply\nend\nwait s until processed\n") == [])
        #expect(everyProblem("let s = start\nwait s until expired\n") == [])
        // A session from elsewhere (--var, status of an id) may be closed already.
        #expect(everyProblem("wait s until processed\n", predefined: ["s"]) == [])
        // A new session under the same name needs its own close.
        #expect(everyProblem("let s = start\nclose s apply\nlet s = start\nwait s until processed\n") == ["4:14: \(warning)"])
        #expect(SessionStateName.waitNeedsClose([.processed, .failed]))
        #expect(!SessionStateName.waitNeedsClose([.processed, .expired]))
    }

    // MARK: - Help and quit (item 11)

    @Test func helpOnAWordThatIsNoTopicListsTheTopicsThatMentionIt() {
        for word in ["csv", "map", "date"] {
            let answer = CommandCatalog.helpAnswer(for: word)
            #expect(answer?.hasPrefix("'\(word)' is not a command or a topic; the help on these mentions it:") == true)
            #expect(!CommandCatalog.mentioning(word).isEmpty)
        }
        #expect(CommandCatalog.mentioning("csv").contains("push"))
        #expect(CommandCatalog.helpAnswer(for: "push") == CommandCatalog.helpText(for: "push"))
        #expect(CommandCatalog.helpAnswer(for: "zzqx") == nil)
        #expect(everyProblem("help csv\n") == [])
        #expect(everyProblem("help zzqx\n") == ["1:6: warning: there is no help on 'zzqx'"])
    }

    @Test func quitIsExit() {
        #expect(sexpr("quit") == sexpr("exit"))
        #expect(sexpr("quit 3") == sexpr("exit 3"))
        #expect(CommandCatalog.command("quit") != nil)
        #expect(Completer(variables: [], sessionVariables: []).complete("qu").candidates.contains("quit"))
    }

    // MARK: - Dates and the prompt's name (item 11)

    @Test func aDateAloneSuggestsTheDateTime() {
        #expect(TimestampText.dateTime(fromDateOnly: "2023-03-15") == "2023-03-15T00:00:00Z")
        #expect(TimestampText.dateTime(fromDateOnly: "2023-02-30") == nil)
        #expect(TimestampText.dateTime(fromDateOnly: "03/15/2023") == nil)
        let found = Checker.parseAndCheck(
            SourceFile(name: "main.push", text: "activity since \"2023-03-15\"\n"), predefined: [],
            files: CheckFiles(loadInclude: { _ in throw CheckerTests.NotFound() }, dataFile: { _ in .missing })
        ).diagnostics
        #expect(found.first?.hint == "a date alone is not a time; write \"2023-03-15T00:00:00Z\"")
    }

    @Test func aPromptInALessonFolderIsStillCalledPrompt() {
        let source = SourceFile(name: "<prompt>", text: "include \"x.push\"", directory: "/tmp/lesson-1")
        #expect(source.resolve(path: "data/a.jsonl") == "/tmp/lesson-1/data/a.jsonl")
        let diagnostic = Diagnostic.error("boom", at: SourceRange(file: source.name, at: SourceLocation(line: 1, column: 5, offset: 4)))
        #expect(diagnostic.render(source: source, color: false).hasPrefix("<prompt>:1:5: error: boom"))
        #expect(SourceFile(name: "<prompt>", text: "").directory == nil)
        #expect(SourceFile(name: "jobs/a.push", text: "").directory == "jobs")
    }
}
