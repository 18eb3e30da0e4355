import Foundation
import XCTest

/// The binary, run as a user would, against an independent fake that answers
/// like the documentation (not like the sandbox), over TLS with a private CA,
/// through tinyproxy: start → push → close → wait, every record accounted for,
/// the key kept at the configured origin, every failure named by its cause.
final class NetworkEndToEndTests: XCTestCase {
    struct Setup {
        let ca: TestCA
        let fake: FakeService
        let proxy: TinyProxy
        let dir: URL
        let script: URL
    }

    // The local check would stop record 3 before it is sent; these tests are
    // about what the service's own answer to it does, so they leave the
    // checking to the service.
    static let scriptText = """
        set validation off
        let s = start
        push s User from "users.jsonl"
        print "accepted", last_push.accepted, "rejected", last_push.rejected
        close s apply
        wait s until processed timeout 30s
        print "done"

        """

    func makeSetup(proxyAuth: (user: String, password: String)? = nil, script: String = NetworkEndToEndTests.scriptText) throws -> Setup {
        let ca = try TestCA.make()
        let fake = try FakeService(tls: ca.issued("good"))
        let proxy = try TinyProxy(basicAuth: proxyAuth)
        let dir = try NetworkTools.temporaryDirectory("e2e")
        let users = (1...5).map { i in
            let email = i == 3 ? "nobody" : "e\(i)@example.com"
            return
                #"{"employeeId": "E\#(i)", "firstName": "A", "lastName": "B", "workEmail": "\#(email)", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z"}"#
        }
        try (users.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("users.jsonl"), atomically: true, encoding: .utf8)
        let scriptFile = dir.appendingPathComponent("load.push")
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)
        return Setup(ca: ca, fake: fake, proxy: proxy, dir: dir, script: scriptFile)
    }

    func environment(_ setup: Setup, proxyURL: String? = nil) -> [String: String] {
        Binary.environment([
            "SPRINTO_API_KEY": "doc-key", "SPRINTO_INTEGRATION_ID": "demo", "SPRINTO_BASE_URL": setup.fake.base("doc"),
            "HTTPS_PROXY": proxyURL ?? setup.proxy.url,
        ]).filter { !["SSL_CERT_FILE", "SSL_CERT_DIR", "PUSHSH_CACERT", "NO_PROXY", "no_proxy", "https_proxy"].contains($0.key) }
    }

    func testAScriptRunsToTheEndThroughAProxyAndAPrivateCAWithEveryRecordAccountedFor() throws {
        let setup = try makeSetup(script: "set partial_pages accept\n" + Self.scriptText)
        defer {
            setup.fake.stop()
            setup.proxy.stop()
        }
        let result = try Binary.run(["run", "--cacert", setup.ca.caFile, setup.script.path], environment: environment(setup))
        let out = result.output
        XCTAssertEqual(result.code, 0, out)
        XCTAssertTrue(out.contains("pushsh: sending to 127.0.0.1:\(setup.fake.port) (integration demo)"), out)
        XCTAssertTrue(out.contains("page 1 was accepted only in part: 4 accepted, 1 rejected"), out)
        XCTAssertTrue(out.contains("users.jsonl:3 (E3): workEmail must be an email address"), out)
        XCTAssertTrue(out.contains("accepted 4 rejected 1"), out)
        XCTAssertTrue(out.contains(": 4 accepted, 1 rejected"), out)
        XCTAssertTrue(out.contains("processing (4 staged records being applied)"), out)
        XCTAssertTrue(out.contains("done"), out)
        XCTAssertFalse(out.contains("doc-key"), "the key was printed")
        // Through the proxy, with CONNECT, and the key only ever at the configured origin.
        XCTAssertTrue(setup.proxy.log.contains("CONNECT 127.0.0.1:\(setup.fake.port)"), setup.proxy.log)
        let requests = setup.fake.requests()
        XCTAssertGreaterThanOrEqual(requests.count, 5)
        XCTAssertTrue(requests.allSatisfy { setup.fake.headers(of: $0)["api-key"] == "doc-key" })
        XCTAssertTrue(requests.allSatisfy { ($0["path"] as? String)?.hasPrefix("/doc/api/external/push/v1/integrations/demo/") == true })
    }

    func testAPartlyAcceptedPageStopsTheRunByDefault() throws {
        let setup = try makeSetup()
        defer {
            setup.fake.stop()
            setup.proxy.stop()
        }
        let result = try Binary.run(["run", "--cacert", setup.ca.caFile, setup.script.path], environment: environment(setup))
        XCTAssertEqual(result.code, 6, result.output)
        XCTAssertTrue(result.output.contains("push stopped: page 1 was accepted only in part: 4 accepted, 1 rejected"), result.output)
        XCTAssertTrue(result.output.contains("users.jsonl:3 (E3): workEmail must be an email address"), result.output)
        XCTAssertTrue(result.output.contains("set partial_pages accept"), result.output)
        XCTAssertFalse(result.output.contains("done"))
    }

    func testWithoutTheCAItIsNamedAsAnUntrustedIssuerAndNotRetried() throws {
        let setup = try makeSetup()
        defer {
            setup.fake.stop()
            setup.proxy.stop()
        }
        let result = try Binary.run(["run", setup.script.path], environment: environment(setup))
        XCTAssertEqual(result.code, 3, result.output)
        XCTAssertTrue(result.output.contains("untrusted issuer"), result.output)
        XCTAssertTrue(result.output.contains("--cacert"), result.output)
        XCTAssertFalse(result.output.contains("attempts"), "TLS problems are not retried: \(result.output)")
        for leak in ["NIOSSL", "BoringSSL", "HTTPClientError", ".swift", "/work/"] {
            XCTAssertFalse(result.output.contains(leak), "\(leak) in: \(result.output)")
        }
    }

    func testVerboseShowsFullURLsAndTheProxyWithCredentialsRedacted() throws {
        let setup = try makeSetup(proxyAuth: ("pushsh", "pw-SECRET-42"))
        defer {
            setup.fake.stop()
            setup.proxy.stop()
        }
        let proxyURL = "http://pushsh:pw-SECRET-42@127.0.0.1:\(setup.proxy.port)"
        let result = try Binary.run(
            ["run", "-v", "--cacert", setup.ca.caFile, "-c", "integration"], environment: environment(setup, proxyURL: proxyURL))
        XCTAssertEqual(result.code, 0, result.output)
        XCTAssertTrue(
            result.output.contains("> GET https://127.0.0.1:\(setup.fake.port)/doc/api/external/push/v1/integrations/demo/status"),
            result.output)
        XCTAssertTrue(
            result.output.contains("via proxy http://pushsh:[redacted]@127.0.0.1:\(setup.proxy.port) (HTTPS_PROXY)"), result.output)
        XCTAssertTrue(result.output.contains("> api-key: [redacted]"), result.output)
        XCTAssertTrue(result.output.contains("plus \(setup.ca.caFile) (--cacert)"), "the flag is named as the flag: \(result.output)")
        XCTAssertFalse(result.output.contains("pw-SECRET-42"), result.output)
        XCTAssertFalse(result.output.contains("doc-key"), result.output)
        XCTAssertTrue(setup.proxy.log.contains("CONNECT"), setup.proxy.log)
    }

    func testQuietDropsTheNoticeAndTimeoutIsASetting() throws {
        let setup = try makeSetup()
        defer {
            setup.fake.stop()
            setup.proxy.stop()
        }
        let quiet = try Binary.run(["run", "--quiet", "--cacert", setup.ca.caFile, "-c", "integration"], environment: environment(setup))
        XCTAssertEqual(quiet.code, 0, quiet.output)
        XCTAssertFalse(quiet.output.contains("sending to"), quiet.output)
        var env = environment(setup)
        env["SPRINTO_BASE_URL"] = setup.fake.base("slow")
        let slow = try Binary.run(["run", "--cacert", setup.ca.caFile, "-c", "set timeout 1s\nset retries 0\nstart"], environment: env)
        XCTAssertEqual(slow.code, 3, slow.output)
        XCTAssertTrue(slow.output.contains("timed out waiting for the answer after the request was sent"), slow.output)
        XCTAssertTrue(slow.output.contains("read the session"), slow.output)
    }

    /// A profile's proxy, CA file and timeout are the profile's network: no
    /// variable or flag needed. Proven against tinyproxy and an openssl CA.
    func testAProfileBringsItsProxyCAAndTimeout() throws {
        let setup = try makeSetup()
        defer {
            setup.fake.stop()
            setup.proxy.stop()
        }
        let config = setup.dir.appendingPathComponent("config.toml")
        try """
        [profiles.corp]
        base_url = "\(setup.fake.base("doc"))"
        integration = "demo"
        key_env = "CORP_KEY"
        ca_file = "\(setup.ca.caFile)"
        proxy = "\(setup.proxy.url)"
        timeout = "20s"

        """.write(to: config, atomically: true, encoding: .utf8)
        var env = environment(setup).filter {
            !["HTTPS_PROXY", "SPRINTO_API_KEY", "SPRINTO_INTEGRATION_ID", "SPRINTO_BASE_URL"].contains($0.key)
        }
        env["PUSHSH_CONFIG"] = config.path
        env["CORP_KEY"] = "doc-key"
        let result = try Binary.run(["run", "-v", "--profile", "corp", "-c", "integration"], environment: env)
        XCTAssertEqual(result.code, 0, result.output)
        XCTAssertTrue(result.output.contains("via proxy http://127.0.0.1:\(setup.proxy.port) (profile corp proxy)"), result.output)
        XCTAssertTrue(setup.proxy.log.contains("CONNECT 127.0.0.1:\(setup.fake.port)"), setup.proxy.log)
        XCTAssertFalse(result.output.contains("doc-key"), result.output)
        // The same profile without its CA file: the certificate is refused, by name.
        try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "ca_file = \"\(setup.ca.caFile)\"\n", with: "")
            .write(to: config, atomically: true, encoding: .utf8)
        let untrusted = try Binary.run(["run", "--profile", "corp", "-c", "integration"], environment: env)
        XCTAssertEqual(untrusted.code, 3, untrusted.output)
        XCTAssertTrue(untrusted.output.contains("untrusted issuer"), untrusted.output)
    }

    /// Pages in flight together (push_concurrency), one of them accepted
    /// only in part by an independent server: the push stops after the pages
    /// in flight are back, every landed record counted, the rejected one named
    /// by file and line; with `set partial_pages accept` all pages go and the
    /// counts add up.
    func testPartlyAcceptedPagesWhilePipelined() throws {
        let fake = try FakeService()
        defer { fake.stop() }
        let dir = try NetworkTools.temporaryDirectory("pipe")
        let users = (1...200).map { i in
            let email = i == 57 ? "nobody" : "e\(i)@example.com"
            return
                #"{"employeeId": "E\#(i)", "firstName": "A", "lastName": "B", "workEmail": "\#(email)", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z"}"#
        }
        try (users.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("users.jsonl"), atomically: true, encoding: .utf8)
        let env = Binary.environment(["SPRINTO_API_KEY": "doc-key", "SPRINTO_INTEGRATION_ID": "demo", "SPRINTO_BASE_URL": fake.base("doc")])
        let script =
            "set validation off\nset page_size 10\nset push_concurrency 8\n%@let s = start\npush s User from \"users.jsonl\"\nprint \"accepted\", last_push.accepted, \"rejected\", last_push.rejected\n"
        let stop = try Binary.run(["run", "-c", script.replacingOccurrences(of: "%@", with: "")], environment: env, directory: dir)
        XCTAssertEqual(stop.code, 6, stop.output)
        // Pages in flight hold different numbers of records, so which page holds line 57 varies.
        XCTAssertNotNil(
            stop.output.range(
                of: #"push stopped: page \d+ was accepted only in part: \d+ accepted, 1 rejected"#, options: .regularExpression),
            stop.output)
        XCTAssertTrue(stop.output.contains("users.jsonl:57 (E57): workEmail"), stop.output)
        // Under load the window may be small: then nothing was beside it.
        XCTAssertNotNil(
            stop.output.range(of: #"(\d+ pages? sent beside it landed too|nothing after it landed)"#, options: .regularExpression),
            stop.output)
        // What the message counts is what the session holds (the cleanup note reads it back).
        let counted = stop.output.firstMatch(of: /(\d+) records in \d+ pages were accepted so far/).map { String($0.1) }
        XCTAssertNotNil(counted)
        XCTAssertTrue(stop.output.contains("left active (\(counted ?? "?") records in"), stop.output)
        let accept = try Binary.run(
            ["run", "-c", script.replacingOccurrences(of: "%@", with: "set partial_pages accept\n")], environment: env, directory: dir)
        XCTAssertEqual(accept.code, 0, accept.output)
        XCTAssertTrue(accept.output.contains("accepted 199 rejected 1"), accept.output)
        XCTAssertTrue(accept.output.contains("was accepted only in part"), accept.output)
        XCTAssertTrue(accept.output.contains("pages in flight)"), "the push was not pipelined: \(accept.output)")
    }

    /// A session value keeps its own id when a read answers with another
    /// session's: `s.id` and `--output json` name the session the script
    /// started, never the one the answer names.
    func testASessionValueKeepsItsIdWhenAnAnswerNamesAnother() throws {
        let fake = try FakeService()
        defer { fake.stop() }
        let env = Binary.environment([
            "SPRINTO_API_KEY": "doc-key", "SPRINTO_INTEGRATION_ID": "demo", "SPRINTO_BASE_URL": fake.base("otherid"),
        ])
        let script = "let s = start\nlet first = s.id\nstatus s\nprint s.id\nexpect s.id == first\n"
        let text = try Binary.run(["run", "--quiet", "-c", script], environment: env)
        XCTAssertEqual(text.code, 0, text.output)
        // The session the script started is the one `status` read (the last part of its GET path).
        let read = fake.requests().last { ($0["method"] as? String) == "GET" }
        let started = try XCTUnwrap((read?["path"] as? String)?.split(separator: "/").last.map(String.init), "\(fake.requests())")
        XCTAssertTrue(
            text.output.split(separator: "\n").contains(Substring(started)), "print s.id did not print \(started): \(text.output)")
        XCTAssertFalse(text.output.split(separator: "\n").contains("ses_someone_else"), text.output)
        let json = try Binary.run(["run", "--quiet", "--output", "json", "-c", "let s = start\nstatus s\n"], environment: env)
        XCTAssertEqual(json.code, 0, json.output)
        let lines = json.standardOutput.split(separator: "\n").filter { $0.hasPrefix("{") }
        XCTAssertFalse(lines.isEmpty, json.output)
        for line in lines {
            XCTAssertFalse(
                line.contains(#""id":"ses_someone_else""#) || line.contains(#""id": "ses_someone_else""#),
                "the other id was emitted: \(line)")
        }
    }

    /// `-v` names where the extra CA came from: the flag as `--cacert`, the
    /// variable as `PUSHSH_CACERT` (the flag wins when both are given).
    func testVerboseNamesTheCASourceTheUserGave() throws {
        let setup = try makeSetup()
        defer {
            setup.fake.stop()
            setup.proxy.stop()
        }
        var env = environment(setup)
        env["PUSHSH_CACERT"] = setup.ca.caFile
        let fromVariable = try Binary.run(["run", "-v", "-c", "integration"], environment: env)
        XCTAssertEqual(fromVariable.code, 0, fromVariable.output)
        XCTAssertTrue(fromVariable.output.contains("plus \(setup.ca.caFile) (PUSHSH_CACERT)"), fromVariable.output)
        env["PUSHSH_CACERT"] = "/no/such/ca.pem"
        let fromFlag = try Binary.run(["run", "-v", "--cacert", setup.ca.caFile, "-c", "integration"], environment: env)
        XCTAssertEqual(fromFlag.code, 0, fromFlag.output)
        XCTAssertTrue(fromFlag.output.contains("plus \(setup.ca.caFile) (--cacert)"), fromFlag.output)
        XCTAssertFalse(fromFlag.output.contains("PUSHSH_CACERT"), fromFlag.output)
    }

    /// `connect url … key … cacert "FILE"` in a script: the file, relative to
    /// the script's folder, is what makes the private CA trusted.
    func testConnectWithCACertTrustsThatFileForTheConnection() throws {
        let setup = try makeSetup()
        defer {
            setup.fake.stop()
            setup.proxy.stop()
        }
        try FileManager.default.copyItem(atPath: setup.ca.caFile, toPath: setup.dir.appendingPathComponent("corp-ca.pem").path)
        let env = environment(setup).filter { !["SPRINTO_BASE_URL", "SPRINTO_INTEGRATION_ID", "HTTPS_PROXY"].contains($0.key) }
        let connect = #"connect url "\#(setup.fake.base("doc"))" integration "demo" key env("SPRINTO_API_KEY")"#
        let script = setup.dir.appendingPathComponent("trusted.push")
        try "\(connect) cacert \"corp-ca.pem\"\nlet s = start\nstatus s\nprint \"state\", s.state\n"
            .write(to: script, atomically: true, encoding: .utf8)
        // Run from another folder: the path is the script's, not the current folder's.
        let trusted = try Binary.run(["run", script.path], environment: env, directory: FileManager.default.temporaryDirectory)
        XCTAssertEqual(trusted.code, 0, trusted.output)
        XCTAssertTrue(trusted.output.contains("state active"), trusted.output)
        XCTAssertTrue(setup.fake.requests().contains { ($0["method"] as? String) == "POST" }, "the start reached the fake")
        XCTAssertFalse(trusted.output.contains("doc-key"), trusted.output)
        let untrusted = setup.dir.appendingPathComponent("untrusted.push")
        try "\(connect)\nlet s = start\n".write(to: untrusted, atomically: true, encoding: .utf8)
        let refused = try Binary.run(["run", untrusted.path], environment: env)
        XCTAssertEqual(refused.code, 3, refused.output)
        XCTAssertTrue(refused.output.contains("untrusted issuer"), refused.output)
    }

    /// A script's push whose pages are answered 200 (not the documented 202):
    /// every record counted as accepted, the run goes on to the end.
    func testPagesAnswered200AreCountedAsAcceptedByARun() throws {
        let fake = try FakeService()
        defer { fake.stop() }
        let dir = try NetworkTools.temporaryDirectory("page200")
        let users = (1...25).map { i in
            #"{"employeeId": "E\#(i)", "firstName": "A", "lastName": "B", "workEmail": "e\#(i)@example.com", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z"}"#
        }
        try (users.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("users.jsonl"), atomically: true, encoding: .utf8)
        let env = Binary.environment([
            "SPRINTO_API_KEY": "doc-key", "SPRINTO_INTEGRATION_ID": "demo", "SPRINTO_BASE_URL": fake.base("page200"),
        ])
        let script =
            "set page_size 10\nlet s = start\npush s User from \"users.jsonl\"\nprint \"accepted\", last_push.accepted, \"rejected\", last_push.rejected\nprint \"done\"\n"
        let result = try Binary.run(["run", "--quiet", "-c", script], environment: env, directory: dir)
        XCTAssertEqual(result.code, 0, result.output)
        XCTAssertTrue(result.output.contains("accepted 25 rejected 0"), result.output)
        XCTAssertTrue(result.output.contains("done"), result.output)
        XCTAssertFalse(result.output.contains("push failed"), result.output)
        let pages = fake.requests().filter { ($0["path"] as? String)?.hasSuffix("/entities") == true }
        XCTAssertEqual(pages.count, 3, "each page sent once")
    }
}
