import BuiltInSandbox
import Foundation
import HTTPConnections
import PushAPI
import PushScript
import PushSyntax
import Testing
import _PushTestSupport

@testable import PushShell

/// Keys given by every route stay out of history and saved scripts; `save`
/// writes scripts that replay.
@Suite struct SaveAndSecretsTests {
    static let url = "http://127.0.0.1:1/api/external/push"

    struct Run {
        let shell: Shell
        let lines: ScriptedLines
        let output: CapturedOutput
        let interpreter: Interpreter
        let history: HistoryFile
        let dir: URL

        var historyText: String { (try? String(contentsOfFile: history.path, encoding: .utf8)) ?? "" }
        func saved(_ name: String) throws -> String { try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) }
    }

    func run(_ entries: [String], historyLines: [String] = [], environment: [String: String] = [:]) async throws -> Run {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("history").path
        if !historyLines.isEmpty {
            try (historyLines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        let history = HistoryFile(path: path)
        history.load()
        let output = CapturedOutput()
        let interpreter = Interpreter(
            connection: frozenSandbox(), output: output, environment: environment, sandboxes: .builtIn, transports: .http)
        let lines = ScriptedLines(entries.map { $0.replacingOccurrences(of: "DIR", with: dir.path) })
        let shell = Shell(interpreter: interpreter, lines: lines, output: output, history: history)
        _ = await shell.run(showBanner: false)
        return Run(shell: shell, lines: lines, output: output, interpreter: interpreter, history: history, dir: dir)
    }

    /// Every place the shell keeps text: none may hold the key.
    func expectNowhere(_ key: String, in run: Run, files: [String] = [], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        #expect(!run.historyText.contains(key), "history: \(run.historyText)", sourceLocation: sourceLocation)
        #expect(!run.lines.remembered.contains { $0.contains(key) }, "Up/Down: \(run.lines.remembered)", sourceLocation: sourceLocation)
        #expect(!run.output.combined.contains(key), "output: \(run.output.combined)", sourceLocation: sourceLocation)
        for file in files {
            let text = try run.saved(file)
            #expect(!text.contains(key), "\(file): \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test func aKeyHeldInAVariable() async throws {
        let key = "sk_live_VARIABLE_SECRET_1"
        let run = try await run([
            "let k = \"\(key)\"",
            "print \"one\"",
            "connect url \"\(Self.url)\" integration \"acme\" key k",
            "print k",
            "save \"DIR/flow.push\"",
        ])
        try expectNowhere(key, in: run, files: ["flow.push"])
        // The `let` was kept until it turned out to hold a key, then removed, once, saying so.
        #expect(
            run.output.errors.components(separatedBy: "earlier history entry holding the key removed").count == 2, "\(run.output.errors)")
        #expect(run.historyText.contains("print \"one\""))
        let saved = try run.saved("flow.push")
        #expect(saved.contains("connect url \"\(Self.url)\" integration \"acme\" key env(\"SPRINTO_API_KEY\")"), "\(saved)")
        #expect(saved.contains("# The API key was typed at the prompt and is not saved"))
        #expect(!saved.contains("let k") && !saved.contains("print k"), "\(saved)")
        #expect(run.output.standard.contains("run it with: SPRINTO_API_KEY=... pushsh"))
        // The file says what the shell said: the variable to set, then the command.
        #expect(saved.contains("# Run it with: SPRINTO_API_KEY=... pushsh flow.push\n"), "\(saved)")
        #expect(run.output.combined.contains("[redacted]"))
    }

    /// The saved script replays: it must never read a variable whose `let`
    /// was left out for holding the key.
    func replays(_ run: Run, _ file: String, environment: [String: String], sourceLocation: Testing.SourceLocation = #_sourceLocation)
        async throws -> String
    {
        let saved = try run.saved(file)
        let replay = CapturedOutput()
        let source = SourceFile(name: run.dir.appendingPathComponent(file).path, text: saved)
        let code = await Interpreter(
            connection: frozenSandbox(), output: replay, environment: environment, sandboxes: .builtIn, transports: .http
        ).run(source)
        #expect(code == 0, "\(saved)\n---\n\(replay.combined)", sourceLocation: sourceLocation)
        return replay.standard
    }

    @Test func linesReadingALeftOutVariableAreLeftOutToo() async throws {
        let key = "sk_live_HELD_IN_C_77"
        let run = try await run([
            "let c = \"\(key)\"",
            "let b = \"${c}\"",
            "connect url \"\(Self.url)\" integration \"acme\" key b",
            "print c",
            "print \"after\"",
            "save \"DIR/flow.push\"",
        ])
        try expectNowhere(key, in: run, files: ["flow.push"])
        let saved = try run.saved("flow.push")
        #expect(!saved.contains("print c") && !saved.contains("let b") && !saved.contains("let c"), "\(saved)")
        #expect(saved.contains("# 3 lines left out: they held the API key, or used a value that did."), "\(saved)")
        #expect(try await replays(run, "flow.push", environment: ["SPRINTO_API_KEY": "replayed-key"]).contains("after"))
    }

    /// A `let` left out because its text is a key (the key came from `env`,
    /// so the variable itself never reached `connect`): everything built from
    /// it, and everything reading it, in blocks too, goes with it.
    @Test func aVariableHoldingAKeysTextTakesItsReadersAlong() async throws {
        let key = "sk_live_SAME_AS_TEAM_KEY"
        let run = try await run(
            [
                "let c = \"\(key)\"",
                "let d = \"${c}-suffix\"",
                "connect url \"\(Self.url)\" integration \"acme\" key env(\"TEAM_KEY\")",
                "print d",
                "for n in [1, 2]",
                "print c",
                "print n",
                "end",
                "let d = \"fresh\"",
                "print d",
                "save \"DIR/flow.push\"",
            ], environment: ["TEAM_KEY": key])
        try expectNowhere(key, in: run, files: ["flow.push"])
        let saved = try run.saved("flow.push")
        #expect(!saved.contains("print c") && !saved.contains("${c}"), "\(saved)")
        // `let d` made again from nothing secret is kept, and so is what reads it afterwards.
        #expect(saved.contains("for n in [1, 2]\n    print n\nend\nlet d = \"fresh\"\nprint d\n"), "\(saved)")
        #expect(saved.components(separatedBy: "print d").count == 2, "only the second print d: \(saved)")
        #expect(saved.contains("# 4 lines left out"), "\(saved)")
        #expect(saved.contains("# Run it with: pushsh flow.push\n"), "\(saved)")
        let replayed = try await replays(run, "flow.push", environment: ["TEAM_KEY": key])
        #expect(replayed.contains("1\n2\nfresh"), "\(replayed)")
    }

    @Test func aKeyBuiltByConcatenationAndInterpolation() async throws {
        let run = try await run([
            "let a = \"sk_live_\"",
            "let b = \"${a}CONCAT_PART\"",
            "let c = \"INTERP\"",
            "connect url \"\(Self.url)\" integration \"acme\" key b",
            "connect url \"\(Self.url)\" integration \"acme\" key \"sk_${c}_TAIL_PART\"",
            "print \"after\"",
            "save \"DIR/flow.push\"",
        ])
        for piece in ["sk_live_CONCAT_PART", "CONCAT_PART", "sk_live_", "INTERP", "TAIL_PART"] {
            try expectNowhere(piece, in: run, files: ["flow.push"])
        }
        // The interpolated key's line was never kept; said once, no second warning.
        #expect(run.output.errors.components(separatedBy: "not kept in history").count == 2, "\(run.output.errors)")
        #expect(!run.output.errors.contains("warning: a key typed"))
        let saved = try run.saved("flow.push")
        #expect(saved.contains("lines left out: they held the API key"), "\(saved)")
        #expect(saved.contains("print \"after\""))
    }

    @Test func historyWrittenBeforeTheValueBecameAKeyIsRewritten() async throws {
        let key = "sk_live_OLD_SESSION_SECRET"
        let run = try await run(
            ["connect url \"\(Self.url)\" integration \"acme\" key env(\"TEAM_KEY\")", "save \"DIR/flow.push\""],
            historyLines: ["print \"\(key)\"", "let s = start", "let old = \"\(key)\""],
            environment: ["TEAM_KEY": key])
        try expectNowhere(key, in: run, files: ["flow.push"])
        #expect(run.historyText.contains("let s = start"))
        #expect(run.output.errors.contains("2 earlier history entries holding the key removed"), "\(run.output.errors)")
        // An env reference is kept as written: it works when the script runs.
        #expect(try run.saved("flow.push").contains("key env(\"TEAM_KEY\")"))
    }

    @Test func aVariableHoldingOnlyAReferenceIsKept() async throws {
        let key = "sk_live_TEAM_REFERENCE_3"
        let run = try await run(
            [
                "let k = env(\"TEAM_KEY\")",
                "connect url \"\(Self.url)\" integration \"acme\" key k",
                "save \"DIR/flow.push\"",
            ], environment: ["TEAM_KEY": key])
        try expectNowhere(key, in: run, files: ["flow.push"])
        #expect(run.historyText.contains("let k = env(\"TEAM_KEY\")"))
        #expect(!run.output.errors.contains("removed"), "\(run.output.errors)")
        let saved = try run.saved("flow.push")
        #expect(saved.contains("let k = env(\"TEAM_KEY\")\nconnect url \"\(Self.url)\" integration \"acme\" key k\n"), "\(saved)")
        #expect(!saved.contains("SPRINTO_API_KEY"))
    }

    @Test func saveDropsReplacedConnectsKeepsFilesAndIndentsBlocks() async throws {
        let run = try await run([
            "connect url \"\(Self.url)\" integration \"acme\" key \"sk_live_UNUSED_KEY\"",
            "connect sandbox",
            "let s = start",
            "for n in [1, 2]",
            "if n == 1",
            "print \"one\"",
            "else",
            "print \"two\"",
            "end",
            "end",
            "save \"DIR/flow.push\"",
            "print \"more\"",
            "save \"DIR/flow.push\"",
            "save \"DIR/flow.push\" replace",
        ])
        #expect(run.output.errors.contains("exists already; it was kept"), "\(run.output.errors)")
        let saved = try run.saved("flow.push")
        #expect(!saved.contains("connect url") && !saved.contains("sk_live_UNUSED_KEY") && !saved.contains("SPRINTO_API_KEY"), "\(saved)")
        // The replaced connect took its key with it: the instructions do not ask for one.
        #expect(!run.output.standard.contains("SPRINTO_API_KEY=..."), "\(run.output.standard)")
        #expect(
            saved.contains(
                "connect sandbox\nlet s = start\nfor n in [1, 2]\n    if n == 1\n        print \"one\"\n    else\n        print \"two\"\n    end\nend\nprint \"more\"\n"
            ), "\(saved)")
        // It replays.
        let source = SourceFile(name: run.dir.appendingPathComponent("flow.push").path, text: saved)
        let replay = CapturedOutput()
        #expect(
            await Interpreter(connection: frozenSandbox(), output: replay, environment: [:], sandboxes: .builtIn, transports: .http).run(
                source) == 0,
            "\(replay.combined)")
        #expect(replay.standard.contains("one\ntwo\nmore"))
    }

    @Test func aTypedKeyInALineThatDoesNotParseIsNotKept() async throws {
        let run = try await run(["connect url \"\(Self.url)\" integration \"acme\" key \"sk_live_BROKEN_LINE\" oops"])
        #expect(!run.historyText.contains("sk_live_BROKEN_LINE"), "\(run.historyText)")
        #expect(run.lines.remembered.isEmpty)
    }

    @Test func nothingToSaveWritesNothing() async throws {
        let run = try await run(["help", "status", "save \"DIR/empty.push\""])
        #expect(run.output.errors.contains("nothing to save yet"))
        #expect(!FileManager.default.fileExists(atPath: run.dir.appendingPathComponent("empty.push").path))
    }

    @Test func pathsAreRewrittenForTheSavedFilesFolder() {
        let context = SaveContext(target: "/work/jobs/nightly/flow.push", secretVariables: [], keys: [], startingConnect: "connect sandbox")
        let entries = [
            "let s = start",
            "push s User from \"data/employees.jsonl\" mapping \"maps/m.json\"",
            "include \"/abs/common.push\"",
            "connect url \"http://h/api/external/push\" integration \"i\" key file \"keys/k.txt\"",
            "include \"lib/x.push\"",
        ].map { TranscriptEntry(text: $0, folder: "/work/shell") }
        let script = Transcript.script(from: entries, context: context)
        #expect(
            script.text.contains("push s User from \"../../shell/data/employees.jsonl\" mapping \"../../shell/maps/m.json\""),
            "\(script.text)")
        #expect(script.text.contains("include \"/abs/common.push\""))
        #expect(script.text.contains("key file \"../../shell/keys/k.txt\""))
        #expect(script.text.contains("include \"../../shell/lib/x.push\""))
        #expect(PathText.relative("/a/b/c.txt", from: "/a/b") == "c.txt")
        #expect(PathText.relative("/a/x/c.txt", from: "/a/b/d") == "../../x/c.txt")
    }

    @Test func theStartingConnectionComesFirstWhenUsed() {
        let context = SaveContext(
            target: "/t/f.push", secretVariables: [], keys: [],
            startingConnect: "connect profile staging")
        let used = Transcript.script(from: [TranscriptEntry(text: "let s = start", folder: "/t")], context: context)
        #expect(used.text.contains("connect profile staging\nlet s = start\n"))
        let unused = Transcript.script(
            from: [TranscriptEntry(text: "connect sandbox", folder: "/t"), TranscriptEntry(text: "let s = start", folder: "/t")],
            context: context)
        #expect(!unused.text.contains("connect profile"))
        #expect(unused.statements == 2)
    }
}
