import Foundation
import Testing

/// One known key through everything pushsh writes: traces, errors, JSON
/// results, print, the shell's history and saved scripts, the server's log.
@Suite(.serialized) struct SecretsTests {
    static let key = "sk_live_4f9a2b7c_DO_NOT_LEAK"

    /// `pushsh serve` as a separate process; its output is the server log.
    final class Server {
        let process = Process()
        let pipe = Pipe()
        var base = ""
        var log = ""

        /// - Parameters:
        ///   - keyArguments: how the key is given (`--api-key KEY` by default).
        ///   - environment: variables added to the server's environment.
        init(
            key: String = SecretsTests.key, integration: String = "acme", keyArguments: [String]? = nil,
            environment: [String: String] = [:]
        ) throws {
            process.executableURL = URL(fileURLWithPath: Binary.path)
            process.arguments =
                ["serve", "--port", "0"] + (keyArguments ?? ["--api-key", key]) + [
                    "--integration", integration, "--processing-time", "100ms",
                ]
            process.environment = Binary.environment(environment)
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, base.isEmpty {
                let data = pipe.fileHandleForReading.availableData
                log += String(decoding: data, as: UTF8.self)
                if let match = log.range(of: #"http://127\.0\.0\.1:\d+/api/external/push"#, options: .regularExpression) {
                    base = String(log[match])
                }
            }
        }

        func stop() -> String {
            process.terminate()
            process.waitUntilExit()
            log += String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            return log
        }
    }

    @Test func theKeyAppearsNowhere() throws {
        let server = try Server()
        #expect(!server.base.isEmpty, "\(server.log)")
        defer { _ = server.process.isRunning ? server.stop() : "" }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var env = Binary.environment(["SPRINTO_BASE_URL": server.base, "SPRINTO_INTEGRATION_ID": "acme", "SPRINTO_API_KEY": Self.key])
        env["PUSHSH_HISTORY"] = dir.appendingPathComponent("history").path
        var everything: [String] = []

        // A script with -v, the key printed and compared on purpose, and a failure.
        let script = """
            let s = start
            push s User [{"employeeId": "E1", "firstName": "Ada", "lastName": "Lovelace", "workEmail": "ada@example.com", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z"}]
            print "the key is ${env("SPRINTO_API_KEY")}"
            close s apply
            wait s until processed
            set on_error continue
            expect env("SPRINTO_API_KEY") == "something else"
            push s User [{"employeeId": "E2"}]
            exit 0
            """
        let traced = try Binary.run(["-v", "-c", script], environment: env)
        #expect(traced.code == 0, "\(traced.output)")
        #expect(traced.output.contains("> api-key: [redacted]"))
        #expect(traced.output.contains("the key is [redacted]"))
        everything.append(traced.output)
        let json = try Binary.run(
            ["--output", "json", "-v", "-c", "let s = start\nprint env(\"SPRINTO_API_KEY\")\nclose s discard"], environment: env)
        #expect(json.code == 0, "\(json.output)")
        everything.append(json.output)
        // A wrong key: the error names the problem, not the key.
        var wrong = env
        wrong["SPRINTO_API_KEY"] = Self.key + "_WRONG"
        let refused = try Binary.run(["-c", "let s = start"], environment: wrong)
        #expect(refused.code == 6)
        #expect(refused.output.contains("401"))
        everything.append(refused.output)

        // The shell: history and a saved script.
        let pty = try PseudoTerminal(environment: env, directory: dir)
        #expect(pty.expect("> "), "\(pty.state)")
        pty.typeAndWaitForPrompt("let s = start\r")
        pty.typeAndWaitForPrompt("print env(\"SPRINTO_API_KEY\")\r")
        let typed = "connect url \"\(server.base)\" integration \"acme\" key \"\(Self.key)\""
        pty.typeAndWaitForPrompt(typed + "\r")
        // A key put together by interpolation from a variable typed earlier.
        pty.typeAndWaitForPrompt("let half = \"sk_live_4f9a2b7c\"\r")
        pty.typeAndWaitForPrompt("connect url \"\(server.base)\" integration \"acme\" key \"${half}_DO_NOT_LEAK\"\r")
        pty.typeAndWaitForPrompt("close s discard\r")
        // A key file, then a key typed at `key prompt` (no echo).
        let keyFile = dir.appendingPathComponent("acme.key")
        try (Self.key + "\n").write(to: keyFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile.path)
        pty.typeAndWaitForPrompt("connect url \"\(server.base)\" integration \"acme\" key file \"acme.key\"\r")
        pty.typeAndWaitForPrompt("let f = start\r")
        pty.typeAndWaitForPrompt("close f discard\r")
        pty.type("connect url \"\(server.base)\" integration \"acme\" key prompt\r")
        #expect(pty.expect("API key: "), "\(pty.state)")
        pty.typeAndWaitForPrompt(Self.key + "\r")
        pty.typeAndWaitForPrompt("let p = start\r")
        pty.typeAndWaitForPrompt("print p.id\r")
        pty.typeAndWaitForPrompt("close p discard\r")
        pty.typeAndWaitForPrompt("save \"flow.push\"\r")
        pty.type("exit\r")
        #expect(pty.waitForExit() == 0, "\(pty.state)")
        // The terminal echoes what was typed; apart from that echo, the key must not show.
        // Each typed key is said once, not twice (no separate warning).
        #expect(pty.count(of: "(not kept in history: the line holds an API key") == 2, "\(pty.screen)")
        #expect(!pty.screen.contains("warning: a key typed into a script"))
        // (libedit may redraw a long line with extra spaces, so drop the echoed line whole.)
        everything.append(
            pty.screen.split(separator: "\n").filter { !$0.contains("connect url") && !$0.contains("let half") }.joined(separator: "\n"))
        let history = try String(contentsOfFile: env["PUSHSH_HISTORY"]!, encoding: .utf8)
        #expect(!history.contains("sk_live_4f9a2b7c"), "the piece of the key stayed in history: \(history)")
        let saved = try String(contentsOf: dir.appendingPathComponent("flow.push"), encoding: .utf8)
        #expect(saved.contains("key env(\"SPRINTO_API_KEY\")"), "\(saved)")
        #expect(saved.contains("key file \"acme.key\"") && saved.contains("key prompt"), "\(saved)")
        #expect(pty.count(of: "closed session") == 3, "\(pty.screen)")
        everything += [history, saved]

        everything.append(server.stop())
        for (i, text) in everything.enumerated() {
            #expect(!text.contains(Self.key), "output \(i) holds the key:\n\(text)")
        }
    }

    /// Every way of giving the key, through the runner: text, `--output json`
    /// and `-v` traces, errors that quote the line, a refused key.
    @Test func everyRouteThroughTheRunner() throws {
        let server = try Server()
        #expect(!server.base.isEmpty, "\(server.log)")
        defer { _ = server.process.isRunning ? server.stop() : "" }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-routes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let keyFile = dir.appendingPathComponent("acme.key")
        try (Self.key + "\n").write(to: keyFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile.path)
        let config = dir.appendingPathComponent("config.toml")
        try "[profiles.acme]\nbase_url = \"\(server.base)\"\nintegration = \"acme\"\nkey_command = \"cat \(keyFile.path)\"\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let env = Binary.environment(["PUSHSH_CONFIG": config.path, "ACME_KEY": Self.key])
        let url = "connect url \"\(server.base)\" integration \"acme\" key"
        let routes: [(String, String)] = [
            ("literal", "\(url) \"\(Self.key)\""),
            ("variable", "let k = \"\(Self.key)\"\n\(url) k"),
            ("interpolation", "let a = \"sk_live_4f9a\"\n\(url) \"${a}2b7c_DO_NOT_LEAK\""),
            ("env", "\(url) env(\"ACME_KEY\")"),
            ("file", "\(url) file \"\(keyFile.path)\""),
            ("profile", "connect profile acme"),
        ]
        var everything: [(String, String)] = []
        for (name, connect) in routes {
            let script =
                connect + """

                    let s = start
                    print "the key: \(Self.key)"
                    set on_error continue
                    expect "\(Self.key)" == "x" else "it was \(Self.key)"
                    close s discard
                    exit 0
                    """
            for mode in [["-v"], ["-v", "--output", "json"]] {
                let run = try Binary.run(mode + ["-c", script], environment: env)
                #expect(run.code == 0, "\(name) \(mode): \(run.output)")
                #expect(run.output.contains("[redacted]"), "\(name): \(run.output)")
                everything.append(("\(name) \(mode)", run.output))
            }
        }
        // An error that quotes the line the key was typed on.
        let quoted = try Binary.run(["-c", "connect url \"ftp://x\" integration \"acme\" key \"\(Self.key)\""], environment: env)
        #expect(quoted.code == 3 && quoted.output.contains("must start with http://"), "\(quoted.output)")
        everything.append(("quoted", quoted.output))
        everything.append(("server log", server.stop()))
        for (name, text) in everything {
            #expect(!text.contains(Self.key), "\(name) holds the key:\n\(text)")
        }
    }
}
