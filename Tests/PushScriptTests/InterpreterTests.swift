import BuiltInSandbox
import Foundation
import HTTPConnections
import PushAPI
import PushSandbox
import PushScript
import PushSyntax
import Testing
import _PushTestSupport

@Suite struct InterpreterTests {
    @Test func theWholeFlowRunsAndRefreshesTheSession() async {
        let run = await runScript(
            """
            let s = start ref "nightly-${today()}"
            expect s.state == "active"
            let r = push s User [\(adaRecord)]
            expect r.accepted == 1 and r.pages == 1 and r.rejected == 0
            expect s.accepted_records_total == 1
            close s apply
            expect s.state == "processing"
            wait s until processed timeout 1m
            expect s.state == "processed" and s.accepted_batches == 1
            print "done: ${s.accepted_records_total} records, state ${s.state}"
            """)
        #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
        #expect(run.stdout.contains("done: 1 records, state processed"))
        #expect(run.stdout.contains("processing → processed"))
    }

    @Test func valuesAndExpressions() async {
        let run = await runScript(
            """
            let xs = [1, 2.5, "three", true, null, {"a": {"b": [10, 20]}}]
            expect len(xs) == 6
            expect xs[5].a.b[1] == 20 and xs[-1].a.b[0] == 10
            expect xs[0] < xs[1] and "abc" < "abd" and 30s < 1m
            expect not (1 == 2) and (null or "fallback") == "fallback"
            expect {"x": 1, "y": 2} == {"y": 2, "x": 1.0}
            expect keys({"b": 1, "a": 2}) == ["b", "a"]
            expect json("{\\"k\\": [1]}").k[0] == 1
            expect number("42") == 42 and string(42) == "42"
            expect env("HOME_FOR_TEST") == "/home/ada" and env("NOPE", "dflt") == "dflt" and env("NOPE") == null
            let n = 0
            for x in [1, 2, 3]
              if x == 2
                let n = x
              else if x == 3
                print "three"
              else
                print "other ${x}"
              end
            end
            expect n == 2
            print "json: ${xs[5]}"
            """, environment: ["HOME_FOR_TEST": "/home/ada"])
        #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
        #expect(run.stdout == "other 1\nthree\njson: {\"a\":{\"b\":[10,20]}}\n")
    }

    @Test func expectFailureNamesThePlaceAndBothSides() async {
        let run = await runScript("let s = start\nexpect s.accepted_records_total == 121 else \"some rows were not accepted\"\n")
        #expect(run.code == ExitCode.expectFailed.rawValue)
        #expect(run.stderr.contains("test.push:2:8: error: some rows were not accepted"))
        #expect(run.stderr.contains("  left:  0\n  right: 121"))
        #expect(run.stderr.contains("    |        " + String(repeating: "^", count: "s.accepted_records_total == 121".count) + "\n"))
    }

    @Test func runtimeErrorsSuggestNames() async {
        // Found by the check before the run (exit 2), nothing sent...
        let run = await runScript("let session = start\nstatus sesion\n")
        #expect(run.code == ExitCode.parse.rawValue)
        #expect(run.stderr.contains("test.push:2:8: error: undefined variable 'sesion'"))
        #expect(run.stderr.contains("hint: did you mean 'session'?"))
        #expect(!run.stdout.contains("started session"))
        // ...and in the same words at run time, for a name only an untaken branch defines.
        let late = await runScript("let session = start\nif false\n  let sesion2 = 1\nend\nstatus sesion2\n")
        #expect(late.code == ExitCode.runtime.rawValue)
        #expect(late.stderr.contains("test.push:5:8: error: undefined variable 'sesion2'"))
        let field = await runScript("let s = start\nprint s.stat\n")
        #expect(field.stderr.contains("test.push:2:9: error: no field 'stat' in a session"))
        #expect(field.stderr.contains("did you mean 'state'?"))
    }

    @Test func parseErrorsExitTwoAndRunNothing() async {
        let run = await runScript("let s = start\nclose s finish\n")
        #expect(run.code == ExitCode.parse.rawValue)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("test.push:2:9: error:"))
    }

    @Test func apiRefusalsExitSixWithStatusAndHint() async {
        let run = await runScript("let s = start\nlet t = start\n")
        #expect(run.code == ExitCode.refused.rawValue)
        #expect(run.stderr.contains("test.push:2:9: error: start failed"))
        #expect(run.stderr.contains("409 Conflict (session_already_active)"))
        // The hint gives the line that ends the session in the way (issue 21: the 409 text was said three times).
        #expect(run.stderr.contains("hint: 'close \"ses_910a2dec89025cc1\" discard' ends it"))
    }

    @Test func onErrorContinueReportsAndGoesOnThenExitsWithTheFirstFailure() async {
        let run = await runScript(
            """
            set on_error continue
            expect 1 == 2
            status "ses_nope"
            print "still here"
            """)
        #expect(run.stdout.contains("still here"))
        #expect(run.stderr.contains("test.push:2:8: error: expectation failed"))
        #expect(run.stderr.contains("404 Not Found"))
        #expect(run.code == ExitCode.expectFailed.rawValue)
        let recovered = await runScript("set on_error continue\nexpect false\nexit 0\n")
        #expect(recovered.code == ExitCode.ok.rawValue)
    }

    @Test func waitFailsAtOnceWhenTheTargetBecomesUnreachable() async {
        let run = await runScript("let s = start\nclose s discard\nwait s until processed timeout 1h\n")
        #expect(run.code == ExitCode.waitFailed.rawValue)
        #expect(run.stderr.contains("is cancelled and can no longer become processed"))
        let failed = await runScript("sandbox fail next 2\nlet s = start\nclose s apply\nwait s until processed\n")
        // Failed processing has its own code (issue 22): cron tells "will not apply" from "still processing".
        #expect(failed.code == ExitCode.processingFailed.rawValue)
        #expect(failed.stderr.contains("last error: processing attempt 2 failed"))
    }

    @Test func waitTimesOutWithItsOwnExitCode() async {
        let run = await runScript("sandbox processing 10m\nlet s = start\nclose s apply\nwait s until processed timeout 30s\n")
        #expect(run.code == ExitCode.waitFailed.rawValue)
        #expect(run.stderr.contains("timed out after 30s waiting for"))
        #expect(run.stderr.contains("it is processing"))
    }

    @Test func waitForExpiryDoesNotKeepTheSessionAlive() async {
        let run = await runScript("let s = start\nwait s until expired timeout 2h\nexpect s.state == \"expired\"\n")
        #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
        #expect(run.stdout.contains("active → expired (1h"))
    }

    @Test func sandboxCommandsNeedTheSandbox() async throws {
        let connection = try Connection.remote(
            PushConfiguration(baseURL: "http://127.0.0.1:1/api/external/push", integrationID: "x", apiKey: APIKey("k")),
            label: "127.0.0.1:1", transports: .http)
        let run = await runScript("sandbox advance 1h\n", connection: connection)
        #expect(run.code == ExitCode.runtime.rawValue)
        #expect(run.stderr.contains("sandbox commands work only on the built-in sandbox"))
        await connection.client.transport.shutdown()
    }

    /// An embedder that links no network transport gets an error at the
    /// `connect`, and stays on the connection it had; it never crashes.
    @Test func connectingToAServiceNeedsATransport() async {
        let captured = CapturedOutput()
        let interpreter = Interpreter(connection: frozenSandbox(), output: captured, environment: [:], sandboxes: .builtIn)
        let code = await interpreter.run(
            SourceFile(name: "t.push", text: "connect url \"http://127.0.0.1:1/api/external/push\" integration \"acme\" key \"k\"\n"))
        #expect(code == ExitCode.runtime.rawValue)
        #expect(captured.errors.contains("t.push:1:1"), "\(captured.errors)")
        #expect(captured.errors.contains("built without a network transport"), "\(captured.errors)")
        #expect(interpreter.connection.label == "sandbox")
    }

    @Test func includeRunsRelativeToTheIncludingFile() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-include-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("lib"), withIntermediateDirectories: true)
        try "let greeting = \"hello from lib\"\ninclude \"inner.push\"\n".write(
            to: dir.appendingPathComponent("lib/setup.push"), atomically: true, encoding: .utf8)
        try "let inner = 42\n".write(to: dir.appendingPathComponent("lib/inner.push"), atomically: true, encoding: .utf8)
        try "include \"setup.push\"\n".write(to: dir.appendingPathComponent("lib/loop.push"), atomically: true, encoding: .utf8)
        let main = dir.appendingPathComponent("main.push").path
        let run = await runScript("include \"lib/setup.push\"\nprint greeting inner\n", name: main)
        #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
        #expect(run.stdout == "hello from lib 42\n")
        let missing = await runScript("include \"lib/nope.push\"\n", name: main)
        #expect(missing.code == ExitCode.parse.rawValue)
        #expect(missing.stderr.contains("cannot include \"lib/nope.push\": the file does not exist or cannot be read"))
        try "include \"loop.push\"\n".write(to: dir.appendingPathComponent("lib/setup2.push"), atomically: true, encoding: .utf8)
        try "include \"setup2.push\"\n".write(to: dir.appendingPathComponent("lib/loop.push"), atomically: true, encoding: .utf8)
        let cycle = await runScript("include \"lib/loop.push\"\n", name: main)
        #expect(cycle.code == ExitCode.parse.rawValue)
        #expect(cycle.stderr.contains("include cycle:"))
    }

    @Test func jsonOutputIsOneObjectPerResult() async throws {
        let run = await runScript(
            "let s = start\npush s User [\(adaRecord)]\nclose s apply\nwait s until processed\nprint \"ok\"\n", output: .json)
        #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        let commands = try lines.map { try JSONValue(parsing: String($0))["command"]?.stringValue ?? "" }
        #expect(commands == ["start", "push", "close", "wait", "print"])
        #expect(try JSONValue(parsing: String(lines[1]))["accepted"] == 1)
    }

    @Test func verboseTracesRedactTheKey() async throws {
        let sandbox = SandboxService(
            settings: SandboxSettings(processingTime: .milliseconds(50), seed: 3),
            integrations: [SandboxIntegration(id: "acme", apiKey: "sk_live_TOPSECRET")])
        try await withLiveServer(sandbox) { base in
            let connection = try Connection.remote(
                PushConfiguration(baseURL: base, integrationID: "acme", apiKey: APIKey("sk_live_TOPSECRET")), label: "local",
                transports: .http)
            let run = await runScript("let s = start\nstatus s\nprint s\n", connection: connection, verbose: true)
            #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
            #expect(run.stderr.contains("> POST \(base)/v1/integrations/acme/sessions"), "-v shows the full URL")
            #expect(run.stderr.contains("> api-key: [redacted]"))
            #expect(run.stderr.contains("< 201 Created"))
            #expect(!run.output.combined.contains("TOPSECRET"))
            await connection.client.transport.shutdown()
        }
    }

    /// The same flow against `pushsh serve` over HTTP (real waits, short processing).
    @Test func everyCommandWorksOverHTTP() async throws {
        let sandbox = SandboxService(
            settings: SandboxSettings(processingTime: .milliseconds(100), seed: 3),
            integrations: [SandboxIntegration(id: "acme", apiKey: "key-acme")])
        try await withLiveServer(sandbox) { base in
            let connection = try Connection.remote(
                PushConfiguration(baseURL: base, integrationID: "acme", apiKey: APIKey("key-acme")), label: "local", transports: .http)
            let run = await runScript(
                """
                let s = start ref "http"
                let r = push s User [\(adaRecord)]
                status s
                close s apply
                wait s until processed timeout 10s
                expect s.accepted_records_total == 1
                let counts = integration
                expect counts.sessions.processed == 1
                let log = activity since 1h size 10
                expect len(log.items) >= 4
                let t = start
                close t discard
                wait t until cancelled
                """, connection: connection)
            #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
            await connection.client.transport.shutdown()
        }
    }

    /// `activity since` takes a time as written, or a duration by the same
    /// rules as every other duration (a bare number, a negative or an
    /// overlong one is refused with the duration's own words).
    @Test func activitySinceTakesATimeOrADuration() async {
        // Values from env() are known only when the run gets there: the run's rules, not the checker's.
        let environment = ["TIME": "2000-01-01T00:00:00Z", "AGO": "1h"]
        let fine = await runScript(
            """
            let s = start
            let a = activity since env("TIME")
            expect len(a.items) >= 1
            let b = activity since env("AGO")
            expect len(b.items) >= 1
            """, environment: environment)
        #expect(fine.code == ExitCode.ok.rawValue, "\(fine.stderr)")
        for (since, words) in [
            ("5", "5 has no unit"), ("-5m", "a duration of zero or more"), ("soon", "not \"soon\""),
            ("40000d", "longer than 100 years"),
        ] {
            let run = await runScript("activity since env(\"SINCE\")\n", environment: ["SINCE": since])
            #expect(run.code == ExitCode.runtime.rawValue, "\(since): \(run.stderr)")
            #expect(run.stderr.contains(words), "\(since): \(run.stderr)")
        }
    }

    /// A key with a line break in it (a copied key) is refused at the
    /// connect, before any request, and the message does not show it.
    @Test func aKeyThatCannotBeAHeaderIsRefusedAtConnect() async {
        let run = await runScript(
            "connect url \"http://127.0.0.1:9\" integration \"acme\" key env(\"K\")\nstart\n", environment: ["K": "secret-key\n"])
        #expect(run.code == ExitCode.runtime.rawValue, "\(run.stderr)")
        #expect(run.stderr.contains("test.push:1:") && run.stderr.contains("the API key holds a line break"), "\(run.stderr)")
        #expect(!run.stderr.contains("secret-key") && !run.stdout.contains("secret-key"))
    }

    @Test func exitCodeAndPrintOrder() async {
        let run = await runScript("print \"a\"\nexit 3\nprint \"b\"\n")
        #expect(run.code == ExitCode.runtime.rawValue)
        #expect(run.stdout == "a\n")
    }
}
