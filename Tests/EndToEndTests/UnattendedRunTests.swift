import Foundation
import PushAPI
import Testing

/// Runs nobody watches: a machine reading `--output json`, a cron log, a CI
/// suite that must never reach a real service, a sandbox server whose key
/// must stay out of `ps`.
@Suite(.serialized) struct UnattendedRunTests {
    /// Each line of `text` read as a JSON object; an issue for a line that is not one.
    func objects(_ text: String) -> [JSONValue] {
        text.split(separator: "\n").compactMap { line in
            guard let value = try? JSONValue(parsing: String(line)), case .object = value else {
                Issue.record("not a JSON object: \(line)")
                return nil
            }
            return value
        }
    }

    // MARK: --output json: failures as JSON

    @Test func jsonOutputReportsACheckErrorAsAnObjectOnStderr() throws {
        let run = try Binary.runSeparately(["--output", "json", "-c", "print x"])
        #expect(run.code == 2, "\(run)")
        #expect(run.out.isEmpty, "nothing ran, so no result: \(run.out)")
        let errors = objects(run.err)
        #expect(errors.count == 1, "\(run.err)")
        let error = try #require(errors.first)
        #expect(error["error"]?.stringValue?.contains("'x'") == true, "\(run.err)")
        #expect(error["location"]?.stringValue == "-c:1:7", "\(run.err)")
        #expect(error["exit_code"] == .int(2), "\(run.err)")
        #expect(!run.err.contains("^"), "no caret line in JSON: \(run.err)")
    }

    @Test func jsonOutputReportsARuntimeFailureWithItsFieldsAndKeepsResultsOnStdout() throws {
        let script = "let s = start\nlet t = start"
        let run = try Binary.runSeparately(["--output", "json", "-c", script])
        #expect(run.code == 6, "\(run)")
        // The success stream is as it was: the first start's result.
        let results = objects(run.out)
        #expect(results.count == 1 && results.first?["command"]?.stringValue == "start", "\(run.out)")
        // The 409 as an object: message, place, details, hint, exit code.
        let failure = try #require(objects(run.err.split(separator: "\n").filter { $0.hasPrefix("{") }.joined(separator: "\n")).first)
        #expect(failure["error"]?.stringValue?.isEmpty == false, "\(run.err)")
        #expect(failure["location"]?.stringValue == "-c:2:9", "\(run.err)")
        #expect(failure["hint"]?.stringValue?.isEmpty == false, "\(run.err)")
        #expect(failure["exit_code"] == .int(6), "\(run.err)")
        #expect(!run.err.contains("error: "), "no text error: \(run.err)")

        let expectation = try Binary.runSeparately(["--output", "json", "-c", "expect 1 == 2 else \"numbers broke\""])
        #expect(expectation.code == 4)
        let object = try #require(objects(expectation.err).first)
        #expect(object["error"]?.stringValue == "numbers broke", "\(expectation.err)")
        #expect(object["exit_code"] == .int(4), "\(expectation.err)")
        // A huge message is clipped as in the text, not copied whole into the object.
        let huge = String(repeating: "x", count: 5000)
        let clipped = try Binary.runSeparately(["--output", "json", "-c", "expect 1 == 2 else \"\(huge)\""])
        let message = try #require(objects(clipped.err).first?["error"]?.stringValue)
        #expect(message.count < 400 && message.hasSuffix("…"), "\(message.count)")
        // Text stays text.
        let text = try Binary.runSeparately(["-c", "print x"])
        #expect(text.err.contains("-c:1:7: error:") && !text.err.contains("{\""), "\(text.err)")
    }

    // MARK: --summary and --timestamps

    static let timestamp = #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#
    static let timestampedPrefix = "pushsh: \(timestamp) "

    @Test func summaryEndsARunWithTimeOutcomeAndCounts() throws {
        let record =
            #"{"employeeId": "E1", "firstName": "Ada", "lastName": "Lovelace", "workEmail": "ada@example.com", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z"}"#
        let script = "let s = start\npush s User [\(record), \(record.replacingOccurrences(of: "E1", with: "E2"))]\nclose s apply"
        let ok = try Binary.runSeparately(["--summary", "-c", script])
        #expect(ok.code == 0, "\(ok)")
        let last = try #require(ok.err.split(separator: "\n").last.map(String.init))
        let pattern =
            "^pushsh: \(Self.timestamp) -c: exit 0 \\(ok\\) after \\d+\\.\\d{3}s; 1 session started; 2 records sent: 2 accepted, 0 rejected$"
        #expect(last.range(of: pattern, options: .regularExpression) != nil, "\(ok.err)")
        #expect(!ok.out.contains("pushsh: "), "the summary is on stderr only: \(ok.out)")

        let failed = try Binary.runSeparately(["--summary", "-c", "expect 1 == 2"])
        #expect(failed.code == 4)
        let failedPattern = "\n\(Self.timestampedPrefix)-c: exit 4 \\(expect failed\\) after \\d+\\.\\d{3}s; "
        #expect(failed.err.range(of: failedPattern, options: .regularExpression) != nil, "\(failed.err)")
        #expect(failed.err.contains("0 sessions started; 0 records sent: 0 accepted, 0 rejected\n"), "\(failed.err)")

        let json = try Binary.runSeparately(["--summary", "--output", "json", "-c", script])
        let summary = try #require(objects(json.err).last)
        #expect(summary["summary"]?.stringValue == "-c", "\(json.err)")
        #expect(summary["exit_code"] == .int(0) && summary["outcome"]?.stringValue == "ok", "\(json.err)")
        #expect(summary["records_sent"] == .int(2) && summary["records_accepted"] == .int(2), "\(json.err)")
        #expect(summary["records_rejected"] == .int(0) && summary["sessions_started"] == .int(1), "\(json.err)")
        #expect(summary["ended_at"]?.stringValue?.range(of: "^\(Self.timestamp)$", options: .regularExpression) != nil)

        // A run that ends before its script begins still ends with the line.
        let missing = try Binary.runSeparately(["--summary", "no-such-script.push"])
        #expect(missing.code == 1, "\(missing)")
        let missingPattern = "\n\(Self.timestampedPrefix)no-such-script.push: exit 1 \\(usage\\) after "
        #expect(("\n" + missing.err).range(of: missingPattern, options: .regularExpression) != nil, "\(missing.err)")

        // Off by default: what people and goldens compare does not change.
        let plain = try Binary.runSeparately(["-c", script])
        #expect(!plain.err.contains("session started"), "\(plain.err)")
    }

    @Test func timestampsGoInFrontOfEveryErrorLineAndNoResult() throws {
        let run = try Binary.runSeparately(["--timestamps", "-c", "let s = start\nexpect 1 == 2 else \"numbers broke\""])
        #expect(run.code == 4)
        let lines = run.err.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count >= 3, "\(run.err)")
        for line in lines {
            #expect(line.range(of: "^\(Self.timestamp) ", options: .regularExpression) != nil, "line without a time: \(line)")
        }
        #expect(run.err.contains("error: numbers broke"), "\(run.err)")
        #expect(run.out.hasPrefix("started session"), "results stay as they are: \(run.out)")
    }

    // MARK: pushsh test --sandbox-only

    func script(_ text: String, in dir: URL, named name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func sandboxOnlyRefusesEveryTargetButTheSandbox() throws {
        let server = try SecretsTests.Server()
        defer { _ = server.process.isRunning ? server.stop() : "" }
        #expect(!server.base.isEmpty, "\(server.log)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-sandbox-only-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let connects = try script(
            "connect url \"\(server.base)\" integration \"acme\" key env(\"SERVER_KEY\")\nlet s = start\nclose s discard\n", in: dir,
            named: "url.push")
        let profile = try script("connect profile production\nlet s = start\n", in: dir, named: "profile.push")
        let sandbox = try script("connect sandbox\nlet s = start\nclose s discard\n", in: dir, named: "sandbox.push")
        let env = Binary.environment(["SERVER_KEY": SecretsTests.key])

        let refused = try Binary.run(["test", "--sandbox-only", connects, profile, sandbox], environment: env)
        #expect(refused.code == 1, "\(refused.output)")
        #expect(refused.output.contains("FAIL  \(connects)"), "\(refused.output)")
        #expect(
            refused.output.contains("url.push:1:1: connect a URL: --sandbox-only allows the built-in sandbox only"), "\(refused.output)")
        #expect(refused.output.contains("connect profile production: --sandbox-only allows"), "\(refused.output)")
        #expect(refused.output.contains("ok    \(sandbox)"), "\(refused.output)")
        // Nothing reached the server.
        let log = server.stop()
        #expect(!log.contains("POST"), "\(log)")

        // A service named by the environment: nothing runs at all.
        var service = env
        service["SPRINTO_BASE_URL"] = "http://127.0.0.1:1/api/external/push"
        service["SPRINTO_INTEGRATION_ID"] = "acme"
        service["SPRINTO_API_KEY"] = SecretsTests.key
        let environment = try Binary.run(["test", "--sandbox-only", sandbox], environment: service)
        #expect(environment.code == 1, "\(environment.output)")
        #expect(environment.output.contains("--sandbox-only, but SPRINTO_API_KEY and SPRINTO_INTEGRATION_ID name a service"))
        #expect(!environment.output.contains("ok    ") && !environment.output.contains("FAIL"), "\(environment.output)")
        #expect(!environment.output.contains(SecretsTests.key))
    }

    // MARK: pushsh serve: the key kept out of ps

    /// The command line of a running process as `ps` shows it.
    func commandLine(of process: Process) -> String {
        let data = FileManager.default.contents(atPath: "/proc/\(process.processIdentifier)/cmdline") ?? Data()
        return String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    @Test func serveReadsItsKeyFromAFileOrTheEnvironmentAndNeverShowsIt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-serve-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let keyFile = dir.appendingPathComponent("sandbox.key")
        try (SecretsTests.key + "\n").write(to: keyFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile.path)

        for (arguments, environment, source) in [
            (["--api-key-file", keyFile.path], [:], "--api-key-file \(keyFile.path)"),
            ([], ["PUSHSH_SERVE_API_KEY": SecretsTests.key], "PUSHSH_SERVE_API_KEY"),
        ] as [([String], [String: String], String)] {
            let server = try SecretsTests.Server(keyArguments: arguments, environment: environment)
            defer { _ = server.process.isRunning ? server.stop() : "" }
            #expect(!server.base.isEmpty, "\(server.log)")
            #expect(!commandLine(of: server.process).contains(SecretsTests.key), "ps shows the key")
            // The served key is the one given: it is accepted, another is refused.
            let client = Binary.environment([
                "SPRINTO_BASE_URL": server.base, "SPRINTO_INTEGRATION_ID": "acme", "SPRINTO_API_KEY": SecretsTests.key,
            ])
            let accepted = try Binary.run(["-c", "let s = start\nclose s discard"], environment: client)
            #expect(accepted.code == 0, "\(source): \(accepted.output)")
            var wrong = client
            wrong["SPRINTO_API_KEY"] = "sk_sandbox_someone_else"
            #expect(try Binary.run(["-c", "let s = start"], environment: wrong).code == 6)
            // The whole log (the banner's lines may come after the first read).
            let log = server.stop()
            #expect(log.contains("api key:        (the one from \(source))"), "\(log)")
            #expect(!log.contains(SecretsTests.key), "the log shows the key")
        }

        // A key file others can read is refused, as a profile's is; so is a missing one, and two sources at once.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile.path)
        let open = try Binary.run(["serve", "--port", "0", "--api-key-file", keyFile.path])
        #expect(open.code == 1 && open.output.contains("can be read by others (mode 644); fix with: chmod 600"), "\(open.output)")
        #expect(!open.output.contains(SecretsTests.key))
        let missing = try Binary.run(["serve", "--port", "0", "--api-key-file", dir.appendingPathComponent("nope.key").path])
        #expect(missing.code == 1 && missing.output.contains("--api-key-file: the key file") && missing.output.contains("does not exist"))
        let both = try Binary.run(["serve", "--port", "0", "--api-key", "k_1234567", "--api-key-file", keyFile.path])
        #expect(both.code == 1 && both.output.contains("give --api-key or --api-key-file, not both"), "\(both.output)")
    }
}
