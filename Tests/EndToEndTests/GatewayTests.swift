import Foundation
import XCTest

/// The project's own fault-injecting gateway (Tests/FakeService/gateway_server.py),
/// written from the documentation, on a port of its own.
final class GatewayServer {
    let port: Int
    private let started: StartedProcess

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FakeService/gateway_server.py").path
    }

    init() throws {
        let python = try NetworkTools.require("python3", package: "python3")
        (started, port) = try StartedProcess.listening(python, [Self.script], what: "the gateway")
    }

    func base(_ mode: String) -> String { "http://127.0.0.1:\(port)/\(mode)/api/external/push" }

    /// What the backend holds: staged (sessions not cancelled) and applied records per employeeId, and the sessions.
    func counts() throws -> (staged: [String: Int], applied: [String: Int], sessions: [[String: Any]]) {
        // Read with curl: swift-corelibs-foundation's Data(contentsOf:) reads files only.
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: try NetworkTools.require("curl", package: "curl"))
        curl.arguments = ["-s", "--noproxy", "*", "http://127.0.0.1:\(port)/_gateway/counts"]
        let out = Pipe()
        curl.standardOutput = out
        try curl.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        curl.waitUntilExit()
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return (
            object["staged"] as? [String: Int] ?? [:], object["applied"] as? [String: Int] ?? [:],
            object["sessions"] as? [[String: Any]] ?? []
        )
    }

    func stop() { started.stop() }
}

/// Exactly once behind gateways that answer unclearly, late or not at all:
/// every test counts what the backend staged and applied per employeeId.
final class GatewayTests: XCTestCase {
    /// `count` User records, E1…En, in users.jsonl of a fresh folder; returns the folder.
    func folder(records count: Int = 250, padding: Int = 0, script: String) throws -> URL {
        let dir = try NetworkTools.temporaryDirectory("gateway")
        let pad = String(repeating: "r", count: padding)
        let users = (1...count).map { i in
            #"{"employeeId": "E\#(i)", "firstName": "A", "lastName": "B", "workEmail": "e\#(i)@example.com", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z", "roleDescription": "\#(pad)"}"#
        }
        try (users.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("users.jsonl"), atomically: true, encoding: .utf8)
        try script.write(to: dir.appendingPathComponent("load.push"), atomically: true, encoding: .utf8)
        return dir
    }

    func run(_ dir: URL, _ gateway: GatewayServer, mode: String) throws -> Binary.Result {
        let env = Binary.environment([
            "SPRINTO_API_KEY": "gw-key", "SPRINTO_INTEGRATION_ID": "demo", "SPRINTO_BASE_URL": gateway.base(mode),
        ])
        return try Binary.run(["run", dir.appendingPathComponent("load.push").path], environment: env, directory: dir)
    }

    static func load(concurrency: Int, settings: String = "") -> String {
        """
        set page_size 50
        set push_concurrency \(concurrency)
        \(settings)
        let s = start
        push s User from "users.jsonl"
        close s apply
        wait s until processed timeout 30s

        """
    }

    /// Every one of E1…En exactly once.
    func assertOnce(
        _ counts: [String: Int], records: Int = 250, _ what: String, _ output: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(counts.count, records, "\(what): \(counts.count) keys\n\(output)", file: file, line: line)
        let twice = counts.filter { $0.value != 1 }.keys.sorted()
        XCTAssertEqual(twice, [], "\(what) other than once\n\(output)", file: file, line: line)
    }

    /// A gateway answers page 2 with 504 after 0.4 s; the backend stages it
    /// 0.6 s later. Reading the session at once would see it missing and send
    /// it again: the settle window waits for the late page instead.
    func testAPageThatLandsAfterA504IsNotSentTwice() throws {
        for concurrency in [1, 16] {
            let gateway = try GatewayServer()
            defer { gateway.stop() }
            let dir = try folder(script: Self.load(concurrency: concurrency))
            let result = try run(dir, gateway, mode: "late504")
            XCTAssertEqual(result.code, 0, result.output)
            XCTAssertTrue(result.output.contains("1 unclear page checked against the session, none sent twice; waited"), result.output)
            let counts = try gateway.counts()
            assertOnce(counts.staged, "staged (push_concurrency \(concurrency))", result.output)
            assertOnce(counts.applied, "applied (push_concurrency \(concurrency))", result.output)
        }
    }

    /// A 504 whose page never reached the backend, and a CDN's `200 text/html`
    /// maintenance page: after the settle window the page is still missing,
    /// so it is sent again, once.
    func testAPageThatNeverLandedIsSentAgainAfterTheSettleWindow() throws {
        for (mode, concurrency) in [("lost504", 1), ("html200", 1), ("lost504", 16)] {
            let gateway = try GatewayServer()
            defer { gateway.stop() }
            let dir = try folder(script: Self.load(concurrency: concurrency, settings: "set settle 1s"))
            let result = try run(dir, gateway, mode: mode)
            XCTAssertEqual(result.code, 0, "\(mode): " + result.output)
            XCTAssertTrue(result.output.contains("none sent twice"), result.output)
            let counts = try gateway.counts()
            assertOnce(counts.staged, "staged (\(mode), \(concurrency))", result.output)
            assertOnce(counts.applied, "applied (\(mode), \(concurrency))", result.output)
        }
    }

    /// With no settle window the late page is sent again and lands twice;
    /// the check before apply sees the session holding a page more than this
    /// run saw accepted, and does not apply: exit 9, both numbers, nothing applied.
    func testTheCheckBeforeApplyRefusesASessionHoldingMoreThanThisRunPushed() throws {
        let gateway = try GatewayServer()
        defer { gateway.stop() }
        // The sleep lets the late copy land before the close, as it would in a longer push.
        let script = Self.load(concurrency: 1, settings: "set settle 0s").replacingOccurrences(
            of: "close s apply", with: "sleep 2s\nclose s apply")
        let dir = try folder(script: script)
        let result = try run(dir, gateway, mode: "late504")
        XCTAssertEqual(result.code, 9, result.output)
        XCTAssertTrue(result.output.contains("apply: not applied: the session does not hold what this run pushed to it"), result.output)
        XCTAssertTrue(result.output.contains("pages: the session holds 6, this run saw 5 accepted"), result.output)
        XCTAssertTrue(result.output.contains("User records: the session holds 300, this run saw 250 accepted"), result.output)
        XCTAssertTrue(result.output.contains("apply anyway"), result.output)
        let counts = try gateway.counts()
        XCTAssertEqual(counts.applied, [:], "nothing may be applied: \(result.output)")
        XCTAssertEqual(counts.sessions.first?["state"] as? String, "cancelled", result.output)
    }

    /// `close s apply anyway` is the explicit word that applies what the session holds.
    func testApplyAnywayAppliesWhatTheSessionHolds() throws {
        let gateway = try GatewayServer()
        defer { gateway.stop() }
        let script = Self.load(concurrency: 1, settings: "set settle 0s").replacingOccurrences(
            of: "close s apply", with: "sleep 2s\nclose s apply anyway")
        let dir = try folder(script: script)
        let result = try run(dir, gateway, mode: "late504")
        XCTAssertEqual(result.code, 0, result.output)
        XCTAssertEqual(try gateway.counts().applied.values.reduce(0, +), 300, result.output)
    }

    /// Two runs of one script at once; the second's first start meets a 503
    /// (nothing created) and its retry a 409 naming the first run's session.
    /// The second must not adopt it: it stops, naming the session, and
    /// touches nothing; the first applies every record once.
    func testTwoRunsAtOnceNeverShareASession() throws {
        let gateway = try GatewayServer()
        defer { gateway.stop() }
        let first = try folder(
            script:
                "set page_size 50\nlet s = start ref \"nightly\"\nsleep 3s\npush s User from \"users.jsonl\"\nclose s apply\nwait s until processed timeout 30s\n"
        )
        let second = try folder(
            script: Self.load(concurrency: 16).replacingOccurrences(of: "let s = start", with: "let s = start ref \"nightly\""))
        // The first run goes on in the background, its output in a file.
        let firstOutput = first.appendingPathComponent("output.txt")
        FileManager.default.createFile(atPath: firstOutput.path, contents: nil)
        let firstRun = Process()
        firstRun.executableURL = URL(fileURLWithPath: Binary.path)
        firstRun.arguments = ["run", first.appendingPathComponent("load.push").path]
        firstRun.environment = Binary.environment([
            "SPRINTO_API_KEY": "gw-key", "SPRINTO_INTEGRATION_ID": "demo", "SPRINTO_BASE_URL": gateway.base("twostarts"),
        ])
        firstRun.currentDirectoryURL = first
        let handle = try FileHandle(forWritingTo: firstOutput)
        firstRun.standardOutput = handle
        firstRun.standardError = handle
        try firstRun.run()
        let running = StartedProcess(firstRun)
        // The second run starts once the first run's session exists.
        let deadline = Date().addingTimeInterval(10)
        while try gateway.counts().sessions.isEmpty, Date() < deadline { usleep(50_000) }
        let secondResult = try run(second, gateway, mode: "twostarts")
        firstRun.waitUntilExit()
        running.stop()
        let firstResult = Binary.Result(
            output: (try? String(contentsOf: firstOutput, encoding: .utf8)) ?? "", standardOutput: "", code: firstRun.terminationStatus)
        XCTAssertEqual(secondResult.code, 6, secondResult.output)
        XCTAssertTrue(secondResult.output.contains("cannot prove that this run's lost first attempt created it"), secondResult.output)
        XCTAssertEqual(firstResult.code, 0, firstResult.output)
        let counts = try gateway.counts()
        assertOnce(counts.applied, "applied", firstResult.output + secondResult.output)
        XCTAssertEqual(counts.sessions.count, 1, "the second run created or touched a session")
    }

    /// The retry budget is time, not attempts: with the defaults a run rides
    /// out a load balancer's HTML 503 for 3 s (without Retry-After, with
    /// seconds, with an HTTP date), a 6 s window of 429s without Retry-After,
    /// and a token bucket of 1 request/s; every record lands once.
    func testTheDefaultRetryBudgetRidesOutOutagesAndRateLimits() throws {
        for mode in ["lb503", "lb503s", "lb503d", "window429", "bucket"] {
            let gateway = try GatewayServer()
            defer { gateway.stop() }
            let dir = try folder(records: 100, script: Self.load(concurrency: mode == "bucket" ? 16 : 1))
            let result = try run(dir, gateway, mode: mode)
            XCTAssertEqual(result.code, 0, "\(mode): " + result.output)
            let counts = try gateway.counts()
            assertOnce(counts.applied, records: 100, "applied (\(mode))", result.output)
        }
    }

    /// An edge that refuses bodies over 64 KB (far below the documented
    /// 5 MB): the error names the refused size and `set page_bytes`, and
    /// following it pushes every record once.
    func testA413FromAnEdgeLimitNamesTheSizeAndPageBytes() throws {
        let gateway = try GatewayServer()
        defer { gateway.stop() }
        let script =
            "set page_size 200\nlet s = start\npush s User from \"users.jsonl\"\nclose s apply\nwait s until processed timeout 30s\n"
        let dir = try folder(records: 400, padding: 600, script: script)
        let refused = try run(dir, gateway, mode: "edge413")
        XCTAssertEqual(refused.code, 6, refused.output)
        XCTAssertTrue(refused.output.contains("413"), refused.output)
        XCTAssertTrue(refused.output.contains("bytes (set page_bytes is 5000000)"), refused.output)
        XCTAssertTrue(refused.output.contains("hint: send smaller pages: set page_bytes "), refused.output)
        XCTAssertFalse(refused.output.contains("5 MB at most"), refused.output)
        try ("set page_bytes 60000\n" + script).write(to: dir.appendingPathComponent("load.push"), atomically: true, encoding: .utf8)
        let again = try run(dir, gateway, mode: "edge413")
        XCTAssertEqual(again.code, 0, again.output)
        assertOnce(try gateway.counts().applied, records: 400, "applied", again.output)
    }

    /// A listener that goes away for 3 s and for 10 s just after a page's
    /// connection dropped unanswered: the session cannot be read until it
    /// is back, then the page is found missing and sent again, once.
    func testAPushRidesOutAListenerThatGoesAway() throws {
        for mode in ["outage3", "outage10"] {
            let gateway = try GatewayServer()
            defer { gateway.stop() }
            let dir = try folder(records: 100, script: Self.load(concurrency: 1, settings: "set settle 1s"))
            let result = try run(dir, gateway, mode: mode)
            XCTAssertEqual(result.code, 0, "\(mode): " + result.output)
            assertOnce(try gateway.counts().applied, records: 100, "applied (\(mode))", result.output)
        }
    }

    /// Close is the last to give up: two 503s on close are retried and the
    /// records applied; a close that keeps failing names the session, what
    /// it holds and the exact command that applies it later.
    func testACloseThatFailsIsRetriedAndThenNamesTheWayOn() throws {
        let gateway = try GatewayServer()
        defer { gateway.stop() }
        let dir = try folder(records: 100, script: Self.load(concurrency: 1))
        let result = try run(dir, gateway, mode: "closefail")
        XCTAssertEqual(result.code, 0, result.output)
        assertOnce(try gateway.counts().applied, records: 100, "applied", result.output)

        let down = try GatewayServer()
        defer { down.stop() }
        let downDir = try folder(records: 100, script: Self.load(concurrency: 1, settings: "set retry_for 3s"))
        let failed = try run(downDir, down, mode: "closedown")
        XCTAssertEqual(failed.code, 7, failed.output)
        let id = try XCTUnwrap(down.counts().sessions.first?["id"] as? String)
        XCTAssertTrue(failed.output.contains("session \(id) is active with 100 records in 2 pages staged"), failed.output)
        XCTAssertTrue(failed.output.contains("close \"\(id)\" apply (keeps the staged records)"), failed.output)
        // The cleanup's discard fails the same way: it says so, and does not claim it discarded anything.
        XCTAssertFalse(failed.output.contains("discarded session"), failed.output)
        XCTAssertEqual(try down.counts().staged.count, 100, failed.output)
    }

    /// A gateway that answers 408 on a keep-alive connection left idle: the
    /// request was not passed on, so pushsh sends it again, a page or a
    /// close included, one page at a time and pipelined.
    func testA408OnAnIdleConnectionIsSentAgain() throws {
        for concurrency in [1, 16] {
            let gateway = try GatewayServer()
            defer { gateway.stop() }
            let script =
                "set page_size 50\nset push_concurrency \(concurrency)\nlet s = start\nsleep 1500ms\npush s User from \"users.jsonl\"\nsleep 1500ms\nclose s apply\nwait s until processed timeout 30s\n"
            let dir = try folder(records: 100, script: script)
            let result = try run(dir, gateway, mode: "idle408")
            XCTAssertEqual(result.code, 0, "push_concurrency \(concurrency): " + result.output)
            assertOnce(try gateway.counts().applied, records: 100, "applied (\(concurrency))", result.output)
        }
    }

    /// A session that expires mid-push: the run stops, does not claim to
    /// discard the expired session (the cleanup leaves it alone), and its
    /// way on applies every record once: close the expired session with
    /// apply, and push the rest with the skip it names into a new session.
    func testASessionThatExpiresMidPushIsNotSaidToBeDiscarded() throws {
        let gateway = try GatewayServer()
        defer { gateway.stop() }
        let dir = try folder(records: 200, script: Self.load(concurrency: 1))
        let result = try run(dir, gateway, mode: "expire")
        XCTAssertEqual(result.code, 6, result.output)
        XCTAssertFalse(result.output.contains("discarded"), result.output)
        XCTAssertTrue(result.output.contains("skip 100"), result.output)
        let id = try XCTUnwrap(gateway.counts().sessions.first?["id"] as? String)
        XCTAssertEqual(try gateway.counts().sessions.first?["state"] as? String, "expired")
        // Both halves of the hint, as a user would follow them.
        let way =
            "close \"\(id)\" apply\nset page_size 50\nlet t = start\npush t User from \"users.jsonl\" skip 100\nclose t apply\nwait t until processed timeout 30s\n"
        try way.write(to: dir.appendingPathComponent("load.push"), atomically: true, encoding: .utf8)
        let resumed = try run(dir, gateway, mode: "plain")
        XCTAssertEqual(resumed.code, 0, resumed.output)
        Thread.sleep(forTimeInterval: 0.5)
        assertOnce(try gateway.counts().applied, records: 200, "applied", result.output + resumed.output)
    }

    /// Processing that fails has an exit code of its own (10), apart from a wait that timed out (5).
    func testFailedProcessingHasAnExitCodeOfItsOwn() throws {
        let gateway = try GatewayServer()
        defer { gateway.stop() }
        let dir = try folder(records: 20, script: Self.load(concurrency: 1))
        let result = try run(dir, gateway, mode: "procfail")
        XCTAssertEqual(result.code, 10, result.output)
        XCTAssertTrue(result.output.contains("is failed and can no longer become processed"), result.output)
    }
}
