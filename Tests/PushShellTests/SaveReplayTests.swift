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

/// `save` writes scripts that replay: every flow of the lessons and the
/// examples, typed at the prompt, saved and run on a fresh sandbox, ends
/// with the same sessions in the same states, the same counts and records.
@Suite struct SaveReplayTests {
    /// A flow as a learner types it: its lines, with data files taken from `folder`.
    struct Flow: CustomStringConvertible, Sendable {
        var name: String
        var lines: [String]
        var folder: String
        var description: String { name }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every example, up to its `exit` (which would leave the shell).
    static let examples: [Flow] = {
        let folder = repository.appendingPathComponent("examples").path
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".push") }.sorted()
        return names.map { name in
            let text = (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? ""
            let lines = text.components(separatedBy: "\n").prefix { !$0.hasPrefix("exit") }
            return Flow(name: "examples/" + name, lines: Array(lines), folder: folder)
        }
    }()

    /// Every lesson: its setup, then what each step suggests (but the
    /// lesson's own `save` and `include`: this test saves).
    static let lessons: [Flow] = shippedLessons.lessons.map { lesson in
        let steps = lesson.steps.map(\.suggestion).filter { !$0.hasPrefix("save ") && !$0.hasPrefix("include ") }
        return Flow(
            name: "lesson " + lesson.name, lines: lesson.setup + steps.flatMap { $0.components(separatedBy: "\n") },
            folder: shippedLessons.directory + "/data")
    }

    /// How a sandbox stands: each session's state and count, and the records applied.
    static func picture(_ sandbox: (any SandboxControls)?) throws -> [String] {
        let held = try #require(sandbox).inspect()
        let sessions = held.sessions.map { "\($0.state.rawValue) \($0.acceptedRecordsTotal) \($0.acceptedRecordsByEntity)" }
        let records = held.records.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.count)" }
        return sessions + records
    }

    /// A path typed after `from` as the learner would type it from `folder`.
    static func typedFrom(_ folder: String, _ line: String) -> String {
        line.replacingOccurrences(of: "from \"", with: "from \"\(folder)/").replacingOccurrences(of: "\"\(folder)//", with: "\"/")
    }

    @Test(arguments: examples + lessons)
    func aFlowTypedAtThePromptReplaysFromItsSave(flow: Flow) async throws {
        #expect(!flow.lines.isEmpty)
        let dir = try ScratchFolder("replay")
        let output = CapturedOutput()
        let interpreter = Interpreter(
            connection: frozenSandbox(), output: output, environment: [:], sandboxes: .builtIn, transports: .http)
        // The folder `jobs/` does not exist yet: save makes it.
        let target = dir.path + "/jobs/flow.push"
        let lines = ScriptedLines(flow.lines.map { Self.typedFrom(flow.folder, $0) } + ["save \"\(target)\""])
        let shell = Shell(interpreter: interpreter, lines: lines, output: output, history: nil)
        _ = await shell.run(showBanner: false)
        let saved = try String(contentsOfFile: target, encoding: .utf8)
        #expect(!saved.contains("\"ses_"), "a session id was saved: \(saved)")

        let replay = CapturedOutput()
        let replayer = Interpreter(connection: frozenSandbox(), output: replay, environment: [:], sandboxes: .builtIn, transports: .http)
        let code = await replayer.run(SourceFile(name: target, text: saved))
        // A flow that went past failures (set on_error continue) ends with the first one's code, as its script does.
        let wentPast = saved.contains("set on_error continue")
        #expect(code == 0 || wentPast && code != 2, "\(flow): \(saved)\n---\n\(replay.combined)")
        #expect(try Self.picture(replayer.connection.sandbox) == Self.picture(interpreter.connection.sandbox), "\(flow): \(saved)")
    }

    struct Typed {
        let output: CapturedOutput
        let dir: ScratchFolder
        func saved(_ name: String) throws -> String { try String(contentsOfFile: dir.path + "/" + name, encoding: .utf8) }
    }

    static func type(_ entries: [String]) async throws -> Typed {
        let dir = try ScratchFolder("save")
        let output = CapturedOutput()
        let interpreter = Interpreter(
            connection: frozenSandbox(), output: output, environment: [:], sandboxes: .builtIn, transports: .http)
        let lines = ScriptedLines(entries.map { $0.replacingOccurrences(of: "DIR", with: dir.path) })
        _ = await Shell(interpreter: interpreter, lines: lines, output: output, history: nil).run(showBanner: false)
        return Typed(output: output, dir: dir)
    }

    /// Typed ids become the names that held their sessions; a line naming a
    /// session the script does not start is left out, in a comment, and said.
    @Test func typedSessionIdsBecomeNamesOrAreLeftOutWithAComment() async throws {
        let typed = try await Self.type([
            // A start inside a failed entry: the session exists, the line is not saved.
            "let old = start; expect false",
            "close \"ses_910a2dec89025cc1\" discard",
            "let s = start",
            "status \"ses_beeb8da1658eec67\"",
            "close \"ses_beeb8da1658eec67\" discard",
            "start",
            "close \"${last_session.id}\" discard",
            "save \"DIR/flow.push\"",
        ])
        let saved = try typed.saved("flow.push")
        #expect(
            saved.contains(
                "# Left out: it names session ses_910a2dec89025cc1, which this script does not start; it would fail on replay:\n#   close \"ses_910a2dec89025cc1\" discard\n"
            ), "\(saved)")
        #expect(saved.contains("let s = start\nclose s discard\nstart\nclose \"${last_session.id}\" discard\n"), "\(saved)")
        #expect(
            typed.output.errors.contains(
                "warning: left out 1 statement (in the file as comments):\n  close \"ses_910a2dec89025cc1\" discard   (it names session ses_910a2dec89025cc1, which this script does not start)"
            ), "\(typed.output.errors)")
        #expect(typed.output.standard.contains("saved 5 statements to"), "\(typed.output.standard)")
    }

    /// `save ... last N` and `save ... since last save` take part of what was
    /// typed; a name defined before the part is said.
    @Test func saveTakesTheLastEntriesOrThoseSinceTheLastSave() async throws {
        let typed = try await Self.type([
            "let s = start",
            "print \"one\"",
            "save \"DIR/all.push\"",
            "print \"two\"",
            "close s discard",
            "save \"DIR/since.push\" since last save",
            "print \"three\"",
            "save \"DIR/last.push\" last 2",
            "save \"DIR/none.push\" since last save",
        ])
        #expect(try typed.saved("all.push").hasSuffix("\nlet s = start\nprint \"one\"\n"))
        let since = try typed.saved("since.push")
        #expect(since.hasSuffix("\nprint \"two\"\nclose s discard\n"), "\(since)")
        #expect(
            typed.output.errors.contains("warning: the saved lines read 's', defined before the entries saved"), "\(typed.output.errors)")
        // The last 2 entries that ran: the `save` itself and `print "three"`; the save writes nothing.
        let last = try typed.saved("last.push")
        #expect(last.hasSuffix("\nprint \"three\"\n"), "\(last)")
        #expect(typed.output.errors.contains("nothing to save yet: no statement that does something has run in the entries chosen"))
        #expect(!FileManager.default.fileExists(atPath: typed.dir.path + "/none.push"))
    }

    @Test func saveParsesItsRanges() {
        let parsed = Parser.parse(SourceFile(name: "t", text: "save \"a.push\" last 5 replace\nsave \"b.push\" since last save\n"))
        #expect(!parsed.hasErrors)
        let kinds = parsed.program.statements.map(\.kind)
        guard case .save(_, true, .last)? = kinds.first, case .save(_, false, .sinceLastSave)? = kinds.last else {
            Issue.record("\(kinds)")
            return
        }
        let wrong = Parser.parse(SourceFile(name: "t", text: "save \"a.push\" since save\n"))
        #expect(wrong.diagnostics.first?.message.hasPrefix("expected 'last' after 'since'") == true, "\(wrong.diagnostics)")
    }
}
