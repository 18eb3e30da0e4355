import Foundation
import Testing

/// A profile's `key_command` that asks on the terminal, as `op`, `pass` or
/// gpg's pinentry do, in a real 80x24 terminal: it must get the terminal
/// (run in a process group of its own it was stopped by SIGTTIN as it read,
/// and the shell hung for good), and what it prints on stdout is the key.
///
/// Every wait has a timeout: a hang fails the test instead of holding up the suite.
@Suite(.serialized) struct KeyCommandTerminalTests {
    static let key = "sk_test_typed_at_the_terminal"

    /// A shell whose profile `vault` asks for its key on the terminal.
    func shell(server: SecretsTests.Server, keyCommand: String) throws -> PseudoTerminal {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-keycmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("config.toml")
        try """
        [profiles.vault]
        base_url = "\(server.base)"
        integration = "acme"
        key_command = "\(keyCommand)"
        """.write(to: config, atomically: true, encoding: .utf8)
        var env = Binary.environment(["PUSHSH_CONFIG": config.path, "PAGER": "cat", "HOME": dir.path])
        env["PUSHSH_HISTORY"] = dir.appendingPathComponent("history").path
        return try PseudoTerminal(environment: env, columns: 80)
    }

    @Test func aKeyCommandReadsThePassphraseFromTheTerminal() throws {
        let server = try SecretsTests.Server(key: Self.key)
        #expect(!server.base.isEmpty, "\(server.log)")
        defer { _ = server.process.isRunning ? server.stop() : "" }
        // Asks on stderr, reads stdin (the terminal), prints the key on stdout: what `pass` does.
        let pty = try shell(server: server, keyCommand: #"printf 'passphrase for vault: ' >&2; read k; printf '%s\\n' \"$k\""#)
        try pty.waitForPrompt("sandbox> ")
        pty.type("connect profile vault\r")
        // The key command reads a line in the kernel's line editing, not libedit's raw mode.
        try pty.waitFor("passphrase for vault: ", timeout: 10)
        pty.type(Self.key + "\r")
        try pty.waitForPrompt("vault> ", timeout: 10)
        // The key typed is the key used: the server takes it.
        pty.type("let s = start\r")
        try pty.waitForPrompt("vault s:active> ")
        pty.type("close s discard\r")
        try pty.waitForPrompt("vault s:cancelled> ")
        // Line editing works after the key command had the terminal.
        pty.type("garbage that would not parse\u{15}print \"after the key command\"\r")
        try pty.waitFor("\nafter the key command\n")
        // Ctrl-D only once libedit reads keys again (typed earlier, the kernel's line editing takes it).
        try pty.waitForPrompt("vault s:cancelled> ")
        pty.type("\u{04}")
        #expect(pty.waitForExit() == 0, "\(pty.state)")
    }

    /// Ctrl-C at the key command's question ends the key command, not the shell.
    @Test func ctrlCAtTheQuestionStopsTheKeyCommandOnly() throws {
        let server = try SecretsTests.Server(key: Self.key)
        #expect(!server.base.isEmpty, "\(server.log)")
        defer { _ = server.process.isRunning ? server.stop() : "" }
        let pty = try shell(server: server, keyCommand: #"printf 'passphrase for vault: ' >&2; read k; printf '%s\\n' \"$k\""#)
        try pty.waitForPrompt("sandbox> ")
        pty.type("connect profile vault\r")
        // The key command reads a line in the kernel's line editing, not libedit's raw mode.
        try pty.waitFor("passphrase for vault: ", timeout: 10)
        pty.type("\u{03}")
        try pty.waitFor("no key was read", timeout: 10)
        try pty.waitForPrompt("sandbox> ")
        pty.type("print \"still here\"\r")
        try pty.waitFor("\nstill here\n")
        try pty.waitForPrompt("sandbox> ")
        pty.type("\u{04}")
        #expect(pty.waitForExit() == 0, "\(pty.state)")
    }
}
