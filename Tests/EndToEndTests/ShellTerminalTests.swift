import Foundation
import PushSandbox
import Testing
import _PushTestSupport

/// The shell through a real pseudo-terminal (openpty + setsid --ctty).
@Suite(.serialized) struct ShellTerminalTests {
    func environment(history: String) -> [String: String] {
        Binary.environment(["PUSHSH_HISTORY": history, "HOME": NSTemporaryDirectory()])
    }

    func historyPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-history-\(UUID().uuidString)").path
    }

    @Test func typeCompleteRecallInterruptAndLeave() throws {
        let history = historyPath()
        let pty = try PseudoTerminal(environment: environment(history: history))
        #expect(pty.expect("sandbox> "), "\(pty.state)")
        pty.type("let s = start\r")
        #expect(pty.expect("sandbox s:active> "), "\(pty.state)")
        // Tab completes a command, then a fresh variable, then a keyword.
        pty.type("clo\t")
        #expect(pty.expect("close "))
        pty.type("s\t")  // the one session variable: completed with a space after it
        pty.type("dis\t\r")
        #expect(pty.expect("with discard: cancelled"), "\(pty.state)")
        // Up recalls the previous line; Ctrl-A moves to its start to edit it.
        pty.type("print \"José Núñez 日本\"\r")
        #expect(pty.expect("\nJosé Núñez 日本\n"), "\(pty.state)")
        pty.type("\u{1B}[A")
        #expect(pty.expect("print \"José Núñez 日本\"", times: 2))
        pty.type("\u{15}")  // Ctrl-U: clear the line
        Thread.sleep(forTimeInterval: 0.2)
        // Multi-line JSON: an open bracket continues with a continuation prompt.
        pty.type("let xs = [1,\r")
        #expect(pty.expect("...> "), "\(pty.state)")
        pty.type("2]\rprint len(xs)\r")
        #expect(pty.expect("\n2\n"), "\(pty.state)")
        // Ctrl-C at the prompt drops the line and prompts again.
        pty.type("status s and more")
        Thread.sleep(forTimeInterval: 0.2)
        pty.typeAndWaitForPrompt("\u{03}")
        pty.type("print \"after ctrl-c\"\r")
        #expect(pty.expect("\nafter ctrl-c\n"), "\(pty.state)")
        #expect(!pty.screen.contains("'and' is not"), "\(pty.state)")
        // Ctrl-D on an empty line leaves with 0.
        Thread.sleep(forTimeInterval: 0.2)
        pty.type("\u{04}")
        #expect(pty.waitForExit() == 0, "\(pty.state)")
        // History: 0600, the entries, and the multi-line entry as one.
        let mode = try FileManager.default.attributesOfItem(atPath: history)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let text = try String(contentsOfFile: history, encoding: .utf8)
        #expect(text.contains("let s = start\nclose s discard\n"))
        #expect(text.contains("let xs = [1,\\n2]\n"))
    }

    @Test func historyIsKeptAcrossRunsAndHoldsNoKey() throws {
        let history = historyPath()
        let first = try PseudoTerminal(environment: environment(history: history))
        #expect(first.expect("sandbox> "), "\(first.state)")
        first.type("connect url \"http://127.0.0.1:1/api/external/push\" integration \"acme\" key \"sk_live_SHOULD_NOT_LEAK\"\r")
        #expect(first.expect("connected to"), "\(first.state)")
        first.type("connect sandbox\r")
        #expect(first.expect("built-in sandbox"))
        first.type("print \"first run\"\r")
        #expect(first.expect("\nfirst run\n"))
        first.type("exit\r")
        Thread.sleep(forTimeInterval: 0.1)
        #expect(first.waitForExit() == 0)
        let text = try String(contentsOfFile: history, encoding: .utf8)
        #expect(!text.contains("SHOULD_NOT_LEAK"))
        // A new shell recalls earlier entries with Up (the last one was `exit`).
        let second = try PseudoTerminal(environment: environment(history: history))
        #expect(second.expect("sandbox> "))
        Thread.sleep(forTimeInterval: 0.2)
        second.type("\u{1B}[A")
        Thread.sleep(forTimeInterval: 0.2)
        second.type("\u{1B}[A")
        Thread.sleep(forTimeInterval: 0.2)
        second.type("\r")
        #expect(second.expect("\nfirst run\n"), "\(second.state)")
        #expect(second.expect("sandbox> ", times: 2), "\(second.state)")
        Thread.sleep(forTimeInterval: 0.2)
        second.type("\u{04}")
        #expect(second.waitForExit() == 0, "\(second.state)")
    }

    @Test func ctrlCStopsARunningWaitAndKeepsVariables() async throws {
        // Real waiting needs a real service: pushsh serve, with processing that takes long.
        let sandbox = SandboxService(
            settings: SandboxSettings(processingTime: .seconds(600), seed: 5),
            integrations: [SandboxIntegration(id: "acme", apiKey: "key-acme")])
        try await withLiveServer(sandbox) { base in
            var env = environment(history: historyPath())
            env["SPRINTO_BASE_URL"] = base
            env["SPRINTO_INTEGRATION_ID"] = "acme"
            env["SPRINTO_API_KEY"] = "key-acme"
            let pty = try PseudoTerminal(environment: env)
            #expect(pty.expect("> "), "\(pty.state)")
            pty.type("let s = start\rclose s apply\rwait s until processed timeout 10m\r")
            #expect(pty.expect(": processing ("), "\(pty.state)")
            try await Task.sleep(for: .milliseconds(300))
            pty.type("\u{03}")
            #expect(pty.expect("wait interrupted after"), "\(pty.state)")
            pty.type("print s.state\r")
            #expect(pty.expect("\nprocessing\n"), "\(pty.state)")
            pty.type("exit\r")
            #expect(pty.waitForExit() == 0)
        }
    }
}
