import Foundation
import PushAPI
import PushSyntax
import Testing
import _PushTestSupport

@testable import PushScript

/// The two renderers, case by case: every ``CommandResult`` has a text form
/// and a JSON form (or says on purpose that it has none), and both tell the
/// same numbers.
@Suite struct RendererTests {
    static let now = Timestamp(iso8601: "2026-01-05T09:30:00Z")!

    static func session(_ state: String, records: Int = 0, lastError: String? = nil) throws -> Session {
        var fields: JSONObject = [
            "id": "ses_1", "state": .string(state), "created_at": "2026-01-05T09:00:00.000Z",
            "expires_at": "2026-01-05T10:00:00.000Z", "accepted_records_total": .int(Int64(records)),
            "accepted_records_by_entity": records > 0 ? ["User": .int(Int64(records))] : .object(JSONObject()),
        ]
        if let lastError { fields["last_error"] = .string(lastError) }
        return try Session(json: .object(fields))
    }

    static func tally(accepted: Int, rejected: Int = 0, pages: Int) -> PushTally {
        var tally = PushTally(sessionID: "ses_1", entityType: "User")
        tally.accepted = accepted
        tally.rejected = rejected
        tally.pages = pages
        tally.acceptedByEntity = ["User": accepted]
        tally.bytes = accepted * 100
        return tally
    }

    /// Every case with what each renderer makes of it: nil where a form is left out on purpose.
    static func table() throws -> [(CommandResult, text: String?, json: String?)] {
        let active = try session("active")
        let processing = try session("processing", records: 2)
        let failed = try session("failed", records: 2, lastError: "E42 worker crashed")
        let event = ActivityEvent(
            id: "evt_1", at: now, level: "info", type: "session_created", message: "session ses_1 started", sessionID: "ses_1",
            details: .object(JSONObject()))
        var log = ActivityLogPage(items: [event], page: 1, pageSize: 1, nextPage: 2)
        log.raw = ["items": [event.json], "page": 1, "page_size": 1, "next_page": 2]
        let counts = try IntegrationStatusCounts(
            json: [
                "integration_id": "demo", "sessions": ["active": 1, "processing": 0, "processed": 2, "failed": 0, "expired": 0],
                "last_activity_at": "2026-01-05T09:00:00.000Z",
            ])
        let step = WaitStep(from: .processing, state: .processed, after: .milliseconds(2500))
        let user: JSONValue = ["employeeId": "E1"]
        let sessionJSON =
            #"{"id":"ses_1","state":"active","created_at":"2026-01-05T09:00:00.000Z","expires_at":"2026-01-05T10:00:00.000Z","accepted_records_total":0,"accepted_records_by_entity":{}}"#
        let processingJSON =
            #"{"id":"ses_1","state":"processing","created_at":"2026-01-05T09:00:00.000Z","expires_at":"2026-01-05T10:00:00.000Z","accepted_records_total":2,"accepted_records_by_entity":{"User":2}}"#
        let sessionText = """
            session ses_1
              state       active
              accepted    0 records
              created     2026-01-05T09:00:00.000Z
              expires     2026-01-05T10:00:00.000Z (in 30m)
              last error  none
            """
        return [
            (
                .started(active, now: now), "started session ses_1 (active; expires 2026-01-05T10:00:00.000Z unless used)",
                #"{"command":"start","session":\#(sessionJSON)}"#
            ),
            (
                .started(active, now: Timestamp(iso8601: "2026-01-05T11:00:00Z")!),
                "started session ses_1 (active; expired 1h ago by the service's clock)",
                #"{"command":"start","session":\#(sessionJSON)}"#
            ),
            (.status(active, now: now), sessionText, #"{"command":"status","session":\#(sessionJSON)}"#),
            (
                .closed(processing, .apply), "closed session ses_1 with apply: processing (2 staged records being applied)",
                #"{"command":"close","action":"apply","session":\#(processingJSON)}"#
            ),
            (
                .closed(failed, .apply), "closed session ses_1 with apply: failed (processing failed: E42 worker crashed)",
                nil as String?
            ),
            (.waitChanged(sessionID: "ses_1", step), "  ses_1: processing → processed (2.5s)", nil),
            (
                .waited(processing, [WaitStep(from: nil, state: .processing, after: .zero), step]), nil,
                #"{"command":"wait","session":\#(processingJSON),"states":[{"state":"processing","after_ms":0},{"state":"processed","after_ms":2500}]}"#
            ),
            (
                .pushed(PushSummary(tally: tally(accepted: 2, pages: 1), elapsed: .milliseconds(7), origin: nil)),
                "pushed 2 User records to ses_1 in 1 page: 2 accepted, 0 rejected",
                #"{"command":"push","session_id":"ses_1","entity_type":"User","pages":1,"accepted":2,"rejected":0,"accepted_by_entity":{"User":2},"validation_errors":[],"bytes":200,"unclear_pages_checked":0,"retries":0,"elapsed_ms":7}"#
            ),
            (
                .pushed(
                    PushSummary(
                        tally: PushTally(sessionID: "ses_1", entityType: "User"), elapsed: .zero, origin: "u.csv",
                        emptyBecause: "u.csv holds none")),
                "pushed 0 User records to ses_1 (u.csv holds none)",
                #"{"command":"push","session_id":"ses_1","entity_type":"User","pages":0,"accepted":0,"rejected":0,"accepted_by_entity":{},"validation_errors":[],"bytes":0,"unclear_pages_checked":0,"retries":0,"elapsed_ms":0}"#
            ),
            (
                .integration(counts),
                """
                integration demo
                  active         1
                  processing     0
                  processed      2
                  failed         0
                  expired        0
                  last activity  2026-01-05T09:00:00.000Z
                """,
                #"{"command":"integration","status":{"integration_id":"demo","sessions":{"active":1,"processing":0,"processed":2,"failed":0,"expired":0},"last_activity_at":"2026-01-05T09:00:00.000Z"}}"#
            ),
            (
                .activity(log, since: nil, pageSize: 1),
                """
                time                      level  event            message
                2026-01-05T09:30:00.000Z  info   session_created  session ses_1 started
                more: activity page 2 size 1
                """,
                #"{"command":"activity","log":{"items":[{"id":"evt_1","at":"2026-01-05T09:30:00.000Z","level":"info","type":"session_created","message":"session ses_1 started","session_id":"ses_1","details":{}}],"page":1,"page_size":1,"next_page":2}}"#
            ),
            (
                .activity(ActivityLogPage(items: [], page: 1, pageSize: 50, nextPage: nil), since: now, pageSize: nil),
                "no activity since 2026-01-05T09:30:00.000Z", nil
            ),
            (
                .connected(ConnectionSummary(target: "eu", place: "https://eu.example", integrationID: "acme", profile: "prod")),
                "connected to profile prod: https://eu.example (integration acme)",
                #"{"command":"connect","target":"eu","integration_id":"acme","profile":"prod"}"#
            ),
            (
                .sandbox(.advanced(by: .seconds(90), now: now)),
                "sandbox clock moved forward 90s; it is now 2026-01-05T09:30:00.000Z",
                #"{"command":"sandbox","advanced_ms":90000,"now":"2026-01-05T09:30:00.000Z"}"#
            ),
            (
                .sandbox(.failNext(3)), "sandbox: the next 3 processing attempts will fail (two in a row end in failed)",
                #"{"command":"sandbox","fail_next":3}"#
            ),
            (
                .sandbox(.processingTime(.seconds(2))), "sandbox: processing takes 2s per attempt from now on",
                #"{"command":"sandbox","processing_ms":2000}"#
            ),
            (.sandbox(.rateLimit(nil)), "sandbox: no rate limit", #"{"command":"sandbox","rate_limit":null}"#),
            (.sandbox(.reset), "sandbox reset: no sessions, events or records", #"{"command":"sandbox"}"#),
            (.sandbox(.faults(nil)), "sandbox: no faults", #"{"command":"sandbox","faults":"none"}"#),
            (
                .sandboxRecords(entityType: "User", records: [user]), "1 User record applied\n  {\"employeeId\":\"E1\"}",
                #"{"command":"sandbox records","entity_type":"User","count":1,"records":[{"employeeId":"E1"}]}"#
            ),
            (.printed("hello 42"), "hello 42", #"{"command":"print","text":"hello 42"}"#),
            (.value(.string("a\"b")), #""a\"b""#, #"{"command":"value","value":"a\"b"}"#),
            (.value(.duration(.seconds(300))), "5m", #"{"command":"value","value":"5m"}"#),
        ]
    }

    @Test func everyResultRendersInBothModes() throws {
        let table = try Self.table()
        // A new case fails here until it has a row (and so a text and a JSON form).
        #expect(Set(table.map(\.0.kind)) == Set(CommandResult.Kind.allCases))
        let text = TextRenderer(paint: TerminalStyle(enabled: false))
        for (result, expectedText, expectedJSON) in table {
            #expect(text.text(result) == expectedText, "\(result.kind)")
            let json = JSONRenderer.object(result).map { JSONValue.object($0).jsonText }
            // nil in the JSON column of a row whose case has a JSON form elsewhere: not checked there.
            if let expectedJSON { #expect(json == expectedJSON, "\(result.kind)") }
        }
        // Left out on purpose, and only these: a wait's steps are text as they come, its end JSON once.
        for (result, expectedText, _) in table {
            #expect((JSONRenderer.object(result) == nil) == (result.kind == .waitChanged), "\(result.kind)")
            #expect((expectedText == nil) == (result.kind == .waited), "\(result.kind)")
        }
    }

    // MARK: A push's numbers, told twice

    /// The numbers a push's text line tells, read back with a pattern of its own.
    static func numbers(inText line: String) -> [String: Int]? {
        let pattern =
            #"^pushed (\d+) User records? to ses_\w+ in (\d+) pages?(?: in \S+ \(\d+ records/s\))?: (\d+) accepted, (\d+) rejected"#
            + #"(?: \((\d+) unclear pages? checked against the session, none sent twice(?:; waited [^)]+ for its counts to settle)?\))?(?: \((\d+) requests? retried\))?"#
            + #"(?: \(up to \d+ pages in flight\))?$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line))
        else { return nil }
        func group(_ i: Int) -> Int {
            Range(match.range(at: i), in: line).flatMap { Int(line[$0]) } ?? 0
        }
        guard group(1) == group(3) else { return nil }
        return ["accepted": group(3), "pages": group(2), "rejected": group(4), "unclear_pages_checked": group(5), "retries": group(6)]
    }

    /// The same numbers from a push's JSON object (or `last_push`).
    static func numbers(inJSON json: JSONValue) -> [String: Int] {
        var numbers: [String: Int] = [:]
        for key in ["accepted", "pages", "rejected", "unclear_pages_checked", "retries"] {
            numbers[key] = json[key]?.intValue.map { Int($0) }
        }
        return numbers
    }

    @Test(arguments: [
        (accepted: 1, rejected: 0, pages: 1, recoveries: 0, retries: 0, inFlight: 1, origin: nil as String?),
        (2, 3, 1, 1, 0, 1, nil), (1500, 0, 2, 0, 1, 1, "users.jsonl"), (25_000, 12, 250, 3, 7, 4, "users.csv"),
    ])
    func theTextAndTheJSONOfAPushTellTheSameNumbers(
        _ c: (accepted: Int, rejected: Int, pages: Int, recoveries: Int, retries: Int, inFlight: Int, origin: String?)
    ) throws {
        var tally = Self.tally(accepted: c.accepted, rejected: c.rejected, pages: c.pages)
        tally.recoveries = c.recoveries
        tally.retries = c.retries
        tally.inFlightMax = c.inFlight
        let result = CommandResult.pushed(PushSummary(tally: tally, elapsed: .milliseconds(1234), origin: c.origin))
        let line = try #require(TextRenderer(paint: TerminalStyle(enabled: false)).text(result))
        let json = try #require(JSONRenderer.object(result))
        let fromText = try #require(Self.numbers(inText: line), "\(line)")
        #expect(fromText == Self.numbers(inJSON: .object(json)), "\(line)")
        #expect(fromText["accepted"] == c.accepted && fromText["retries"] == c.retries)
    }

    /// A real push through faults (lost connections before and after staging,
    /// 503s), page by page and pipelined: the line a person reads, the JSON
    /// a machine reads and `last_push` agree.
    @Test(arguments: [1, 4])
    func aPushThroughFaultsIsToldAlikeInBothModes(concurrency: Int) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-told-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let records = (1...1200).map { adaRecord.replacingOccurrences(of: "\"E1\"", with: "\"E\($0)\"") }
        try (records.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("users.jsonl"), atomically: true, encoding: .utf8)
        let script = """
            set retries 10
            set page_size 50
            set push_concurrency \(concurrency)
            sandbox faults "reset=0.1,error=0.1"
            let s = start
            push s User from "users.jsonl"
            sandbox faults off
            close s apply
            wait s until processed
            expect s.accepted_records_total == 1200
            """
        let name = dir.appendingPathComponent("told.push").path
        let text = await runScript(script, name: name, environment: ["PUSHSH_SANDBOX_SEED": "7"])
        #expect(text.code == 0, "\(text.stderr)")
        let line = try #require(text.stdout.split(separator: "\n").first { $0.hasPrefix("pushed ") }.map(String.init))
        let fromText = try #require(Self.numbers(inText: line), "\(line)")
        let lastPush = try #require(text.interpreter.variables["last_push"]?.json)
        #expect(fromText == Self.numbers(inJSON: lastPush), "\(line)")
        #expect(fromText["accepted"] == 1200)
        // The faults were met: the push had something to tell beyond its pages.
        #expect((fromText["retries"] ?? 0) + (fromText["unclear_pages_checked"] ?? 0) > 0, "\(line)")

        let json = await runScript(script, name: name, environment: ["PUSHSH_SANDBOX_SEED": "7"], output: .json)
        #expect(json.code == 0, "\(json.stderr)")
        let pushed = try json.stdout.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
            .filter { $0["command"]?.stringValue == "push" }
        try #require(pushed.count == 1)
        let jsonLastPush = try #require(json.interpreter.variables["last_push"]?.json)
        #expect(Self.numbers(inJSON: pushed[0]) == Self.numbers(inJSON: jsonLastPush))
        #expect(pushed[0]["accepted"] == 1200)
    }
}
