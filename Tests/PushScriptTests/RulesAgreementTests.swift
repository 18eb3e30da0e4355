import BuiltInSandbox
import Foundation
import PushAPI
import PushSyntax
import Testing
import _PushTestSupport

@testable import PushScript

/// `check` and `run` must never disagree about a statement: the same text is
/// given to the checker and, with the check turned off, to the interpreter
/// alone, and both must reach the same verdict.
@Suite struct RulesAgreementTests {
    /// A statement (after `prelude`, which both accept) and whether it is all right.
    struct Case: CustomStringConvertible, Sendable {
        var statement: String
        var ok: Bool
        var prelude = ""
        var description: String { statement }
    }

    static let session = "let s = start\n"
    static let closed = "let s = start\nclose s apply\n"

    static let cases: [Case] = [
        // Durations: a bare number is never one (help durations), a unit always is.
        Case(statement: "sleep 5", ok: false), Case(statement: "sleep 5s", ok: true),
        Case(statement: "sleep 1.5", ok: false), Case(statement: "sleep \"5\"", ok: false),
        Case(statement: "sleep \"5s\"", ok: true), Case(statement: "sleep \"soon\"", ok: false),
        Case(statement: "sleep -5s", ok: false), Case(statement: "sleep true", ok: false),
        Case(statement: "sleep [1]", ok: false),
        Case(statement: "wait s until processed timeout 1", ok: false, prelude: closed),
        Case(statement: "wait s until processed timeout 1m", ok: true, prelude: closed),
        Case(statement: "sandbox advance 5", ok: false), Case(statement: "sandbox advance 5m", ok: true),
        Case(statement: "sandbox processing 3", ok: false), Case(statement: "sandbox processing 3s", ok: true),
        Case(statement: "set retry_for 5", ok: false), Case(statement: "set retry_for 5s", ok: true),
        Case(statement: "activity since 5", ok: false), Case(statement: "activity since 5m", ok: true),
        Case(statement: "activity since \"2025-10-31T00:00:00Z\"", ok: true),
        Case(statement: "activity since \"yesterday\"", ok: false),
        // A time as RFC 3339 also writes it, and one that is not on the calendar (TimestampAgreementTests has more).
        Case(statement: "activity since \"2025-10-31 00:00:00+0100\"", ok: true),
        Case(statement: "activity since \"2025-13-01T00:00:00Z\"", ok: false),
        Case(statement: "activity since \"2025-02-30T00:00:00Z\"", ok: false),
        // Whole numbers and their bounds, one table for both.
        Case(statement: "activity page 0", ok: false), Case(statement: "activity page 2", ok: true),
        Case(statement: "activity size 201", ok: false), Case(statement: "activity size 200", ok: true),
        Case(statement: "activity size 1.5", ok: false),
        Case(statement: "set page_size 0", ok: false), Case(statement: "set page_size 200", ok: true),
        Case(statement: "set page_size 201", ok: false), Case(statement: "set page_size \"10\"", ok: false),
        Case(statement: "set page_bytes 1023", ok: false), Case(statement: "set page_bytes 1024", ok: true),
        Case(statement: "set retries 11", ok: false), Case(statement: "set retries 0", ok: true),
        Case(statement: "sandbox fail next 0", ok: true), Case(statement: "sandbox fail next 1001", ok: false),
        Case(statement: "sandbox rate-limit 0", ok: false), Case(statement: "sandbox rate-limit 100000", ok: true),
        Case(statement: "sandbox rate-limit 100001", ok: false),
        Case(statement: "exit 256", ok: false), Case(statement: "exit \"3\"", ok: false),
        // Names: command words, block words and keywords are never variables.
        Case(statement: "let start = 3", ok: false), Case(statement: "let status = 1", ok: false),
        Case(statement: "let end = 1", ok: false), Case(statement: "let started = 3", ok: true),
        Case(statement: "for push in [1]\nend", ok: false), Case(statement: "for p in [1]\nend", ok: true),
        // Undefined names and functions.
        Case(statement: "print strat", ok: false), Case(statement: "print nosuch(1)", ok: false),
        Case(statement: "print len(1, 2)", ok: false), Case(statement: "print len([1, 2])", ok: true),
        // A documented entity type in the wrong case is refused; an undocumented one is allowed as written.
        Case(statement: "push s user [{\"employeeId\": \"E1\"}]", ok: false, prelude: session),
        Case(statement: "push s USER [{\"employeeId\": \"E1\"}]", ok: false, prelude: session),
        Case(statement: "push s Device [{\"id\": \"D1\"}]", ok: true, prelude: session),
        Case(statement: "push s device [{\"id\": \"D1\"}]", ok: true, prelude: session),
        Case(statement: "sandbox records user", ok: false), Case(statement: "sandbox records User", ok: true),
    ]

    /// What the checker alone says: true when it finds no error.
    static func checkerAccepts(_ text: String) -> Bool {
        let source = SourceFile(name: "agree.push", text: text)
        let files = CheckFiles(loadInclude: { _ in throw CocoaError(.fileNoSuchFile) }, dataFile: { _ in .missing })
        return !Checker.parseAndCheck(source, predefined: [], files: files).diagnostics.hasErrors
    }

    /// What the interpreter alone says, with the check before the run turned off.
    static func interpreterAccepts(_ text: String) async -> (ok: Bool, stderr: String) {
        let captured = CapturedOutput()
        let interpreter = Interpreter(connection: frozenSandbox(), output: captured, sandboxes: .builtIn)
        interpreter.checksBeforeRunning = false
        let code = await interpreter.run(SourceFile(name: "agree.push", text: text))
        // `exit N` within bounds ends the script with N and is not an error.
        let exitedAsTold = text.hasPrefix("exit ") && code != 0 && !captured.errors.contains("error:")
        return (code == 0 || exitedAsTold, captured.errors)
    }

    @Test(arguments: cases)
    func checkAndRunAgree(_ item: Case) async {
        let text = item.prelude + item.statement
        let checked = Self.checkerAccepts(text)
        let ran = await Self.interpreterAccepts(text)
        #expect(checked == item.ok, "check says \(checked ? "ok" : "error") for: \(item.statement)")
        #expect(ran.ok == item.ok, "run says \(ran.ok ? "ok" : "error") for: \(item.statement)\n\(ran.stderr)")
    }

    /// With the check on (as every run has it), a mistake is found before the first request.
    @Test func aRunChecksBeforeItsFirstRequest() async {
        let run = await runScript("let s = start\nclose t apply\n")
        #expect(run.code == 2)
        #expect(run.stderr.contains("test.push:2:7: error: undefined variable 't'"))
        #expect(!run.stdout.contains("started session"), "nothing may be sent: \(run.stdout)")
        #expect(run.interpreter.startedSessions.isEmpty)
    }

    /// The same words at check and at run time for a bare-number duration.
    @Test func bareNumberMessageIsTheSameAtCheckAndAtRunTime() async {
        let source = SourceFile(name: "agree.push", text: "sleep 5")
        let files = CheckFiles(loadInclude: { _ in throw CocoaError(.fileNoSuchFile) }, dataFile: { _ in .missing })
        let diagnostics = Checker.parseAndCheck(source, predefined: [], files: files).diagnostics
        #expect(diagnostics.map(\.message) == ["'sleep' needs a duration, and 5 has no unit"])
        #expect(diagnostics.first?.hint == "write 5s (or 5ms, 5m, 5h, 5d)")
        let ran = await Self.interpreterAccepts("let n = 5\nsleep n")
        #expect(ran.stderr.contains("error: 'sleep' needs a duration, and 5 has no unit"))
        #expect(ran.stderr.contains("hint: write 5s (or 5ms, 5m, 5h, 5d)"))
    }

    /// An include that cannot be read is exit 2 both at check and at run time, in the same words.
    @Test func unreadableIncludeIsExit2Everywhere() async {
        let checked = await runScript("include \"no-such-file.push\"\n")
        #expect(checked.code == 2)
        #expect(checked.stderr.contains("cannot include \"no-such-file.push\": the file does not exist or cannot be read"))
        let computed = await runScript("let name = \"no-such-file\"\ninclude \"${name}.push\"\n")
        #expect(computed.code == 2)
        #expect(computed.stderr.contains("cannot include \"no-such-file.push\": the file does not exist or cannot be read"))
    }

    /// Every rule the checker applies is one the table lists, and each has a working example.
    @Test func everyRuleHasAnExampleThatPasses() {
        for rule in ArgumentRule.all {
            let example =
                rule.example.hasPrefix("timeout")
                ? "let s = start\nclose s apply\nwait s until processed \(rule.example)"
                : rule.example.hasPrefix("skip") ? nil : rule.example
            guard let example else { continue }
            #expect(Self.checkerAccepts(example), "the example of \(rule.what) does not pass: \(example)")
        }
    }
}
