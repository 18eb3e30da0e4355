import BuiltInSandbox
import Foundation
import HTTPTypes
import PushAPI
import PushSandbox
import PushSyntax
import Testing
import _PushTestSupport

@testable import PushScript

/// The sessions an interpreter holds: one built-in sandbox for its whole
/// life, sessions that remember their service, `last_session` and
/// `last_error`, and advice whose commands run as written.
@Suite struct SessionBookTests {
    /// After `connect` elsewhere and `connect sandbox`, the session started
    /// before is still there: there is one built-in sandbox per run. Used
    /// while connected elsewhere, it is refused here, not sent there.
    @Test func theBuiltInSandboxOutlivesAConnectElsewhere() async throws {
        let served = makeSandbox()
        let run = try await withLiveServer(served) { base in
            await runScript(
                """
                let s = start
                push s User [\(adaRecord)]
                connect url "\(base)" integration "acme" key env("ACME_KEY")
                set on_error continue
                close s apply
                set on_error stop
                connect sandbox
                close s apply
                wait s until processed
                expect s.accepted_records_total == 1
                """, environment: ["ACME_KEY": "key-acme"])
        }
        #expect(run.code == 3, "\(run.stderr)")  // the refused close, gone on past
        #expect(
            run.stderr.contains(
                "session ses_910a2dec89025cc1 belongs to the built-in sandbox (integration demo), and commands now go to http://127.0.0.1:"),
            "\(run.stderr)")
        #expect(run.stderr.contains("hint: to use it, connect back first: connect sandbox   (then s works again)"), "\(run.stderr)")
        #expect(run.stdout.contains("closed session ses_910a2dec89025cc1 with apply"), "\(run.stdout)")
        #expect(run.stdout.contains("processed"))
        // Nothing about s reached the other service.
        let held = try SandboxServiceControls(service: served, integrationID: "acme").inspect()
        #expect(held.sessions.isEmpty && held.events.isEmpty, "\(held.events)")
        #expect(!run.stderr.contains("404"), "\(run.stderr)")
    }

    /// A script that stops discards its sandbox session through the sandbox,
    /// even when it stopped while connected elsewhere.
    @Test func aStoppedRunCleansUpEachSessionOnItsOwnService() async throws {
        let served = makeSandbox()
        let run = try await withLiveServer(served) { base in
            await runScript(
                """
                let s = start
                connect url "\(base)" integration "acme" key env("ACME_KEY")
                expect false else "stop here"
                """, environment: ["ACME_KEY": "key-acme"])
        }
        #expect(run.code == 4, "\(run.stderr)")
        #expect(run.stderr.contains("discarded session ses_910a2dec89025cc1"), "\(run.stderr)")
        let sandbox = try #require(run.interpreter.builtInSandbox?.sandbox)
        #expect(try sandbox.inspect().sessions.map(\.state) == [.cancelled])
    }

    /// A bare `start` leaves its session in `last_session`; a start that
    /// meets 409 names the session in the way in `last_error.active_session_id`,
    /// and a quoted id (or that string) works where a session goes.
    @Test func lastSessionAndLastErrorNameTheSessions() async {
        let run = await runScript(
            """
            start
            push last_session User [\(adaRecord)]
            set on_error continue
            let t = start
            set on_error stop
            let blocking = last_error.active_session_id
            expect blocking == last_session.id
            expect last_error.status == 409
            close blocking discard
            start
            close "${last_session.id}" apply
            """)
        // 6: the 409 it went on past.
        #expect(run.code == 6, "\(run.stderr)")
        #expect(!run.stderr.contains("expectation failed"), "\(run.stderr)")
        #expect(run.stdout.contains("closed session ses_910a2dec89025cc1 with discard"), "\(run.stdout)")
        #expect(run.stdout.contains("closed session ses_beeb8da1658eec67 with apply"), "\(run.stdout)")
    }

    /// The 409's words are said once: in the message, not again in the
    /// exchange line or the hint; the hint gives lines to paste.
    @Test func the409IsSaidOnceAndItsHintPastes() async {
        let run = await runScript("let s = start\nlet t = start\n")
        #expect(run.code == 6)
        #expect(run.stderr.components(separatedBy: "is already active for this integration").count == 2, "\(run.stderr)")
        #expect(run.stderr.contains("  POST /v1/integrations/demo/sessions → 409 Conflict (session_already_active)\n"), "\(run.stderr)")
        #expect(
            run.stderr.contains(
                "hint: 'close \"ses_910a2dec89025cc1\" discard' ends it and drops what it staged ('close \"ses_910a2dec89025cc1\" apply' processes it instead)"
            ), "\(run.stderr)")
        for command in SuggestedCommands.in(run.stderr) { #expect(SuggestedCommands.parses(command), "\(command)") }
    }

    /// The hint of a wait that timed out names the session as written and parses.
    @Test func aWaitsHintRunsAsWritten() async {
        let slow = await runScript(
            "sandbox processing 1h\nlet s = start\nclose s apply\nwait s until processed timeout 1m\n")
        #expect(slow.stderr.contains("hint: give it longer: 'wait s until processed timeout 30m'"), "\(slow.stderr)")
        let commands = SuggestedCommands.in(slow.stderr)
        #expect(!commands.isEmpty, "\(slow.stderr)")
        for command in commands { #expect(SuggestedCommands.parses(command), "\(command)") }
    }

    /// Answers a start's 409 as a real service may: without the session's id.
    struct WithoutActiveSessionID: Transport {
        let inner: InProcessTransport
        var destination: String { inner.destination }
        func send(_ request: TransportRequest, timeout: Duration) async throws(TransportFailure) -> TransportResponse {
            var response = try await inner.send(request, timeout: timeout)
            if response.status == .conflict, request.method == .post, request.path.hasSuffix("/sessions") {
                response.body = Array(#"{"error": {"code": "session_already_active", "message": "a session is already active"}}"#.utf8)
            }
            return response
        }
        func shutdown() async {}
    }

    /// When the 409 does not name the session, the activity log does.
    @Test func a409WithoutTheIdFindsItInTheActivityLog() async {
        var settings = SandboxSettings()
        settings.seed = 1
        let service = SandboxService(settings: settings, integrations: [.demo], clock: SandboxClock(frozenAt: t0))
        let connection = Connection(
            client: PushClient(
                configuration: PushConfiguration(
                    baseURL: "sandbox:", integrationID: SandboxIntegration.demo.id, apiKey: APIKey(SandboxIntegration.demo.apiKey)),
                transport: WithoutActiveSessionID(inner: InProcessTransport(service: service))),
            sandbox: SandboxServiceControls(service: service, integrationID: SandboxIntegration.demo.id), label: "sandbox")
        let run = await runScript(
            """
            let s = start
            close s discard
            let u = start
            set on_error continue
            let t = start
            set on_error stop
            expect last_error.active_session_id == u.id
            """, connection: connection)
        #expect(run.code == 6, "\(run.stderr)")
        #expect(!run.stderr.contains("expectation failed"), "\(run.stderr)")
        #expect(run.stderr.contains("the active session is ses_"), "\(run.stderr)")
        #expect(run.stderr.contains("' ends it and drops what it staged"), "\(run.stderr)")
    }

    /// Every command an advice suggests parses as written, and where a
    /// session may hold part of an upload, discard comes before apply.
    @Test func everySuggestedCommandInTheAdviceRuns() {
        let reasons: [PushAPIError.Reason] = [
            .pageRejected, .malformedRequest, .unauthorized, .noSuchSession, .notFound, .proxyAuthenticationRequired,
            .sessionAlreadyActive(id: "ses_07522a"), .sessionAlreadyActive(id: nil), .sessionExpired,
            .sessionClosed(state: "cancelled"), .sessionNotActive, .sessionNotClosable, .bodyTooLarge, .unsupportedMediaType,
            .rateLimited(retryAfter: .seconds(30)), .retryAfterTooLong(asked: .seconds(3600), retryingFor: .seconds(60)),
        ]
        var found = 0
        for reason in reasons {
            let advice = PushAPIError.advice(reason)
            #expect(!advice.contains("...") && !advice.contains("apply|discard"), "\(advice)")
            let commands = SuggestedCommands.in(advice)
            found += commands.count
            for command in commands { #expect(SuggestedCommands.parses(command), "\(reason): \(command)") }
            if let apply = advice.range(of: "apply"), let discard = advice.range(of: "discard") {
                #expect(discard.lowerBound < apply.lowerBound, "apply comes first in: \(advice)")
            }
        }
        #expect(found >= 4)
        #expect(SuggestedCommands.in(PushAPIError.advice(.sessionAlreadyActive(id: "ses_07522a"))).contains("close \"ses_07522a\" discard"))
    }
}

/// The commands a message suggests: in single quotes, or `set NAME VALUE`.
enum SuggestedCommands {
    static func `in`(_ text: String) -> [String] {
        var commands: [String] = []
        let quoted = text.split(separator: "'", omittingEmptySubsequences: false)
        for (index, part) in quoted.enumerated() where index % 2 == 1 {
            let first = part.split(separator: " ").first.map(String.init) ?? ""
            if CommandCatalog.commandWords.contains(first) { commands.append(String(part)) }
        }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" || $0 == ":" }).map(String.init)
        for (index, word) in words.enumerated() where word == "set" && index + 2 < words.count {
            if SettingName(rawValue: words[index + 1]) != nil { commands.append("set \(words[index + 1]) \(words[index + 2])") }
        }
        return commands
    }

    static func parses(_ command: String) -> Bool {
        !Parser.parse(SourceFile(name: "<advice>", text: command)).hasErrors
    }
}

/// `let r = sandbox records User` binds quietly, as other lets do: a count, not 50 records.
@Suite struct QuietRecordsTests {
    @Test func aLetKeepsTheRecordsAndShowsTheirCount() async {
        let run = await runScript(
            """
            let s = start
            push s User [\(adaRecord)]
            close s apply
            wait s until processed
            let r = sandbox records User
            expect len(r) == 1
            sandbox records User
            """)
        #expect(run.code == 0, "\(run.stderr)")
        #expect(run.stdout.contains("1 User record applied (kept in r; print r shows them)\n"), "\(run.stdout)")
        // Without a let, the records are shown as before.
        #expect(run.stdout.contains("1 User record applied\n  {\"employeeId\":\"E1\""), "\(run.stdout)")
        #expect(run.stdout.components(separatedBy: "\"employeeId\":\"E1\"").count == 2, "\(run.stdout)")
    }
}
