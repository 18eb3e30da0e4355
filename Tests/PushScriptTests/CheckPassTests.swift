import BuiltInSandbox
import Foundation
import PushScript
import PushSyntax
import Synchronization
import Testing
import _PushTestSupport

/// The parts of a push's check pass, each with its own job: the warnings it
/// lists, the progress it draws on a terminal (and only there), the error
/// that stops a push.
@Suite struct CheckPassTests {
    /// Output whose error stream claims to be a terminal, as a shell's is.
    final class TerminalOutput: ScriptOutput {
        private let buffers = Mutex<(out: String, err: String)>(("", ""))
        var color: Bool { false }
        var errorIsTerminal: Bool { true }
        func write(_ text: String) { buffers.withLock { $0.out += text } }
        func writeError(_ text: String) { buffers.withLock { $0.err += text } }
        var standard: String { buffers.withLock { $0.out } }
        var errors: String { buffers.withLock { $0.err } }
    }

    static func folder(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-checkpass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    static let header = "employeeId,firstName,lastName,workEmail,employmentType,employmentStartDate,role\n"

    static func row(_ n: Int) -> String {
        "E\(n),Ada,Lovelace,ada\(n)@example.com,EMPLOYEE,2022-01-15T09:00:00Z,Senior \"Staff\" Engineer\n"
    }

    /// The first 20 of the readers' warnings, each with its line, then a count of the rest.
    @Test func warningsAreListedWithTheirLinesThenCounted() async throws {
        let dir = try Self.folder(["users.csv": Self.header + (1...23).map(Self.row).joined()])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = await runScript(
            "set csv_quotes lenient\nset validation off\nlet s = start\npush s User from \"users.csv\"\n",
            name: dir.appendingPathComponent("t.push").path)
        #expect(run.code == 0, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "users.csv:2: warning: a quote (\") inside an unquoted field, read as data (csv_quotes lenient)")
        #expect(lines.filter { $0.hasPrefix("users.csv:") && $0.contains(": warning: ") }.count == 20)
        #expect(lines.contains("users.csv: … and 3 more warnings"), "\(run.stderr)")
        #expect(run.stdout.contains("23 accepted"))
    }

    /// On a terminal the check pass clears its progress line when it ends;
    /// in JSON (for machines) and with progress off it draws nothing at all.
    @Test(arguments: [("text", true), ("json", false), ("off", false)])
    func progressIsDrawnOnlyOnATerminalInText(mode: String, drawn: Bool) async throws {
        let dir = try Self.folder([
            "users.csv": Self.header.replacingOccurrences(of: ",role", with: "")
                + "E1,Ada,Lovelace,ada@example.com,EMPLOYEE,2022-01-15T09:00:00Z\n"
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = TerminalOutput()
        let interpreter = Interpreter(connection: frozenSandbox(), output: output, sandboxes: .builtIn)
        if mode == "json" { interpreter.setOutput(.json) }
        if mode == "off" { interpreter.setProgress(false) }
        let code = await interpreter.run(
            SourceFile(name: dir.appendingPathComponent("t.push").path, text: "let s = start\npush s User from \"users.csv\"\n"))
        #expect(code == 0, "\(output.errors)")
        #expect(output.errors.contains("\r\u{1B}[K") == drawn, "\(output.errors.debugDescription)")
        #expect(!output.standard.contains("\u{1B}"))
    }

    /// Broken rules alone stop a push as the service's refusal would (exit 6);
    /// a file that cannot be read as records is a runtime error (exit 1).
    @Test func theErrorThatStopsAPushSaysWhichKind() async throws {
        let dir = try Self.folder([
            "rules.csv": Self.header + "E1,Ada,Lovelace,not-an-email,EMPLOYEE,2022-01-15T09:00:00Z,x\n",
            "broken.jsonl": "{\"employeeId\": \"E1\"\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        // A computed path: the push's own check pass reads it, not the check before the run.
        for (file, code, words) in [
            ("rules.csv", ExitCode.refused, "1 record breaks the documented User rules"), ("broken.jsonl", .runtime, "broken.jsonl"),
        ] {
            let run = await runScript(
                "let f = \"\(file)\"\nlet s = start\npush s User from f\n", name: dir.appendingPathComponent("t.push").path)
            #expect(run.code == code.rawValue, "\(run.stderr)")
            #expect(run.stderr.contains(words) && run.stderr.contains("; nothing was sent"), "\(run.stderr)")
        }
    }
}
