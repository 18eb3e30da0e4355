import BuiltInSandbox
import Foundation
import PushAPI
import PushSandbox
import PushScript
import PushSyntax
import Testing
import _PushTestSupport

/// The config file's profiles: parsing, checking, key sources, and `connect profile`.
@Suite struct ProfileTests {
    func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-profiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func book(_ text: String) throws -> ProfileBook {
        let dir = try folder()
        let path = dir.appendingPathComponent("config.toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try ProfileBook.load(environment: ["PUSHSH_CONFIG": path, "HOME": dir.path])
    }

    func failure(_ text: String) -> String {
        do {
            _ = try book(text)
            return "(no error)"
        } catch let error as ConfigurationError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func theDocumentedFileReads() throws {
        let book = try book(
            """
            default = "staging"

            [profiles.staging]
            region = "eu"
            integration = "int_staging"
            key_env = "SPRINTO_STAGING_KEY"

            [profiles.production]
            base_url = "https://eu.sprinto.com/api/external/push"
            integration = "int_production"
            key_command = "op read op://team/sprinto/production"
            proxy = "http://proxy.corp:3128"
            timeout = "45s"

            [profiles.local]
            base_url = "http://127.0.0.1:8080/api/external/push"
            integration = "demo"
            key_file = "~/local.key"
            timeout = 5
            """)
        #expect(book.defaultName == "staging")
        #expect(book.profiles.map(\.name) == ["local", "production", "staging"])
        let production = try book.profile(named: "production")
        #expect(production.target == "https://eu.sprinto.com/api/external/push")
        #expect(production.key == .command("op read op://team/sprinto/production"))
        #expect(production.key.description == "command op …")
        #expect(production.timeout == .seconds(45))
        // The profile's proxy is used for every target, NO_PROXY still honoured; the machine's CA variables stay.
        let network = production.network(environment: ["NO_PROXY": "localhost", "SSL_CERT_DIR": "/etc/ssl/certs"])
        let chosen = try network.proxies.proxy(for: try #require(Origin(url: production.target)))
        #expect(chosen?.address == "proxy.corp:3128")
        #expect(chosen?.source == "profile production proxy")
        #expect(try network.proxies.proxy(for: try #require(Origin(url: "http://localhost:8080/x"))) == nil)
        #expect(network.trust.directory == "/etc/ssl/certs")
        #expect(production.network(environment: [:]).trust.extraCAFile == nil)
        let local = try book.profile(named: "local")
        #expect(local.key == .file(book.path.replacingOccurrences(of: "/config.toml", with: "") + "/local.key"))
        #expect(local.timeout == .seconds(5))
        #expect(try book.profile(named: "staging").targetDescription == "eu")
    }

    @Test func mistakesAreNamedWithTheirPlace() {
        #expect(failure("[profiles.a\nregion = \"eu\"").contains("config.toml:1:"))
        #expect(failure("[profiles.a]\nintegation = \"x\"").contains("unknown setting 'integation' (did you mean 'integration'?)"))
        #expect(failure("[profiles.a]\nregion = \"mars\"\nintegration = \"x\"").contains("region must be us, in or eu"))
        #expect(failure("[profiles.a]\nregion = \"eu\"\nbase_url = \"https://x\"\nintegration = \"x\"").contains("not both"))
        #expect(
            failure("[profiles.a]\nintegration = \"x\"\nkey_env = \"A\"\nkey_file = \"f\"").contains(
                "give one of key_env, key_file, key_command"))
        #expect(failure("[profiles.a]\nregion = \"eu\"").contains("integration is missing"))
        #expect(failure("[profiles.a]\nintegration = \"x\"\nproxy = \"proxy.corp\"").contains("proxy must be http://HOST:PORT"))
        #expect(failure("[profiles.a]\nintegration = \"x\"\ntimeout = \"soon\"").contains("timeout must be a duration"))
        #expect(
            failure("[profiles.a]\nintegration = \"x\"\nca_file = \"/nonexistent/ca.pem\"").contains(
                "ca_file /nonexistent/ca.pem cannot be read"))
        #expect(failure("default = \"prod\"\n[profiles.a]\nintegration = \"x\"").contains("the default profile 'prod' is not defined"))
        #expect(failure("[profiles.sandbox]\nintegration = \"x\"").contains("not 'sandbox'"))
    }

    @Test func anUnknownProfileSuggestsTheNearestOne() throws {
        let book = try book("[profiles.staging]\nintegration = \"x\"\n[profiles.production]\nintegration = \"y\"")
        #expect(throws: ConfigurationError.self) { try book.profile(named: "stagin") }
        do { _ = try book.profile(named: "stagin") } catch {
            #expect(error.message.contains("did you mean 'staging'?"))
            #expect(error.message.contains("profiles: production, staging"))
        }
    }

    @Test func keysComeFromTheVariableTheFileOrTheCommand() throws {
        let dir = try folder()
        let keyFile = dir.appendingPathComponent("k.key").path
        try "sk_file_SECRET_1\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        let environment = ["TEAM_KEY": "sk_env_SECRET_1"]
        func profile(_ key: ProfileKey) -> Profile {
            Profile(name: "p", region: .eu, baseURL: nil, integrationID: "i", key: key, caFile: nil, proxy: nil, timeout: nil)
        }
        #expect(try profile(.environment("TEAM_KEY")).configuration(environment: environment).apiKey.revealed == "sk_env_SECRET_1")
        #expect(try profile(.file(keyFile)).configuration(environment: [:]).apiKey.revealed == "sk_file_SECRET_1")
        #expect(try profile(.command("printf 'sk_cmd_SECRET_1\\n'")).configuration(environment: [:]).apiKey.revealed == "sk_cmd_SECRET_1")

        func message(_ key: ProfileKey, _ env: [String: String] = [:]) -> String {
            do {
                _ = try profile(key).configuration(environment: env)
                return "(no error)"
            } catch { return error.message }
        }
        #expect(message(.environment("TEAM_KEY")).contains("reads its key from TEAM_KEY, which is not set"))
        #expect(message(.command("echo oops >&2; exit 3")).contains("failed with exit code 3"))
        #expect(message(.command("true")).contains("printed nothing"))
        #expect(message(.command("no-such-program-here read x")).contains("program no-such-program-here was not found"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile)
        let loose = message(.file(keyFile))
        #expect(loose.contains("can be read by others (mode 644); fix with: chmod 600"))
        #expect(!loose.contains("sk_file_SECRET_1"))
    }

    @Test func connectProfileReachesTheServiceAndHidesTheKey() async throws {
        let key = "sk_live_PROFILE_SECRET_9"
        let service = SandboxService(settings: SandboxSettings(), integrations: [SandboxIntegration(id: "acme", apiKey: key)])
        try await withLiveServer(service) { base in
            let dir = try folder()
            let config = dir.appendingPathComponent("config.toml").path
            try """
            [profiles.acme]
            base_url = "\(base)"
            integration = "acme"
            key_command = "printf '\(key)\\\\n'"
            timeout = "30s"
            """.write(toFile: config, atomically: true, encoding: .utf8)
            let run = await runScript(
                """
                connect profile acme
                let s = start
                print "key: ${s.id} \(key)"
                close s discard
                connect profile acmee
                """, environment: ["PUSHSH_CONFIG": config])
            #expect(run.stdout.contains("connected to profile acme: \(base) (integration acme)"), "\(run.output.combined)")
            #expect(run.stdout.contains("started session"))
            #expect(run.stdout.contains("[redacted]"))
            #expect(!run.output.combined.contains(key))
            #expect(run.stderr.contains("did you mean 'acme'?"), "\(run.stderr)")
            #expect(run.interpreter.connection.profile?.name == "acme")
            #expect(run.interpreter.connection.label == "acme")
        }
    }

    @Test func relativePathsAreTakenFromTheConfigFilesFolder() throws {
        let book = try book("[profiles.a]\nintegration = \"x\"\nkey_file = \"keys/a.key\"")
        let folder = (book.path as NSString).deletingLastPathComponent
        #expect(try book.profile(named: "a").key == .file(folder + "/keys/a.key"))
    }

    @Test func aKeyFileOthersCanReadGetsAWarning() async throws {
        let dir = try folder()
        let file = dir.appendingPathComponent("open.key").path
        try "sk_live_OPEN_FILE_KEY\n".write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        let run = await runScript("connect url \"http://127.0.0.1:1/api/external/push\" integration \"acme\" key file \"\(file)\"")
        #expect(run.code == 0)
        #expect(run.stderr.contains("can be read by others (mode 644); fix with: chmod 600"), "\(run.stderr)")
        #expect(!run.output.combined.contains("sk_live_OPEN_FILE_KEY"))
    }

    @Test func anUnsetKeyVariableIsNamed() async {
        let run = await runScript("connect url \"http://127.0.0.1:1/api/external/push\" integration \"acme\" key env(\"SPRINTO_API_KEY\")")
        #expect(run.code == 3)
        #expect(run.stderr.contains("SPRINTO_API_KEY is not set: the API key is read from env(\"SPRINTO_API_KEY\")"), "\(run.stderr)")
        #expect(run.stderr.contains("export SPRINTO_API_KEY="))
    }

    @Test func aKeyStaysASecretAfterTheNextConnect() async {
        let key = "sk_live_EARLIER_KEY_77"
        let run = await runScript(
            """
            let k = "\(key)"
            connect url "http://127.0.0.1:1/api/external/push" integration "acme" key k
            connect sandbox
            print k
            expect k == "x" else "k is ${k}"
            """)
        #expect(!run.output.combined.contains(key), "\(run.output.combined)")
        #expect(run.stdout.contains("[redacted]"))
        #expect(run.stderr.contains("k is [redacted]"))
        #expect(run.interpreter.keyVariables == ["k"])
    }

    /// On a terminal 50 columns wide no re-flowed line reaches column 50:
    /// the last column is left free (a line that fills it reads as one over).
    @Test func helpOnATerminalLeavesTheLastColumnFree() async {
        let captured = CapturedOutput()
        let interpreter = Interpreter(connection: frozenSandbox(), output: captured, environment: [:], sandboxes: .builtIn)
        interpreter.terminalWidth = 50
        #expect(await interpreter.run(SourceFile(name: "-c", text: "help connect")) == 0)
        let lines = captured.standard.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "connect: choose the service: the built-in", "\(lines.prefix(3))")
        // Prose is re-flowed; indented syntax and examples are kept as written.
        for line in lines where line.first != " " {
            #expect(line.count <= 49, "\(line.count) columns: \(line)")
        }
        #expect(TextFlow.lineWidth(forTerminalColumns: 80) == 79)
    }

    @Test func aListingWrapsOnlyItsTextUnderItself() {
        let lines = TextFlow.hanging("1. lifecycle    done  ", "The session lifecycle: start, push, close and wait", width: 49)
        #expect(lines == ["1. lifecycle    done  The session lifecycle:", "                      start, push, close and wait"])
    }

    @Test func helpIsReflowedToTheWidth() {
        let text = "one two three four five six seven eight nine ten eleven twelve\nthirteen fourteen\n\n  kept   as   written\nShort."
        #expect(
            TextFlow.reflow(text, width: 30)
                == "one two three four five six\nseven eight nine ten eleven\ntwelve thirteen fourteen\n\n  kept   as   written\nShort.")
    }
}
