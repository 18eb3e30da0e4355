import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The issue's "done means": three integrations in a config file, switched
/// between at the prompt, some work, `save` into another folder, replayed
/// there; and no file or stream ever holds a key, whichever way it was given.
@Suite(.serialized) struct ProfilesAndSaveTests {
    static let stagingKey = "sk_live_STAGING_7f3a9c_NEVER"
    static let productionKey = "sk_live_PRODUCTION_2b8e_NEVER"

    func folder(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func threeIntegrationsSwitchWorkSaveElsewhereAndReplay() throws {
        let staging = try SecretsTests.Server(key: Self.stagingKey, integration: "acme-staging")
        let production = try SecretsTests.Server(key: Self.productionKey, integration: "acme-production")
        #expect(!staging.base.isEmpty && !production.base.isEmpty)
        let home = try folder("home")
        let work = home.appendingPathComponent("work")
        let jobs = home.appendingPathComponent("jobs")
        for dir in [work, jobs, work.appendingPathComponent("data")] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        try
            #"{"employeeId": "E1", "firstName": "Ada", "lastName": "Lovelace", "workEmail": "ada@example.com", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z"}"#
            .appending("\n").write(to: work.appendingPathComponent("data/users.jsonl"), atomically: true, encoding: .utf8)
        let keyFile = home.appendingPathComponent("production.key").path
        try (Self.productionKey + "\n").write(toFile: keyFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        let config = home.appendingPathComponent("config.toml").path
        try """
        default = "staging"

        [profiles.staging]
        base_url = "\(staging.base)"
        integration = "acme-staging"
        key_env = "STAGING_KEY"

        [profiles.production]
        base_url = "\(production.base)"
        integration = "acme-production"
        key_file = "\(keyFile)"

        [profiles.vault]
        base_url = "\(staging.base)"
        integration = "acme-staging"
        key_command = "printf '%s\\\\n' \\"$STAGING_KEY\\""
        """.write(toFile: config, atomically: true, encoding: .utf8)
        var env = Binary.environment(["PUSHSH_CONFIG": config, "STAGING_KEY": Self.stagingKey])
        env["PUSHSH_HISTORY"] = home.appendingPathComponent("history").path
        var everything: [(String, String)] = []

        // `pushsh profiles` lists all three, never a key.
        let listed = try Binary.run(["profiles"], environment: env)
        #expect(listed.code == 0)
        #expect(listed.output.contains("staging (default)") && listed.output.contains("key from env STAGING_KEY"), "\(listed.output)")
        #expect(listed.output.contains("key from command printf …") && listed.output.contains("key from file \(keyFile)"))
        everything.append(("profiles", listed.output))

        let pty = try PseudoTerminal(environment: env, directory: work)
        #expect(pty.expect("staging> "), "\(pty.state)")  // the default profile, in the prompt
        #expect(pty.screen.contains("on profile staging: \(staging.base)"))
        pty.typeAndWaitForPrompt("let s = start\r")
        pty.typeAndWaitForPrompt("push s User from \"data/users.jsonl\"\r")
        pty.typeAndWaitForPrompt("close s discard\r")
        pty.type("connect profile prod\t")  // Tab completes the profile's name
        #expect(pty.expect("connect profile production"), "\(pty.state)")
        pty.typeAndWaitForPrompt("\r")
        #expect(pty.expect("production> "), "\(pty.state)")
        pty.typeAndWaitForPrompt("let t = start\r")
        pty.typeAndWaitForPrompt("close t discard\r")
        pty.typeAndWaitForPrompt("connect profile vault\r")
        pty.typeAndWaitForPrompt("let v = start\r")
        pty.typeAndWaitForPrompt("close v discard\r")
        // A key through a variable, then used.
        pty.typeAndWaitForPrompt("let k = \"\(Self.stagingKey)\"\r")
        pty.typeAndWaitForPrompt("connect url \"\(staging.base)\" integration \"acme-staging\" key k\r")
        pty.typeAndWaitForPrompt("let u = start\r")
        pty.typeAndWaitForPrompt("print k\r")
        pty.typeAndWaitForPrompt("close u discard\r")
        pty.typeAndWaitForPrompt("save \"../jobs/flow.push\"\r")
        #expect(pty.screen.contains("saved "), "\(pty.state)")
        pty.type("exit\r")
        #expect(pty.waitForExit() == 0, "\(pty.state)")
        // The terminal echoes what was typed; the one line typed with the key is left out.
        everything.append(("screen", pty.screen.split(separator: "\n").filter { !$0.contains("let k =") }.joined(separator: "\n")))
        #expect(pty.screen.contains("[redacted]"))

        let saved = try String(contentsOf: jobs.appendingPathComponent("flow.push"), encoding: .utf8)
        #expect(saved.contains("connect profile staging\nlet s = start\npush s User from \"../work/data/users.jsonl\""), "\(saved)")
        #expect(saved.contains("connect profile production") && saved.contains("connect profile vault"))
        #expect(saved.contains("key env(\"SPRINTO_API_KEY\")"))
        everything.append(("saved", saved))
        everything.append(("history", try String(contentsOfFile: env["PUSHSH_HISTORY"]!, encoding: .utf8)))

        // Replayed from a third folder, by its path, with the key it names set.
        let elsewhere = try folder("elsewhere")
        var replayEnv = env
        replayEnv["SPRINTO_API_KEY"] = Self.stagingKey
        let replay = try Binary.run(["-v", jobs.appendingPathComponent("flow.push").path], environment: replayEnv, directory: elsewhere)
        #expect(replay.code == 0, "\(replay.output)\n---\n\(saved)")
        #expect(replay.output.contains("pushed 1 User record"))
        everything.append(("replay", replay.output))
        // Without the variable: a clear error naming it, nothing half-pushed before.
        var unset = env
        unset["STAGING_KEY"] = nil
        let missing = try Binary.run([jobs.appendingPathComponent("flow.push").path], environment: unset, directory: elsewhere)
        #expect(missing.code != 0)
        #expect(missing.output.contains("STAGING_KEY, which is not set"), "\(missing.output)")
        everything.append(("missing", missing.output))

        everything.append(("staging log", staging.stop()))
        everything.append(("production log", production.stop()))
        for (name, text) in everything {
            for key in [Self.stagingKey, Self.productionKey] {
                #expect(!text.contains(key), "\(name) holds a key:\n\(text)")
            }
        }
    }

    @Test func theEnvironmentWinsOverTheDefaultAndAScriptThatConnectsStartsOnTheSandbox() throws {
        let server = try SecretsTests.Server()
        defer { _ = server.stop() }
        let home = try folder("order")
        let config = home.appendingPathComponent("config.toml").path
        try
            "default = \"nowhere\"\n[profiles.nowhere]\nbase_url = \"http://127.0.0.1:1/api/external/push\"\nintegration = \"x\"\nkey_env = \"NOPE\"\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let credentials = [
            "PUSHSH_CONFIG": config, "SPRINTO_BASE_URL": server.base, "SPRINTO_INTEGRATION_ID": "acme", "SPRINTO_API_KEY": SecretsTests.key,
        ]
        // SPRINTO_* win over the file's default profile.
        let viaEnvironment = try Binary.run(["-c", "let s = start\nclose s discard"], environment: Binary.environment(credentials))
        #expect(viaEnvironment.code == 0, "\(viaEnvironment.output)")
        // The default profile applies when they are not set (and its key variable is named).
        let viaDefault = try Binary.run(["-c", "print 1"], environment: Binary.environment(["PUSHSH_CONFIG": config]))
        #expect(viaDefault.code == 1)
        #expect(viaDefault.output.contains("profile 'nowhere' reads its key from NOPE, which is not set"), "\(viaDefault.output)")
        // A script with its own connect: what comes before it runs on the built-in sandbox.
        let script = """
            sandbox advance 1s
            let before = start
            connect url env("SPRINTO_BASE_URL") integration "acme" key env("SPRINTO_API_KEY")
            let s = start
            close s discard
            """
        let own = try Binary.run(["-c", script], environment: Binary.environment(credentials))
        #expect(own.code == 0, "\(own.output)")
        // Only SPRINTO_API_KEY set: no usage error, since the script connects itself.
        var onlyKey = credentials
        onlyKey["SPRINTO_INTEGRATION_ID"] = nil
        let keyOnly = try Binary.run(["-c", script], environment: Binary.environment(onlyKey))
        #expect(keyOnly.code == 0, "\(keyOnly.output)")
        let log = server.stop()
        #expect(log.components(separatedBy: "POST /api/external/push/v1/integrations/acme/sessions ").count - 1 == 3, "\(log)")
        // --profile and PUSHSH_PROFILE name a profile that is not there: a usage error saying so.
        let unknown = try Binary.run(["--profile", "nowher", "-c", "print 1"], environment: Binary.environment(["PUSHSH_CONFIG": config]))
        #expect(unknown.code == 1)
        #expect(unknown.output.contains("did you mean 'nowhere'?"), "\(unknown.output)")
        let viaVariable = try Binary.run(
            ["-c", "print 1"], environment: Binary.environment(["PUSHSH_CONFIG": config, "PUSHSH_PROFILE": "other"]))
        #expect(viaVariable.output.contains("PUSHSH_PROFILE: there is no profile 'other'"), "\(viaVariable.output)")
    }

    @Test func keyPromptAsksOnTheTerminalWhenAScriptRuns() throws {
        let server = try SecretsTests.Server()
        defer { _ = server.stop() }
        let dir = try folder("prompt")
        let script = dir.appendingPathComponent("prompted.push")
        try "connect url \"\(server.base)\" integration \"acme\" key prompt\nlet s = start\nclose s discard\nprint \"done\"\n"
            .write(to: script, atomically: true, encoding: .utf8)
        let pty = try PseudoTerminal(arguments: [script.path], environment: Binary.environment(), directory: dir)
        #expect(pty.expect("API key: "), "\(pty.state)")
        pty.type(SecretsTests.key + "\r")
        #expect(pty.expect("done"), "\(pty.state)")
        #expect(pty.waitForExit() == 0, "\(pty.state)")
        #expect(!pty.screen.contains(SecretsTests.key), "the key was echoed: \(pty.screen)")
        // With no terminal at all (a new session has none, as under cron), the error says what to use instead.
        let cron = try Binary.run([script.path], environment: Binary.environment(), withoutTerminal: true)
        #expect(cron.code == 3)
        #expect(
            cron.output.contains("key prompt needs a terminal") && cron.output.contains("key env(\"SPRINTO_API_KEY\")"), "\(cron.output)")
    }
}
