import BuiltInSandbox
import Foundation
import HTTPConnections
import PushAPI
import PushScript
import PushShell
import PushSyntax
import Testing
import _PushTestSupport

func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-shell-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// The shell's loop without a terminal: lines from a list, output captured.
@Suite struct ShellTests {
    func shell(_ lines: [String], history: HistoryFile? = nil, environment: [String: String] = [:]) -> (
        Shell, ScriptedLines, CapturedOutput, Interpreter
    ) {
        let output = CapturedOutput()
        let interpreter = Interpreter(
            connection: frozenSandbox(), output: output, environment: environment, sandboxes: .builtIn, transports: .http)
        let source = ScriptedLines(lines)
        return (Shell(interpreter: interpreter, lines: source, output: output, history: history), source, output, interpreter)
    }

    @Test func theDocumentedFlowAtThePrompt() async {
        let (shell, lines, output, interpreter) = shell([
            "let s = start",
            "push s User [{\"employeeId\": \"E1\", \"firstName\": \"José\", \"lastName\": \"Núñez\",",
            "  \"workEmail\": \"jose@example.com\", \"employmentType\": \"EMPLOYEE\",",
            "  \"employmentStartDate\": \"2022-01-15T09:00:00Z\"}]",
            "close s apply",
            "wait s until processed",
            "sandbox records User",
        ])
        let code = await shell.run()
        #expect(code == 0)
        #expect(output.standard.contains("pushed 1 User record"))
        #expect(output.standard.contains("\"firstName\":\"José\",\"lastName\":\"Núñez\""))
        // The prompt says where commands go and how the last session stands.
        #expect(lines.prompts[0] == "sandbox> ")
        #expect(lines.prompts[1] == "sandbox s:active> ")
        #expect(lines.prompts[2].hasSuffix("...> "))  // continuation of the open bracket
        #expect(lines.prompts.last == "sandbox s:processed> ")
        // The three-line push is one history entry.
        #expect(lines.remembered.contains { $0.hasPrefix("push s User [") && $0.hasSuffix("}]") && $0.split(separator: "\n").count == 3 })
        if case .session(let handle)? = interpreter.variables["s"] {
            #expect(handle.state == .processed)
        } else {
            Issue.record("s is not a session")
        }
    }

    /// The prompt refuses what the check and the run refuse (issue 21, items 4,
    /// 5, 10): a documented type in the wrong case, an unquoted path (once), a
    /// wait nothing can end; and `quit` leaves like `exit`.
    @Test func thePromptAgreesWithTheCheckAndTheRun() async {
        let (shell, _, output, interpreter) = shell([
            "let s = start",
            "push s user [{\"employeeId\": \"E1\"}]",
            "push s User from examples/data/employees.jsonl",
            "wait s until processed",
            "close s discard",
            "quit",
            "print \"not reached\"",
        ])
        let code = await shell.run()
        #expect(code == 0)
        #expect(output.errors.contains("<prompt>:1:8: error: the entity type is 'User', not 'user' (entity types are case-sensitive)"))
        #expect(output.errors.contains("hint: did you mean User?"))
        let path = "<prompt>:1:18: error: a path after 'from' is a string: from \"examples/data/employees.jsonl\""
        #expect(output.errors.components(separatedBy: path).count == 2, "\(output.errors)")
        #expect(!output.errors.contains("unexpected character '/'"))
        #expect(output.errors.contains("is active and was not closed, so it cannot become processed"))
        #expect(output.errors.contains("hint: close s apply first, then: wait s until processed"))
        #expect(!output.standard.contains("not reached"))
        if case .session(let handle)? = interpreter.variables["s"] {
            #expect(handle.snapshot.acceptedRecordsTotal == 0)
        }
    }

    @Test func anErrorNeverEndsTheShellAndPointsIntoTheLine() async {
        let (shell, _, output, interpreter) = shell(["let s = start", "close s finish", "status nope", "let x = 1", "print x"])
        let code = await shell.run()
        #expect(code == 0)
        #expect(output.errors.contains("<prompt>:1:9: error: expected 'apply' or 'discard'"))
        #expect(output.errors.contains("  1 | close s finish\n    |         ^^^^^^"))
        #expect(output.errors.contains("<prompt>:1:8: error: undefined variable 'nope'"))
        #expect(output.standard.contains("\n1\n"))
        // Ctrl-D with s still active warned once, and the second Ctrl-D left.
        #expect(output.errors.contains("warning: session ses_910a2dec89025cc1 is still active (0 records staged)"))
        #expect(output.errors.contains("  discard it:  close s discard\n"))
        #expect(interpreter.variables["s"] != nil)
    }

    @Test func exitLeavesWithItsCode() async {
        let (shell, _, _, _) = shell(["print 1", "exit 3", "print 2"])
        #expect(await shell.run() == 3)
    }

    @Test func ctrlCAtThePromptDropsTheLine() async {
        let output = CapturedOutput()
        let interpreter = Interpreter(connection: frozenSandbox(), output: output, environment: [:], sandboxes: .builtIn, transports: .http)
        let lines = ScriptedLines(reads: [.line("push s User ["), .interrupted, .line("print \"fresh\""), .end])
        let code = await Shell(interpreter: interpreter, lines: lines, output: output, history: nil).run()
        #expect(code == 0)
        #expect(output.standard.contains("fresh"))
        #expect(!output.errors.contains("error"))
    }

    @Test func historyIsPrivateBoundedDedupedAndHoldsNoKeys() async throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("history").path
        let history = HistoryFile(path: path, limit: 5)
        history.load()
        let (shell, lines, output, _) = shell(
            [
                "print 1", "print 1", "print 2",
                "connect url \"http://127.0.0.1:1/api/external/push\" integration \"acme\" key \"sk_live_LITERAL_SECRET\"",
                "connect sandbox",
                "print 3",
            ], history: history)
        _ = await shell.run()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "print 1\nprint 2\nconnect sandbox\nprint 3\n")
        #expect(!lines.remembered.contains { $0.contains("sk_live_LITERAL_SECRET") })
        #expect(output.errors.contains("not kept in history"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        // Kept across runs, and trimmed to the limit.
        let again = HistoryFile(path: path, limit: 3)
        again.load()
        #expect(again.entries == ["print 2", "connect sandbox", "print 3"])
    }

    @Test func historyReadableByOthersGetsAWarning() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("history").path
        FileManager.default.createFile(atPath: path, contents: Data("print 1\n".utf8), attributes: [.posixPermissions: 0o644])
        let history = HistoryFile(path: path)
        history.load()
        #expect(history.permissionWarning?.contains("chmod 600") == true)
    }

    @Test func saveWritesAScriptThatReplaysTheFlow() async throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("flow.push").path
        let (shell, _, output, _) = shell([
            "help",
            "let s = start ref \"saved\"",
            "status s",
            "push s User [{\"employeeId\": \"E1\", \"firstName\": \"Ada\", \"lastName\": \"Lovelace\", \"workEmail\": \"ada@example.com\", \"employmentType\": \"EMPLOYEE\", \"employmentStartDate\": \"2022-01-15T09:00:00Z\"}]",
            "push s User [{\"employeeId\": 42}]",
            "close s aply",
            "close s apply",
            "wait s until processed",
            "save \"\(path)\"",
        ])
        _ = await shell.run()
        // The shell started on the built-in sandbox: the script says so first.
        #expect(output.standard.contains("saved 5 statements to \(path)"))
        let script = try String(contentsOfFile: path, encoding: .utf8)
        #expect(script.contains("connect sandbox\nlet s = start ref \"saved\"\npush s User [{"))
        #expect(script.contains("close s apply\nwait s until processed\n"))
        #expect(!script.contains("help") && !script.contains("status s") && !script.contains("aply") && !script.contains("42"))
        // It parses, checks, and replays to the same result.
        let source = SourceFile(name: path, text: script)
        let parsed = Parser.parse(source)
        #expect(!parsed.hasErrors)
        #expect(
            Checker.check(parsed.program, source: source, predefined: [], loadInclude: { _ in throw CocoaError(.fileNoSuchFile) }).filter {
                $0.severity == .error
            }.isEmpty)
        let replay = CapturedOutput()
        let interpreter = Interpreter(connection: frozenSandbox(), output: replay, environment: [:], sandboxes: .builtIn, transports: .http)
        #expect(await interpreter.run(source) == 0)
        if case .session(let handle)? = interpreter.variables["s"] {
            #expect(handle.state == .processed && handle.snapshot.acceptedRecordsTotal == 1)
        }
    }

    @Test func saveWritesKeysAsReferences() async throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("remote.push").path
        let (shell, _, _, _) = shell([
            "connect url \"http://127.0.0.1:1/api/external/push\" integration \"acme\" key \"sk_live_TYPED\"",
            "save \"\(path)\"",
        ])
        _ = await shell.run()
        let script = try String(contentsOfFile: path, encoding: .utf8)
        #expect(script.contains("key env(\"SPRINTO_API_KEY\")"))
        #expect(!script.contains("sk_live_TYPED"))
    }
}

@Suite struct CompleterTests {
    let completer = Completer(
        variables: ["s", "session2", "records"], sessionVariables: ["s", "session2"], directory: FileManager.default.currentDirectoryPath)

    @Test func commandsAtTheStart() {
        #expect(completer.complete("clo").candidates == ["close"])
        #expect(completer.complete("clo").insertion == "se ")
        #expect(
            completer.complete("s").candidates == ["sandbox", "save", "session2", "set", "sleep", "start", "status"]
                || completer.complete("s").candidates.contains("start"))
    }

    @Test func keywordsThatMayComeNext() {
        #expect(completer.complete("close s ").candidates == ["apply", "discard"])
        #expect(completer.complete("wait s ").candidates == ["until"])
        #expect(completer.complete("wait s until pro").candidates == ["processed", "processing"])
        #expect(completer.complete("wait s until pro").insertion == "cess")
        #expect(completer.complete("wait s until processed ").candidates == ["or", "timeout"])
        #expect(completer.complete("start ").candidates == ["ref"])
        #expect(completer.complete("push s User ").candidates == ["[", "from"])
        #expect(completer.complete("set on_error ").candidates == ["continue", "keep", "stop"])
    }

    @Test func variablesAndEntityTypes() {
        #expect(completer.complete("status ses").candidates == ["session2"])
        #expect(completer.complete("close ").candidates == ["s", "session2"])
        #expect(completer.complete("push s U").candidates == ["User"])
        #expect(completer.complete("close s").candidates == ["s", "session2"])
        #expect(completer.complete("close s").insertion == "")
    }

    @Test func helpTopicsAndPaths() throws {
        #expect(completer.complete("help wa").candidates == ["wait"])
        #expect(Completer.lessonNames.contains("lifecycle"))
        var withLessons = completer
        withLessons.lessons = Completer.lessonNames
        #expect(withLessons.complete("learn exp").candidates == ["expiry"])
        let dir = try temporaryDirectory()
        try "".write(to: dir.appendingPathComponent("employees.jsonl"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("exports"), withIntermediateDirectories: true)
        let inDir = Completer(variables: ["s"], sessionVariables: ["s"], directory: dir.path)
        let file = inDir.complete("push s User from \"emp")
        #expect(file.candidates == ["employees.jsonl"])
        #expect(file.insertion == "loyees.jsonl\"")
        #expect(inDir.complete("include \"ex").insertion == "ports/")
    }
}
