import HTTPConnections
import PushAPI
import PushSandbox
import PushSyntax
import Testing
import _PushTestSupport

@testable import PushScript

/// `why`: the last error again, in full, with the HTTP exchange that failed.
@Suite struct WhyTests {
    @Test func showsTheRejectedPageInFull() async throws {
        let sandbox = SandboxService(
            settings: SandboxSettings(processingTime: .milliseconds(50), seed: 3),
            integrations: [SandboxIntegration(id: "acme", apiKey: "sk_live_WHYSECRET")])
        try await withLiveServer(sandbox) { base in
            let connection = try Connection.remote(
                PushConfiguration(baseURL: base, integrationID: "acme", apiKey: APIKey("sk_live_WHYSECRET")), label: "local",
                transports: .http)
            // The service's own refusal, not pushsh's check before sending.
            let run = await runScript(
                """
                set on_error continue
                set validation off
                let s = start
                push s User [{"employeeId": "E1", "workEmail": "not-an-email"}]
                why
                """, connection: connection)
            await connection.client.transport.shutdown()
            let why = run.stdout
            #expect(why.contains("error: push failed: the page was rejected"), "\(why)")
            #expect(why.contains("  at test.push:4:1"))
            #expect(why.contains("request (attempt 1):"))
            #expect(why.contains("POST /v1/integrations/acme/sessions/"))
            #expect(why.contains("api-key: [redacted]"))
            #expect(why.contains("response: 400 Bad Request"))
            // The response's headers and its whole body, validation errors and all.
            #expect(why.lowercased().contains("content-type: application/json"))
            #expect(why.contains("\"validation_errors\"") || why.contains("\"validationErrors\""))
            #expect(why.contains("hint: "))
            #expect(!run.output.combined.contains("WHYSECRET"))
        }
    }

    @Test func anErrorWithoutARequestAndNoErrorAtAll() async {
        let none = await runScript("why\n")
        #expect(none.code == 0)
        #expect(none.stdout.contains("no error yet"))
        let run = await runScript("set on_error continue\nprint json(\"{\")\nwhy\n")
        #expect(run.stdout.contains("error: "))
        #expect(run.stdout.contains("at test.push:2:12"))
        #expect(run.stdout.contains("(no HTTP exchange was involved)"))
    }

    @Test func anExchangeOfAnEarlierStatementIsNotBlamed() async {
        // The first statement's 409 must not be shown for the second's runtime error.
        let run = await runScript(
            """
            set on_error continue
            let s = start
            let t = start
            expect false else "mine"
            why
            """)
        #expect(run.stdout.contains("error: mine"))
        #expect(run.stdout.contains("(no HTTP exchange was involved)"))
    }

    @Test func onATerminalItsLabelsLookAsInAnErrorReport() {
        let error = ScriptError(.runtime, "no connection", hint: "connect first")
        let coloured = Interpreter.explanation(of: error, exchange: nil, color: true)
        let report = ErrorReport(error).text(sources: [:], color: true)
        // The same painted `error:` and `hint:` as the error report printed when it happened.
        #expect(coloured.hasPrefix(report.split(separator: "\n")[0]), "\(coloured)")
        #expect(coloured.contains(String(report.split(separator: "\n")[1])), "\(coloured)")
        let plain = Interpreter.explanation(of: error, exchange: nil)
        #expect(plain == "error: no connection\nhint: connect first\n(no HTTP exchange was involved)")
    }
}
