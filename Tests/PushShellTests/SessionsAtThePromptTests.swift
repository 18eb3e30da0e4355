import BuiltInSandbox
import Foundation
import HTTPConnections
import PushAPI
import PushSandbox
import PushScript
import PushSyntax
import Testing
import _PushTestSupport

@testable import PushShell

/// Sessions at the prompt: one built-in sandbox per shell, a name for the
/// session a bare `start` left, and an exit warning whose lines work.
@Suite struct SessionsAtThePromptTests {
    static let ada =
        #"{"employeeId": "E1", "firstName": "Ada", "lastName": "Lovelace", "workEmail": "ada@example.com", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z"}"#

    struct Run {
        let shell: Shell
        let lines: ScriptedLines
        let output: CapturedOutput
        let interpreter: Interpreter
        let code: Int32
    }

    static func run(_ entries: [String], environment: [String: String] = [:]) async -> Run {
        let output = CapturedOutput()
        let interpreter = Interpreter(
            connection: frozenSandbox(), output: output, environment: environment, sandboxes: .builtIn, transports: .http)
        let lines = ScriptedLines(entries)
        let shell = Shell(interpreter: interpreter, lines: lines, output: output, history: nil)
        let code = await shell.run(showBanner: false)
        return Run(shell: shell, lines: lines, output: output, interpreter: interpreter, code: code)
    }

    /// The issue's flow: `let s = start`, `connect url ...`, `connect sandbox`,
    /// `close s apply` works; while connected elsewhere, s is refused with the
    /// way back; the exit warning's lines, typed as shown, close the session.
    @Test func sessionsSurviveAConnectElsewhereAndTheExitWarningsLinesWork() async throws {
        let served = makeSandbox()
        let (errors, stdout, prompts) = try await withLiveServer(served) { base in
            let run = await Self.run(
                [
                    "let s = start",
                    "push s User [\(Self.ada)]",
                    "connect url \"\(base)\" integration \"acme\" key env(\"ACME_KEY\")",
                    "close s apply",
                    "let r = start",
                    "exit",
                    // The warning said: first `connect sandbox`, then `close s discard`.
                    "connect sandbox",
                    "close s discard",
                    "exit",
                ], environment: ["ACME_KEY": "key-acme"])
            return (run.output.errors, run.output.standard, run.lines.prompts)
        }
        #expect(errors.contains("session ses_910a2dec89025cc1 belongs to the built-in sandbox (integration demo)"), "\(errors)")
        #expect(errors.contains("hint: to use it, connect back first: connect sandbox   (then s works again)"))
        // The first exit: s is listed with the connect back; r's service is
        // the one connected now, so it is listed too with its own line.
        #expect(errors.contains("warning: session ses_910a2dec89025cc1 is still active (1 record staged)"), "\(errors)")
        #expect(errors.contains("  first:       connect sandbox\n  discard it:  close s discard\n"), "\(errors)")
        #expect(errors.contains("  discard it:  close r discard\n"), "\(errors)")
        // quit leaves as exit does, and the warning says so (it named exit and Ctrl-D alone).
        #expect(errors.contains("or type exit, quit or Ctrl-D again to leave it active"), "\(errors)")
        #expect(stdout.contains("closed session ses_910a2dec89025cc1 with discard: cancelled"), "\(stdout)")
        #expect(!errors.contains("404") && !errors.contains("no session"), "\(errors)")
        #expect(prompts.contains("sandbox s:cancelled> "), "\(prompts)")
    }

    /// A session on a service the shell has left cannot be closed from here:
    /// the warning says so in a line, with no command that would fail.
    @Test func aSessionOnAServiceLeftBehindIsSaidNotAdvised() async throws {
        let served = makeSandbox()
        let errors = try await withLiveServer(served) { base in
            await Self.run(
                [
                    "connect url \"\(base)\" integration \"acme\" key env(\"ACME_KEY\")",
                    "let r = start",
                    "connect sandbox",
                    "exit",
                ], environment: ["ACME_KEY": "key-acme"]
            ).output.errors
        }
        #expect(errors.contains("on http://127.0.0.1:"), "\(errors)")
        #expect(errors.contains("may still be active (0 records staged); this shell is no longer connected there"), "\(errors)")
        #expect(!errors.contains("close r"), "\(errors)")
    }

    /// A bare `start`: the prompt names it `last_session`, a note says how
    /// to keep it, and a second start's 409 gives its id in `last_error`.
    @Test func aBareStartLeavesASessionThatCanBeNamed() async {
        let run = await Self.run([
            "start",
            "let t = start",
            "print last_error.active_session_id",
            "let s = last_session",
            "close s discard",
        ])
        #expect(run.code == 0)
        #expect(run.lines.prompts[1] == "sandbox last_session:active> ", "\(run.lines.prompts)")
        #expect(
            run.output.errors.contains(
                "(no name holds ses_910a2dec89025cc1: it is last_session until another session command; keep it with: let s = last_session)"
            ),
            "\(run.output.errors)")
        #expect(run.output.errors.contains("hint: 'close \"ses_910a2dec89025cc1\" discard' ends it"), "\(run.output.errors)")
        #expect(run.output.standard.contains("\nses_910a2dec89025cc1\n"), "\(run.output.standard)")
        #expect(run.lines.prompts.last == "sandbox s:cancelled> ", "\(run.lines.prompts)")
    }

    /// A session id typed without quotes: the hint says to quote it.
    @Test func aBareSessionIdIsToldToBeQuoted() async {
        let run = await Self.run(["start", "close ses_910a2dec89025cc1 discard"])
        #expect(
            run.output.errors.contains(
                "hint: a session id is a string: write it in quotes (\"ses_910a2dec89025cc1\") where a session goes, or name it: let s = \"ses_910a2dec89025cc1\""
            ), "\(run.output.errors)")
        #expect(!run.output.errors.contains("let ses_"), "\(run.output.errors)")
    }
}

/// `back` in a lesson and where a lesson's files live.
@Suite struct LessonBackAndFolderTests {
    /// Back from step 4 to step 3 (the push): the sandbox is as it was before
    /// the push, so pushing again stages 3 records, not 6, and no 409 anywhere.
    @Test func backRewindsTheLessonsSandboxToBeforeThatStep() async throws {
        let output = CapturedOutput()
        let lines = ScriptedLines([
            "learn lifecycle", "let s = start", "status s", "push s User from \"new-hires.json\"", "back",
            "push s User from \"new-hires.json\"", "print s.accepted_records_total", "quit",
        ])
        let learner = Interpreter(connection: frozenSandbox(), output: output, environment: [:], sandboxes: .builtIn)
        let shell = Shell(interpreter: learner, lines: lines, output: output, history: nil)
        shell.learnSettings = learnSettings(progress: nil, work: try temporaryFolder("learn-back"))
        _ = await shell.run(showBanner: false)
        #expect(output.standard.contains("(back one step: the lesson's sandbox is set up again"), "\(output.standard)")
        #expect(output.standard.components(separatedBy: "── lifecycle · step 3 of 5").count - 1 == 2, "\(output.standard)")
        #expect(output.standard.contains("\n3\n"), "\(output.standard)")
        #expect(!output.errors.contains("409"), "\(output.errors)")
        // What ran before the step (start, status) was replayed without being shown again.
        #expect(output.standard.components(separatedBy: "started session").count - 1 == 1, "\(output.standard)")
    }

    /// Lessons keep their files in a folder the learner can find again, said when the lesson starts.
    @Test func aLessonsFilesStayInTheDataHome() throws {
        let home = try temporaryFolder("learn-home")
        #expect(LearnSettings.forEnvironment(["HOME": home]).workDirectory == home + "/.local/share/pushsh/lessons")
        #expect(LearnSettings.forEnvironment(["HOME": home, "XDG_DATA_HOME": "/data"]).workDirectory == "/data/pushsh/lessons")
        #expect(LearnSettings.forEnvironment(["PUSHSH_LEARN_DIR": "/x/y"]).workDirectory == "/x/y")
        #expect(LearnSettings.forEnvironment(["PUSHSH_HISTORY": "/h/hist", "HOME": home]).workDirectory == "/h/hist.lessons")
    }

    @Test func theLessonSaysWhereItsFilesAreAndTheyStay() async throws {
        let home = try temporaryFolder("learn-home")
        let output = CapturedOutput()
        let learner = Interpreter(connection: frozenSandbox(), output: output, environment: [:], sandboxes: .builtIn)
        let shell = Shell(
            interpreter: learner, lines: ScriptedLines(["learn lifecycle", "quit"]), output: output, history: nil)
        var settings = LearnSettings.forEnvironment(["HOME": home])
        settings.lessonsDirectory = shippedLessons.directory
        shell.learnSettings = settings
        _ = await shell.run(showBanner: false)
        let folder = home + "/.local/share/pushsh/lessons"
        #expect(output.standard.contains("in \(folder);"), "\(output.standard)")
        #expect(output.standard.contains("stay in \(folder))"), "\(output.standard)")
        #expect(FileManager.default.fileExists(atPath: folder + "/new-hires.json"))
    }
}

/// After `sandbox reset` the sandbox's sessions are gone: leaving warns about none.
@Suite struct ResetSessionsTests {
    @Test func aResetSandboxLeavesNothingToWarnAbout() async {
        let run = await SessionsAtThePromptTests.run(["let s = start", "sandbox reset", "exit"])
        #expect(run.code == 0)
        #expect(!run.output.errors.contains("still active"), "\(run.output.errors)")
    }
}
