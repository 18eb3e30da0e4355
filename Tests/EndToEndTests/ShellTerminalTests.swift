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
        try pty.waitForPrompt("sandbox> ")
        pty.type("let s = start\r")
        try pty.waitForPrompt("sandbox s:active> ")
        // Tab completes a command, then a fresh variable, then a keyword.
        pty.type("clo\t")
        try pty.waitFor("close ")
        pty.type("s\t")  // the one session variable: completed with a space after it
        pty.type("dis\t\r")
        try pty.waitFor("with discard: cancelled")
        try pty.waitForPrompt("sandbox s:cancelled> ")
        // Up recalls the previous line; Ctrl-U clears it again.
        pty.type("print \"José Núñez 日本\"\r")
        try pty.waitFor("\nJosé Núñez 日本\n")
        try pty.waitForPrompt("sandbox s:cancelled> ")
        pty.type("\u{1B}[A")
        try pty.waitFor("print \"José Núñez 日本\"")
        // Had Ctrl-U left the recalled text, the next line would not parse, nor print 2.
        pty.type("\u{15}")
        // Multi-line JSON: an open bracket continues with a continuation prompt.
        pty.type("let xs = [1,\r")
        try pty.waitFor("...> ")
        pty.type("2]\rprint len(xs)\r")
        try pty.waitFor("\n2\n")
        try pty.waitForPrompt("sandbox s:cancelled> ")
        // Ctrl-C at the prompt drops the line and prompts again.
        pty.type("status s and more")
        try pty.waitFor("status s and more")  // on libedit's line, not yet run
        pty.type("\u{03}")
        try pty.waitForPrompt("sandbox s:cancelled> ")
        pty.type("print \"after ctrl-c\"\r")
        try pty.waitFor("\nafter ctrl-c\n")
        #expect(!pty.screen.contains("'and' is not"), "\(pty.state)")
        // Ctrl-D on an empty line leaves with 0.
        try pty.waitForPrompt("sandbox s:cancelled> ")
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
        try first.waitForPrompt("sandbox> ")
        first.type("connect url \"http://127.0.0.1:1/api/external/push\" integration \"acme\" key \"sk_live_SHOULD_NOT_LEAK\"\r")
        try first.waitFor("connected to")
        first.type("connect sandbox\r")
        try first.waitFor("built-in sandbox")
        first.type("print \"first run\"\r")
        try first.waitFor("\nfirst run\n")
        first.type("exit\r")
        #expect(first.waitForExit() == 0, "\(first.state)")
        let text = try String(contentsOfFile: history, encoding: .utf8)
        #expect(!text.contains("SHOULD_NOT_LEAK"))
        // A new shell recalls earlier entries with Up (the last one was `exit`).
        let second = try PseudoTerminal(environment: environment(history: history))
        try second.waitForPrompt("sandbox> ")
        second.type("\u{1B}[A")
        try second.waitFor("exit")
        second.type("\u{1B}[A")
        try second.waitFor("print \"first run\"")
        second.type("\r")
        try second.waitFor("\nfirst run\n")
        try second.waitForPrompt("sandbox> ")
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
            try pty.waitForPrompt("> ")
            pty.type("let s = start\rclose s apply\rwait s until processed timeout 10m\r")
            // The close says "with apply: processing (...)"; the wait then shows the
            // state it found and pauses before it reads again: Ctrl-C lands in that pause.
            try pty.waitFor("with apply: processing (")
            try pty.waitFor(": processing (")
            pty.type("\u{03}")
            try pty.waitFor("wait interrupted after")
            try pty.waitForPrompt("> ")
            pty.type("print s.state\r")
            try pty.waitFor("\nprocessing\n")
            pty.type("exit\r")
            #expect(pty.waitForExit() == 0, "\(pty.state)")
        }
    }
}
