import BuiltInSandbox
import Foundation
import HTTPConnections
import PushAPI
import PushSandbox
import PushScript
import PushSyntax
import Testing
import _PushTestSupport

/// Nothing lost, nothing doubled: a whole flow through a service that resets
/// connections (before and after staging), fails, throttles and stalls.
@Suite struct FaultTests {
    @Test func twentyThousandRecordsThroughFifteenPercentFaults() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-faults-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let input = (1...20_000).map { user(String(format: "E%06d", $0), first: "Name\($0 % 977)") }
        let path = dir.appendingPathComponent("users.jsonl").path
        try (input.map(\.jsonText).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let sandbox = SandboxService(
            settings: SandboxSettings(processingTime: .milliseconds(200), seed: 42),
            integrations: [SandboxIntegration(id: "acme", apiKey: "key-acme")])
        sandbox.setFaults(try FaultPlan(parsing: "reset=0.05,error=0.04,throttle=0.03:20ms,slow=0.03:50ms"), seed: 42)
        try await withLiveServer(sandbox) { base in
            let connection = try Connection.remote(
                PushConfiguration(baseURL: base, integrationID: "acme", apiKey: APIKey("key-acme")), label: "faulty", transports: .http)
            let run = await runScript(
                """
                set retries 10
                let s = start ref "faults"
                push s User from "\(path)"
                close s apply
                wait s until processed timeout 1m
                expect s.accepted_records_total == 20000
                expect s.accepted_batches >= 200
                """, connection: connection)
            #expect(run.code == 0, "\(run.stderr)")
            // Pipelined: several pages were in flight at once, through the faults.
            #expect(run.stdout.contains("pages in flight"), "\(run.stdout)")
            await connection.client.transport.shutdown()
        }
        let applied = try sandbox.records(integrationID: "acme", entityType: "User")
        #expect(applied.count == 20_000)
        // Pages landed in the order their answers allowed; the records, by key, are the input's.
        #expect(applied.sorted { ($0["employeeId"]?.stringValue ?? "") < ($1["employeeId"]?.stringValue ?? "") } == input)
        let counts = sandbox.faultCounts
        #expect((counts["resetAfter"] ?? 0) > 0 && (counts["resetBefore"] ?? 0) > 0, "\(counts)")
        #expect((counts["error"] ?? 0) > 0 && (counts["throttle"] ?? 0) > 0 && (counts["slow"] ?? 0) > 0, "\(counts)")
    }

    @Test func faultPlansAreReadAndRefusedClearly() throws {
        let plan = try FaultPlan(parsing: "reset=0.05,error=0.05,throttle=0.05,slow=0.05:2s")
        #expect(plan.slowBy == .seconds(2) && plan.reset == 0.05)
        for bad in ["reset", "reset=2", "explode=0.1", "slow=0.1:soon", "reset=0.6,error=0.6"] {
            #expect(throws: FaultPlanError.self) { try FaultPlan(parsing: bad) }
        }
    }

    @Test func theSameSeedGivesTheSameFaults() async throws {
        func faultsSeen() async -> String {
            let connection = Connection.builtInSandbox(environment: [
                "PUSHSH_SANDBOX_SEED": "7", "PUSHSH_SANDBOX_EPOCH": "2026-01-05T09:00:00Z",
            ])
            connection.sandboxService!.setFaults(try! FaultPlan(parsing: "reset=0.2,error=0.2"), seed: 7)
            let run = await runScript(
                "set retries 10\nlet s = start\nfor i in [1,2,3,4,5,6,7,8]\n  status s\nend\n", connection: connection)
            #expect(run.code == 0, "\(run.stderr)")
            return "\(connection.sandboxService!.faultCounts.sorted { $0.key < $1.key })"
        }
        let first = await faultsSeen()
        // Faults were injected at all (equal empty counts would prove nothing), and the same ones again.
        #expect(first.contains("reset") || first.contains("error"), "no fault was injected: \(first)")
        #expect(first == (await faultsSeen()))
    }
}

/// What happens around the flow: other clients, the clock.
@Suite struct InterferenceTests {
    /// Another client closes the session while a push is on page 3.
    final class CloseMidPush: Transport {
        let inner: InProcessTransport
        let sandbox: SandboxService
        init(_ sandbox: SandboxService) {
            self.sandbox = sandbox
            inner = InProcessTransport(service: sandbox)
        }
        var destination: String { "sandbox" }
        func send(_ request: TransportRequest, timeout: Duration) async throws(TransportFailure) -> TransportResponse {
            if request.path.hasSuffix("/entities"), let body = request.body, (try? JSONValue(parsing: body))?["page_hint"] == 3 {
                let id = request.path.split(separator: "/").dropLast().last.map(String.init) ?? ""
                _ = try? sandbox.close(integrationID: "demo", sessionID: id, action: .apply)
            }
            return try await inner.send(request, timeout: timeout)
        }
        func shutdown() async {}
    }

    @Test func aSessionClosedBySomeoneElseMidPushEndsClearly() async throws {
        let sandbox = SandboxService(settings: SandboxSettings(seed: 3), integrations: [.demo], clock: SandboxClock(frozenAt: t0))
        let connection = Connection(
            client: PushClient(
                configuration: PushConfiguration(baseURL: "sandbox:", integrationID: "demo", apiKey: APIKey("sandbox-key")),
                transport: CloseMidPush(sandbox)),
            sandbox: SandboxServiceControls(service: sandbox, integrationID: "demo"), label: "sandbox")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-mid-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("users.jsonl").path
        try (1...500).map { user("E\($0)").jsonText }.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let run = await runScript("let s = start\npush s User from \"\(path)\"\n", connection: connection)
        #expect(run.code == 6)
        #expect(run.stderr.contains("is processing; only an active session accepts pages"), "\(run.stderr)")
        // Pages in flight together hold different numbers of records (100 and 99 here), so the counts tell them apart.
        #expect(run.stderr.contains("records in 2 pages were accepted before this page; nothing after it was sent"), "\(run.stderr)")
        #expect(run.stderr.contains("hint: the session was closed (by this script or someone else)"))
    }

    @Test func aSessionThatExpiresWhileTheScriptSleepsEndsClearly() async throws {
        let run = await runScript(
            """
            let s = start
            push s User [\(adaRecord)]
            sleep 2h
            push s User [\(adaRecord)]
            """)
        #expect(run.code == 6)
        #expect(run.stderr.contains("is expired; only an active session accepts pages"), "\(run.stderr)")
        #expect(run.stderr.contains("hint: the session expired"))
        #expect(run.stderr.contains("discard it and push everything again in a new session, or apply it"))
    }

    /// Only a close moves an active session towards processed, so the wait
    /// says so at once instead of waiting out its timeout (issue 21, item 10).
    @Test func aWaitOnASessionNobodyClosesFailsAtOnceWithTheFix() async throws {
        let run = await runScript("let s = start\nwait s until processed timeout 5m\n")
        #expect(run.code == 5)
        #expect(run.stderr.contains("is active and was not closed, so it cannot become processed"), "\(run.stderr)")
        #expect(run.stderr.contains("hint: close s apply first, then: wait s until processed"))
        #expect(!run.stderr.contains("timed out"))
    }
}
