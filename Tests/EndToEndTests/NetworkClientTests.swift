import Foundation
import HTTPTypes
import PushAPI
import PushHTTP
import PushScript
import XCTest

/// The client core against an independent fake service that answers the way
/// the documentation allows, through a real proxy (tinyproxy) and with
/// certificates made by openssl. Everything on 127.0.0.1.
final class NetworkClientTests: XCTestCase {
    func client(_ base: String, network: NetworkSettings = .direct, retry: RetryPolicy = RetryPolicy(), timeout: Duration = .seconds(10))
        throws -> PushClient
    {
        let transport = try HTTPTransport(baseURL: base, network: network)
        return PushClient(
            configuration: PushConfiguration(baseURL: base, integrationID: "demo", apiKey: APIKey("doc-key"), requestTimeout: timeout),
            transport: transport, retryPolicy: retry)
    }

    func records(_ emails: [String]) -> [JSONValue] {
        emails.enumerated().map { i, email in
            [
                "employeeId": .string("E\(i)"), "firstName": "A", "lastName": "B", "workEmail": .string(email),
                "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z",
            ]
        }
    }

    // MARK: Answers the sandbox never gives

    func testAny2xxIsSuccessAndDisplayFieldsNeverAbort() async throws {
        let fake = try FakeService()
        let client = try client(fake.base("doc"))
        defer { Task { await client.transport.shutdown() } }
        // 200 where 201 is documented, gzip-encoded, with zone-less and past timestamps.
        let session = try await client.startSession()
        XCTAssertEqual(session.state, .active)
        XCTAssertNil(session.createdAt)
        XCTAssertTrue(session.warnings.contains { $0.hasPrefix("created_at") && $0.contains("time zone") }, "\(session.warnings)")
        XCTAssertNotNil(session.expiresAt, "a past expiry with a zone reads")
        // 202 with a rejection: the answer is returned, with the rejection in it.
        let answer = try await client.push(
            EntityPage(type: "User", records: records(["a@x.example", "not-an-email", "c@x.example"])), to: session.id)
        XCTAssertEqual(answer.acceptedCountTotal, 2)
        XCTAssertEqual(answer.rejectedCountTotal, 1)
        XCTAssertTrue(answer.hasRejections)
        XCTAssertEqual(answer.validationErrors.first?.index, 1)
        // Close answered 200 where 202 is documented.
        let closed = try await client.close(session.id, action: .apply)
        XCTAssertEqual(closed.state, .processing)
        let requests = fake.requests()
        XCTAssertFalse(requests.isEmpty)
        for request in requests {
            XCTAssertEqual(fake.headers(of: request)["user-agent"], "pushsh/\(PushshVersion.current)")
            XCTAssertEqual(fake.headers(of: request)["accept-encoding"], "gzip, deflate")
        }
    }

    /// A proxy or CDN may deflate answers (`Content-Encoding: deflate`, the
    /// zlib format): session and page answers read as if they were plain.
    func testADeflateEncodedAnswerIsDecoded() async throws {
        let fake = try FakeService()
        let client = try client(fake.base("deflate"))
        defer { Task { await client.transport.shutdown() } }
        let session = try await client.startSession()
        XCTAssertEqual(session.state, .active)
        XCTAssertTrue(session.id.hasPrefix("ses_"), session.id)
        let answer = try await client.push(EntityPage(type: "User", records: records(["a@x.example", "b@x.example"])), to: session.id)
        XCTAssertEqual(answer.acceptedCountTotal, 2)
        let read = try await client.session(session.id)
        XCTAssertEqual(read.acceptedRecordsTotal, 2)
        XCTAssertEqual(fake.requests().count, 3)
    }

    /// A page answered 200 where 202 is documented was staged: it counts as
    /// accepted, never as a failure (a re-run would stage it twice).
    func testAPageAnswered200IsCountedAsAccepted() async throws {
        let fake = try FakeService()
        let client = try client(fake.base("page200"))
        defer { Task { await client.transport.shutdown() } }
        let session = try await client.startSession()
        let answer = try await client.push(
            EntityPage(type: "User", records: records(["a@x.example", "b@x.example", "c@x.example"])), to: session.id)
        XCTAssertEqual(answer.acceptedCountTotal, 3)
        XCTAssertEqual(answer.rejectedCountTotal, 0)
        XCTAssertFalse(answer.hasRejections)
    }

    func testASessionIdIsNeverReplacedByAnAnswers() async throws {
        let fake = try FakeService()
        let client = try client(fake.base("otherid"))
        defer { Task { await client.transport.shutdown() } }
        let started = try await client.startSession()
        let read = try await client.session(started.id)
        XCTAssertEqual(read.id, started.id)
        XCTAssertEqual(read.raw["id"], .string(started.id), "raw is what scripts and --output json read")
        XCTAssertTrue(read.warnings.contains { $0.contains("ses_someone_else") && $0.contains("keeps \(started.id)") }, "\(read.warnings)")
    }

    func testRetryAfterAsAnHTTPDateIsWaitedFor() async throws {
        let fake = try FakeService()
        let waits = WaitLog()
        var client = try client(fake.base("retrydate"))
        client.observer = { exchange in if let wait = exchange.retryingAfter { waits.add(wait, asked: exchange.waitAskedByService) } }
        let transport = client.transport
        defer { Task { await transport.shutdown() } }
        let began = ContinuousClock.now
        let session = try await client.startSession()
        XCTAssertEqual(session.state, .active)
        let recorded = waits.all
        XCTAssertEqual(recorded.count, 1)
        XCTAssertGreaterThanOrEqual(recorded[0].wait, .milliseconds(900), "an HTTP date two seconds ahead (whole seconds)")
        XCTAssertTrue(recorded[0].asked)
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - began, .milliseconds(900))
    }

    func testARetryAfterBeyondTheBudgetStopsAndSaysSo() async throws {
        let fake = try FakeService()
        let client = try client(fake.base("retryfar"), retry: RetryPolicy(maxTotal: .seconds(60)))
        defer { Task { await client.transport.shutdown() } }
        do {
            _ = try await client.startSession()
            XCTFail("expected a 429")
        } catch {
            XCTAssertEqual(error.status, .tooManyRequests)
            XCTAssertEqual(error.attempts, 1)
            XCTAssertTrue(error.advice?.contains("retry_for") == true, error.description)
            // An HTTP date an hour ahead is a little under 3600000ms away: shown as people write it, rounded up.
            XCTAssertTrue(error.advice?.contains("asked to wait 1h (Retry-After)") == true, error.advice ?? "")
            XCTAssertTrue(error.advice?.contains("set retry_for 61m to wait that long") == true, error.advice ?? "")
            XCTAssertNil(error.advice?.range(of: #"\d{4,}ms"#, options: .regularExpression), error.advice ?? "")
            XCTAssertGreaterThan(error.retryAfter ?? .zero, .seconds(3000))
        }
    }

    func testAnUnreadableStartAnswerSaysTheSessionMayExist() async throws {
        let fake = try FakeService()
        let client = try client(fake.base("nostate"))
        defer { Task { await client.transport.shutdown() } }
        do {
            _ = try await client.startSession()
            XCTFail("expected an unusable answer")
        } catch {
            XCTAssertEqual(error.kind, .unexpectedResponse)
            XCTAssertNotNil(error.sessionID)
            XCTAssertTrue(error.message.contains("may have taken effect"), error.message)
        }
        let garbage = try self.client(fake.base("garbage"))
        defer { Task { await garbage.transport.shutdown() } }
        do {
            _ = try await garbage.startSession()
            XCTFail("expected an unusable answer")
        } catch {
            XCTAssertEqual(error.kind, .unexpectedResponse)
            XCTAssertEqual(error.rawBody, "[1024 bytes that are not text (content-type: application/octet-stream)]")
        }
    }

    // MARK: Redirects

    func testACrossOriginRedirectIsRefusedAndTheOtherOriginNeverGetsTheKey() async throws {
        let elsewhere = try FakeService()
        let fake = try FakeService(otherOrigin: elsewhere.origin)
        let client = try client(fake.base("cross"))
        defer { Task { await client.transport.shutdown() } }
        do {
            _ = try await client.startSession()
            XCTFail("expected the redirect to be refused")
        } catch {
            guard case .redirected(.temporaryRedirect, let location) = error.kind else { return XCTFail("\(error)") }
            XCTAssertTrue(location.hasPrefix(elsewhere.origin), location)
            XCTAssertTrue(error.message.contains(location), error.message)
            XCTAssertTrue(error.advice?.contains("another origin") == true, error.advice ?? "")
        }
        XCTAssertEqual(fake.requests().count, 1)
        XCTAssertTrue(elsewhere.requests().isEmpty, "the other origin was contacted: \(elsewhere.requests())")
        XCTAssertFalse(elsewhere.requests().contains { elsewhere.headers(of: $0)["api-key"] != nil })
    }

    func testASameOriginRedirectIsFollowedWithTheMethodKept() async throws {
        let fake = try FakeService()
        let client = try client(fake.base("same"))
        defer { Task { await client.transport.shutdown() } }
        let session = try await client.startSession()
        XCTAssertEqual(session.state, .active)
        let methods = fake.requests().map { "\($0["method"] ?? "") \($0["path"] ?? "")" }
        XCTAssertEqual(
            methods,
            ["POST /same/api/external/push/v1/integrations/demo/sessions", "POST /doc/api/external/push/v1/integrations/demo/sessions"])
    }

    func testA301OnAPostIsRefusedNamingTheBaseURLToUse() async throws {
        let fake = try FakeService()
        let client = try client(fake.base("moved"))
        defer { Task { await client.transport.shutdown() } }
        do {
            _ = try await client.startSession()
            XCTFail("expected the redirect to be refused")
        } catch {
            guard case .redirected(.movedPermanently, _) = error.kind else { return XCTFail("\(error)") }
            XCTAssertTrue(error.advice?.contains(fake.base("doc")) == true, error.advice ?? "")
            XCTAssertTrue(error.advice?.contains("POST") == true, error.advice ?? "")
        }
        XCTAssertEqual(fake.requests().count, 1, "the POST was not turned into a GET")

        let upgrade = try self.client(fake.base("upgrade"))
        defer { Task { await upgrade.transport.shutdown() } }
        do {
            _ = try await upgrade.integrationStatus()
            XCTFail("expected the redirect to be refused")
        } catch {
            XCTAssertTrue(error.advice?.contains("https://127.0.0.1:\(fake.port)/upgrade/api/external/push") == true, error.advice ?? "")
        }
    }

    // MARK: Transport failures by cause

    func testTransportFailuresAreNamedByTheirCause() async throws {
        let refused = try client("http://127.0.0.1:1/api/external/push", retry: .none)
        defer { Task { await refused.transport.shutdown() } }
        do {
            _ = try await refused.startSession()
            XCTFail()
        } catch {
            XCTAssertEqual(error.transportCause, .connectionRefused)
            XCTAssertTrue(error.advice?.contains("pushsh serve") == true, "a loopback target may be the sandbox")
        }
        let unknown = try client("https://no-such-host.invalid/api/external/push", retry: RetryPolicy(maxAttempts: 3))
        defer { Task { await unknown.transport.shutdown() } }
        do {
            _ = try await unknown.startSession()
            XCTFail()
        } catch {
            XCTAssertEqual(error.transportCause, .hostNotFound(host: "no-such-host.invalid"), error.description)
            XCTAssertEqual(error.attempts, 1, "a name that does not resolve is not retried")
            XCTAssertFalse(error.advice?.contains("pushsh serve") == true, "no sandbox hint for a remote host")
            XCTAssertTrue(error.message.contains("DNS"), error.message)
        }
    }

    func testATimeoutAfterSendingIsUnclearAndNamedSo() async throws {
        let fake = try FakeService()
        let client = try client(fake.base("slow"), retry: .none, timeout: .seconds(1))
        defer { Task { await client.transport.shutdown() } }
        do {
            _ = try await client.startSession()
            XCTFail()
        } catch {
            XCTAssertEqual(error.transportCause, .timedOutAfterSending, error.description)
            XCTAssertTrue(error.isUnclear)
            XCTAssertTrue(error.advice?.contains("set timeout") == true, error.advice ?? "")
        }
    }

    // MARK: TLS with a private CA

    func testTLSIsTrustedThroughSSLCertFileOrTheExplicitCAAndRefusedWithout() async throws {
        let ca = try TestCA.make()
        let fake = try FakeService(tls: ca.issued("good"))
        let viaFile = try client(fake.base("doc"), network: .fromEnvironment(["SSL_CERT_FILE": ca.caFile]))
        defer { Task { await viaFile.transport.shutdown() } }
        _ = try await viaFile.integrationStatus()
        let viaOption = try client(fake.base("doc"), network: .fromEnvironment(["PUSHSH_CACERT": ca.caFile]))
        defer { Task { await viaOption.transport.shutdown() } }
        _ = try await viaOption.integrationStatus()
        let viaDirectory = try client(fake.base("doc"), network: .fromEnvironment(["SSL_CERT_DIR": ca.dir.path]))
        defer { Task { await viaDirectory.transport.shutdown() } }
        _ = try await viaDirectory.integrationStatus()

        let untrusted = try client(fake.base("doc"), retry: RetryPolicy(maxAttempts: 5))
        defer { Task { await untrusted.transport.shutdown() } }
        do {
            _ = try await untrusted.integrationStatus()
            XCTFail("an unknown CA was trusted")
        } catch {
            XCTAssertEqual(error.transportCause, .tls(.untrustedIssuer), error.description)
            XCTAssertEqual(error.attempts, 1, "a certificate problem is not retried")
            XCTAssertTrue(error.advice?.contains("SSL_CERT_FILE") == true && error.advice?.contains("--cacert") == true, error.advice ?? "")
            XCTAssertFalse(
                error.description.contains("NIOSSL") || error.description.contains("BoringSSL") || error.description.contains(".swift"),
                error.description)
        }
    }

    func testTLSNamesAWrongHostAndAnExpiredCertificate() async throws {
        let ca = try TestCA.make()
        let trust = NetworkSettings.fromEnvironment(["PUSHSH_CACERT": ca.caFile])
        let wrong = try FakeService(tls: ca.issued("wronghost"))
        let wrongClient = try client(wrong.base("doc"), network: trust)
        defer { Task { await wrongClient.transport.shutdown() } }
        do {
            _ = try await wrongClient.integrationStatus()
            XCTFail()
        } catch {
            XCTAssertEqual(error.transportCause, .tls(.wrongHost("127.0.0.1")), error.description)
        }
        let expired = try FakeService(tls: ca.issued("expired"))
        let expiredClient = try client(expired.base("doc"), network: trust)
        defer { Task { await expiredClient.transport.shutdown() } }
        do {
            _ = try await expiredClient.integrationStatus()
            XCTFail()
        } catch {
            XCTAssertEqual(error.transportCause, .tls(.expired), error.description)
            XCTAssertEqual(error.attempts, 1)
        }
    }

    func testAMissingCAFileIsAConfigurationError() {
        XCTAssertThrowsError(
            try HTTPTransport(baseURL: "https://x.example", network: .fromEnvironment(["SSL_CERT_FILE": "/no/such/ca.pem"]))
        ) { error in
            XCTAssertEqual("\(error)", "SSL_CERT_FILE: /no/such/ca.pem does not exist")
        }
    }

    // MARK: Through a real proxy

    func testHTTPTargetsGoThroughTheProxyAndItsLogSeesThem() async throws {
        let fake = try FakeService()
        let proxy = try TinyProxy()
        let client = try client(fake.base("doc"), network: .fromEnvironment(["http_proxy": proxy.url]))
        defer { Task { await client.transport.shutdown() } }
        _ = try await client.startSession()
        // AsyncHTTPClient tunnels http:// targets too (CONNECT), so the proxy logs the tunnel.
        XCTAssertTrue(proxy.log.contains("CONNECT 127.0.0.1:\(fake.port)"), proxy.log)
        XCTAssertEqual(fake.requests().count, 1)
    }

    func testHTTPSTargetsTunnelThroughTheProxyWithConnect() async throws {
        let ca = try TestCA.make()
        let fake = try FakeService(tls: ca.issued("good"))
        let proxy = try TinyProxy()
        let client = try client(fake.base("doc"), network: .fromEnvironment(["HTTPS_PROXY": proxy.url, "PUSHSH_CACERT": ca.caFile]))
        defer { Task { await client.transport.shutdown() } }
        _ = try await client.startSession()
        XCTAssertTrue(proxy.log.contains("CONNECT 127.0.0.1:\(fake.port)"), proxy.log)
    }

    func testNoProxyBypassesTheProxy() async throws {
        let fake = try FakeService()
        let proxy = try TinyProxy()
        let client = try client(fake.base("doc"), network: .fromEnvironment(["HTTP_PROXY": proxy.url, "NO_PROXY": "127.0.0.1"]))
        defer { Task { await client.transport.shutdown() } }
        _ = try await client.startSession()
        XCTAssertEqual(fake.requests().count, 1, "the request reached the service")
        // tinyproxy logs a tunnel as "CONNECT 127.0.0.1:PORT", never the path: that is the line to look for.
        XCTAssertFalse(proxy.log.contains("CONNECT 127.0.0.1:\(fake.port)"), proxy.log)
        XCTAssertFalse(proxy.log.contains("127.0.0.1:\(fake.port)"), proxy.log)
    }

    func testAnUnreachableProxyIsNamed() async throws {
        let port = NetworkTools.freePort()
        let client = try client(
            "http://127.0.0.1:9/api/external/push", network: .fromEnvironment(["HTTP_PROXY": "http://127.0.0.1:\(port)"]), retry: .none)
        defer { Task { await client.transport.shutdown() } }
        do {
            _ = try await client.startSession()
            XCTFail()
        } catch {
            XCTAssertEqual(error.transportCause, .proxy(.unreachable(proxy: "127.0.0.1:\(port)")), error.description)
            XCTAssertTrue(error.advice?.contains("HTTPS_PROXY") == true)
        }
    }
}

/// Waits seen by an observer, which runs on any thread.
final class WaitLog: @unchecked Sendable {
    private let lock = NSLock()
    private var waits: [(wait: Duration, asked: Bool)] = []
    func add(_ wait: Duration, asked: Bool) {
        lock.lock()
        waits.append((wait, asked))
        lock.unlock()
    }
    var all: [(wait: Duration, asked: Bool)] {
        lock.lock()
        defer { lock.unlock() }
        return waits
    }
}
