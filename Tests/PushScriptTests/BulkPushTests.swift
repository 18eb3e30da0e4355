import BuiltInSandbox
import Foundation
import PushAPI
import PushSandbox
import PushScript
import PushSyntax
import Synchronization
import Testing
import _PushTestSupport

/// Pushes from real export formats: what lands in the sandbox must equal the file.
@Suite struct BulkPushTests {
    let folder: ScratchFolder

    init() throws { folder = try ScratchFolder("bulk") }

    func write(_ name: String, _ text: String) throws -> String { try folder.write(name, text) }

    func users(_ n: Int) -> [JSONValue] { (1...n).map { user(String(format: "E%05d", $0), first: "Name\($0)") } }

    /// What the sandbox holds, by employee id: with several pages in flight,
    /// pages may land in another order than the file's (the data is the same).
    func records(_ connection: Connection) throws -> [JSONValue] {
        try connection.sandboxService!.records(integrationID: "demo", entityType: "User")
            .sorted { ($0["employeeId"]?.stringValue ?? "") < ($1["employeeId"]?.stringValue ?? "") }
    }

    func batches(_ connection: Connection) throws -> Int {
        let status = try connection.sandboxService!.status(integrationID: "demo")
        _ = status
        return try connection.sandboxService!.activity(integrationID: "demo", since: nil, page: 1, pageSize: 200).items.filter {
            $0.type == "batch_accepted"
        }.count
    }

    func flow(_ pushLine: String) -> String {
        "let s = start\n\(pushLine)\nclose s apply\nwait s until processed\n"
    }

    @Test func jsonLinesArrivesExactlyInPagesOfAHundred() async throws {
        let input = users(250)
        let path = try write("users.jsonl", input.map(\.jsonText).joined(separator: "\n") + "\n")
        let connection = frozenSandbox()
        // One page at a time: exactly 100, 100 and 50 (pages in flight together hold different numbers).
        let run = await runScript(flow("set push_concurrency 1\npush s User from \"\(path)\""), connection: connection)
        #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
        #expect(try records(connection) == input)
        #expect(try batches(connection) == 3)
        #expect(run.stdout.contains("pushed 250 User records to ses_910a2dec89025cc1 in 3 pages: 250 accepted, 0 rejected"))
    }

    @Test func jsonArraysAndEnvelopesStreamTheirElements() async throws {
        let input = users(30)
        let pretty = JSONValue.array(input).prettyText()
        let arrayPath = try write("users.json", pretty)
        let envelope: JSONValue = ["entities": ["Asset": [["id": 1]], "User": .array(input)], "page_hint": 1]
        let envelopePath = try write("envelope.json", envelope.prettyText())
        for path in [arrayPath, envelopePath] {
            let connection = frozenSandbox()
            // One page at a time, so every page holds exactly 7 records.
            let run = await runScript(flow("set push_concurrency 1\nset page_size 7\npush s User from \"\(path)\""), connection: connection)
            #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
            #expect(try records(connection) == input)
            #expect(try batches(connection) == 5)
        }
    }

    @Test func csvWithQuotesCommasLineBreaksBOMAndCRLF() async throws {
        let csv =
            "\u{FEFF}employeeId,firstName,lastName,workEmail,employmentType,employmentStartDate,role\r\n"
            + "E1,Ada,Lovelace,ada@example.com,EMPLOYEE,2022-01-15T09:00:00Z,\r\n"
            + "E2,\"Núñez, José\",\"O\"\"Brien\",jose@example.com,CONTRACTOR,2022-01-15T09:00:00Z,\"Line one\r\nline two\"\r\n"
            + "E3,Grace,Hopper,grace@example.com,EMPLOYEE,2022-01-15T09:00:00Z,Admiral\r\n"
        let path = try write("users.csv", csv)
        let connection = frozenSandbox()
        let run = await runScript(flow("push s User from \"\(path)\""), connection: connection)
        #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
        let held = try records(connection)
        #expect(held.count == 3)
        #expect(held[0]["role"] == .null)
        #expect(held[1]["firstName"] == "Núñez, José" && held[1]["lastName"] == "O\"Brien")
        #expect(held[1]["role"] == "Line one\r\nline two")
        #expect(held[2]["role"] == "Admiral")
        #expect(held[0].objectValue?.keys.first == "employeeId")
    }

    @Test func columnsAreRenamedOnTheWayIn() async throws {
        let csv = "Employee ID,First,Last,Email,Type,Start\nE1,Ada,Lovelace,e1@example.com,EMPLOYEE,2022-01-15T09:00:00Z\n"
        let path = try write("export.csv", csv)
        let mappingPath = try write(
            "mapping.json",
            #"{"First": "firstName", "Last": "lastName", "Email": "workEmail", "Type": "employmentType", "Start": "employmentStartDate"}"#)
        let connection = frozenSandbox()
        let run = await runScript(
            flow("push s User from \"\(path)\" map \"Employee ID\" to employeeId mapping \"\(mappingPath)\""), connection: connection)
        #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
        #expect(try records(connection) == [user("E1")])
    }

    @Test(arguments: [
        (
            "bad.jsonl", "{\"employeeId\": \"E1\"}\n{\"employeeId\": \"E2\",}\n[1, 2]\n\n{\"a\": 1, \"a\": 2}\n",
            [
                "bad.jsonl:2:21: expected a quoted key, found '}'", "bad.jsonl:3: expected a JSON object (a record), got an array",
                "bad.jsonl:5:10: duplicate key \"a\"",
            ]
        ),
        (
            "ragged.csv", "employeeId,firstName\nE1,Ada\nE2\nE3,Grace,extra\n",
            ["ragged.csv:3: has 1 field but the header has 2", "ragged.csv:4: has 3 fields but the header has 2"]
        ),
        ("open-quote.csv", "employeeId,firstName\nE1,\"Ada\nE2,Grace\n", ["open-quote.csv:2: a quoted field is not closed"]),
        (
            "missing-comma.json", "[\n  {\"employeeId\": \"E1\"}\n  {\"employeeId\": \"E2\"}\n]\n",
            ["missing-comma.json:3:3: expected ',' between records"]
        ),
        ("not-closed.json", "[{\"employeeId\": \"E1\"},\n", ["not closed at the end of the file"]),
    ])
    func badFilesAreRefusedBeforeAnythingIsSent(name: String, text: String, messages: [String]) async throws {
        let path = try write(name, text)
        let connection = frozenSandbox()
        let run = await runScript("let s = start\npush s User from \"\(path)\"\n", connection: connection)
        #expect(run.code == ExitCode.parse.rawValue)  // found by the check before the run: not even a session is started
        #expect(run.stderr.contains("nothing was sent"), "\(run.stderr)")
        for message in messages { #expect(run.stderr.contains(message), "\(message)\n\(run.stderr)") }
        #expect(try batches(connection) == 0)
    }

    /// Issue 11 allows empty inputs; issue 16 made every format agree: a file with
    /// nothing in it pushes 0 records with a warning and exits 0, sending nothing.
    @Test(arguments: [
        ("empty.csv", ""), ("blank-lines.csv", "\n\r\n\n"), ("header-only.csv", "employeeId,firstName\n"),
        ("empty.json", ""), ("spaces.json", " \n\t\r\n"), ("bom.json", "\u{FEFF}\n"), ("brackets.json", "[]"),
        ("empty.jsonl", ""), ("blank.jsonl", "\n\n"),
    ])
    func emptyFilesPushNothingAndSaySo(name: String, text: String) async throws {
        let path = try write(name, text)
        let connection = frozenSandbox()
        let run = await runScript("let s = start\npush s User from \"\(path)\"\nprint \"after\"\n", connection: connection)
        #expect(run.code == ExitCode.ok.rawValue, "\(name): \(run.stderr)")
        #expect(run.stderr.contains("warning: nothing to push: \(path) holds none; nothing was sent"), "\(name): \(run.stderr)")
        #expect(run.stdout.contains("pushed 0 User records"), "\(name): \(run.stdout)")
        #expect(run.stdout.contains("after"))
        #expect(try batches(connection) == 0)
    }

    @Test func binaryAndMissingFiles() async throws {
        let binary = folder.url.appendingPathComponent("photo.jsonl").path
        FileManager.default.createFile(atPath: binary, contents: Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0xFF, 0x0A]))
        let run = await runScript("let s = start\npush s User from \"\(binary)\"\n")
        #expect(run.code == ExitCode.parse.rawValue)
        #expect(run.stderr.contains("photo.jsonl:1:1"))
        let missing = await runScript("let s = start\npush s User from \"\(folder.path)/nope.jsonl\"\n")
        // The check before the run finds it: exit 2, nothing sent, the path shown resolved.
        #expect(missing.code == ExitCode.parse.rawValue)
        #expect(missing.stderr.contains("error: the data file \"\(folder.path)/nope.jsonl\" does not exist"), "\(missing.stderr)")
        #expect(!missing.stdout.contains("started session"))
    }

    @Test func validationErrorsPointAtTheFileLine() async throws {
        var lines = users(150).map(\.jsonText)
        lines[120] =
            #"{"employeeId": "E00121", "firstName": "Bad", "lastName": "Email", "workEmail": "nope", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z"}"#
        let path = try write("users.jsonl", lines.joined(separator: "\n"))
        // The check pass finds the bad record before the first page: nothing is staged.
        let checked = frozenSandbox()
        let early = await runScript("let s = start\npush s User from \"\(path)\"\n", connection: checked)
        #expect(early.code == ExitCode.parse.rawValue)  // the check before the run reads the file: no session is started
        #expect(early.interpreter.startedSessions.isEmpty)
        #expect(
            early.stderr.contains("users.jsonl cannot be pushed: 1 problem (1 record breaks the documented User rules); nothing was sent"),
            "\(early.stderr)")
        #expect(early.stderr.contains("users.jsonl:121 (E00121): workEmail must be an email address"), "\(early.stderr)")
        #expect(try batches(checked) == 0)
        // Left to the service, the page holding it is rejected; the pages before it stay.
        let connection = frozenSandbox()
        // The session is kept (on_error keep), so the hint may say where to go on from.
        let run = await runScript(
            "set validation off\nset on_error keep\nlet s = start\npush s User from \"\(path)\"\n", connection: connection)
        #expect(run.code == ExitCode.refused.rawValue)
        #expect(run.stderr.contains("users.jsonl:121 (E00121): workEmail must be an email address"), "\(run.stderr)")
        #expect(run.stderr.contains("100 records in 1 page were accepted before this page"))
        #expect(run.stderr.contains("to go on from there: push ... from \"\(path)\" skip 100"), "\(run.stderr)")
        let id = try #require(run.interpreter.startedSessions.first?.id)
        // Going on from there with skip pushes the rest exactly once (after fixing the file).
        lines[120] = user("E00121", first: "Name121").jsonText
        _ = try write("users.jsonl", lines.joined(separator: "\n"))
        let rest = await runScript("push \"\(id)\" User from \"\(path)\" skip 100\n", connection: connection)
        #expect(rest.code == ExitCode.ok.rawValue, "\(rest.stderr)")
        // 100 from the first run, 50 from the resume: none twice, none lost.
        #expect(try await connection.client.session(id).acceptedRecordsTotal == 150)
    }

    @Test func pagesRespectTheByteLimitAndAnOversizeRecordIsNamed() async throws {
        let input = users(40)
        let path = try write("users.jsonl", input.map(\.jsonText).joined(separator: "\n"))
        let connection = frozenSandbox()
        let run = await runScript(flow("set page_bytes 2000\npush s User from \"\(path)\""), connection: connection)
        #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
        #expect(try batches(connection) >= 4)  // about 200 bytes a record: at most 10 to a 2000-byte page
        #expect(try records(connection) == input)
        var big = user("E1").objectValue!
        big["roleDescription"] = .string(String(repeating: "x", count: 3000))
        let bigPath = try write("big.jsonl", user("E0").jsonText + "\n" + JSONValue.object(big).jsonText + "\n")
        let refused = await runScript("set page_bytes 2000\nlet s = start\npush s User from \"\(bigPath)\"\n")
        #expect(refused.stderr.contains("big.jsonl:2: the record is"), "\(refused.stderr)")
    }

    @Test func progressLinesWithoutATerminal() async throws {
        let path = try write("users.jsonl", users(250).map(\.jsonText).joined(separator: "\n"))
        let run = await runScript("set page_size 1\nlet s = start\npush s User from \"\(path)\"\n")
        #expect(run.code == ExitCode.ok.rawValue)
        #expect(run.stderr.contains("  100/250 records, 100 pages"), "\(run.stderr)")
        #expect(run.stderr.contains("  200/250 records, 200 pages"))
        let quiet = await runScript("set progress off\nset page_size 1\nlet s = start\npush s User from \"\(path)\"\n")
        #expect(!quiet.stderr.contains("records,"))
    }

    /// The hard case: the page is staged, then the answer is lost. The push
    /// reads the session, sees the page landed, and does not send it again.
    @Test func aPageWhoseAnswerIsLostIsNotSentTwice() async throws {
        let sandbox = SandboxService(
            settings: SandboxSettings(processingTime: .seconds(1), seed: 9), integrations: [.demo], clock: SandboxClock(frozenAt: t0))
        let transport = LossyTransport(InProcessTransport(service: sandbox), loseAnswerOfPages: [2, 5], failBeforeSendingPages: [3])
        var client = PushClient(
            configuration: PushConfiguration(baseURL: "sandbox:", integrationID: "demo", apiKey: APIKey("sandbox-key")),
            transport: transport)
        client.sleep = { _ in }
        let connection = Connection(
            client: client, sandbox: SandboxServiceControls(service: sandbox, integrationID: "demo"), label: "sandbox")
        let input = users(700)
        let path = try write("users.jsonl", input.map(\.jsonText).joined(separator: "\n"))
        let run = await runScript(flow("push s User from \"\(path)\"\nexpect s.accepted_records_total == 700"), connection: connection)
        #expect(run.code == ExitCode.ok.rawValue, "\(run.stderr)")
        // With pages in flight together they may land in another order; each record is there once.
        let held = try sandbox.records(integrationID: "demo", entityType: "User")
        #expect(held.count == 700)
        #expect(held.sorted { ($0["employeeId"]?.stringValue ?? "") < ($1["employeeId"]?.stringValue ?? "") } == input)
        #expect(run.stdout.contains("unclear pages checked against the session, none sent twice"))
    }
}

/// Loses the answers of chosen pages after the sandbox has staged them, and
/// drops chosen pages before they reach it: the two unclear cases.
final class LossyTransport: Transport {
    let inner: any Transport
    let loseAnswer: Set<Int>
    let failBefore: Set<Int>
    let pagesSeen = Mutex<[Int: Int]>([:])

    init(_ inner: any Transport, loseAnswerOfPages: Set<Int>, failBeforeSendingPages: Set<Int>) {
        self.inner = inner
        loseAnswer = loseAnswerOfPages
        failBefore = failBeforeSendingPages
    }

    var destination: String { inner.destination }

    func send(_ request: TransportRequest, timeout: Duration) async throws(TransportFailure) -> TransportResponse {
        guard request.path.hasSuffix("/entities"), let body = request.body,
            let hint = (try? JSONValue(parsing: body))?["page_hint"]?.intValue
        else {
            return try await inner.send(request, timeout: timeout)
        }
        let page = Int(hint)
        let attempt = pagesSeen.withLock { seen in
            seen[page, default: 0] += 1
            return seen[page]!
        }
        if attempt == 1 && failBefore.contains(page) { throw TransportFailure(.connectionLost, "reset before the page was read") }
        let response = try await inner.send(request, timeout: timeout)
        if attempt == 1 && loseAnswer.contains(page) { throw TransportFailure(.connectionLost, "reset after the page was staged") }
        return response
    }

    func shutdown() async {}
}
