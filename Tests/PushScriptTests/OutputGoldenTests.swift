import BuiltInSandbox
import Foundation
import PushAPI
import PushScript
import PushSyntax
import Testing
import _PushTestSupport

/// Every command's output, text and JSON, exactly as a user sees it: what
/// the text and JSON renderers must keep byte for byte. The sandbox's ids
/// and clock are fixed (``frozenSandbox()``); only a push's `elapsed_ms`,
/// real time, is blanked.
@Suite struct OutputGoldenTests {
    static let script = """
        let s = start
        status s
        push s User [\(adaRecord)]
        push s User []
        push s User from "users.jsonl"
        push s User from "empty.jsonl"
        close s apply
        wait s until processed
        let d = start ref "nightly"
        close d discard
        integration
        activity size 3
        activity since "2030-01-01T00:00:00Z"
        sandbox advance 61m
        sandbox fail next 2
        sandbox fail next 0
        sandbox fail next
        sandbox processing 3s
        sandbox rate-limit 10
        sandbox rate-limit off
        sandbox records User
        sandbox faults "reset=0.05"
        sandbox faults {"error": 0.1}
        sandbox faults off
        sandbox reset
        print "hello" 42 s [1, "two"]
        "text"
        42
        {"a": [1, 2.5, null]}
        5m
        s
        let x = start
        sandbox advance 2h
        status x
        connect sandbox

        """

    func run(_ mode: OutputMode, color: Bool = false) async throws -> ScriptRun {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bob = adaRecord.replacingOccurrences(of: "E1", with: "E2").replacingOccurrences(of: "ada@", with: "bob@")
        try (adaRecord + "\n" + bob + "\n").write(to: dir.appendingPathComponent("users.jsonl"), atomically: true, encoding: .utf8)
        try "".write(to: dir.appendingPathComponent("empty.jsonl"), atomically: true, encoding: .utf8)
        let captured = CapturedOutput(color: color)
        let interpreter = Interpreter(connection: frozenSandbox(), output: captured, sandboxes: .builtIn)
        interpreter.setOutput(mode)
        let code = await interpreter.run(SourceFile(name: dir.appendingPathComponent("golden.push").path, text: Self.script))
        return ScriptRun(output: captured, code: code, interpreter: interpreter)
    }

    static func blankingElapsed(_ text: String) -> String {
        text.replacingOccurrences(of: #""elapsed_ms":[0-9]+"#, with: #""elapsed_ms":0"#, options: .regularExpression)
    }

    /// `Tests/Golden/`: what each mode wrote to standard output and standard error.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden")

    /// Compares with the golden file; with `PUSHSH_RECORD_GOLDEN=1` writes it
    /// instead and fails, so a recording run never passes for a check.
    static func expectGolden(_ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PUSHSH_RECORD_GOLDEN"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded \(name); run again without PUSHSH_RECORD_GOLDEN", sourceLocation: sourceLocation)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(name) differs; the output was:\n\(actual)", sourceLocation: sourceLocation)
    }

    @Test func textOutputIsUnchanged() async throws {
        let run = try await run(.text)
        #expect(run.code == 0, "\(run.stderr)")
        try Self.expectGolden(run.stdout, "commands.txt")
        try Self.expectGolden(run.stderr, "commands.stderr.txt")
    }

    /// On a terminal: the same words, with the colours of states, names and counts.
    @Test func colouredTextIsUnchanged() async throws {
        let run = try await run(.text, color: true)
        #expect(run.code == 0, "\(run.stderr)")
        try Self.expectGolden(run.stdout, "commands-colour.txt")
        try Self.expectGolden(run.stderr, "commands-colour.stderr.txt")
    }

    @Test func jsonOutputIsUnchanged() async throws {
        let run = try await run(.json)
        #expect(run.code == 0, "\(run.stderr)")
        try Self.expectGolden(Self.blankingElapsed(run.stdout), "commands.jsonl")
        try Self.expectGolden(run.stderr, "commands-json.stderr.txt")
        // Every line one object, named by its command: what tools read.
        for line in run.stdout.split(separator: "\n") {
            #expect(try JSONValue(parsing: String(line))["command"]?.stringValue != nil, "\(line)")
        }
        // And nothing on the error stream is prose either (a warning is keyed `warning`).
        for line in run.stderr.split(separator: "\n") {
            guard case .object = try? JSONValue(parsing: String(line)) else {
                Issue.record("not a JSON object on stderr: \(line)")
                continue
            }
        }
    }
}
