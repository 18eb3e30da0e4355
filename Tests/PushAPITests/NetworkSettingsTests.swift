import XCTest

@testable import PushAPI

/// Proxy choice, NO_PROXY, Retry-After dates, origins and redirect targets:
/// the decisions the HTTP transport makes before anything is sent.
final class NetworkSettingsTests: XCTestCase {
    func origin(_ url: String) -> Origin { Origin(url: url)! }

    func testProxyIsChosenBySchemeEitherCaseLowercaseFirst() throws {
        let settings = ProxySettings.fromEnvironment([
            "HTTPS_PROXY": "http://upper:3128", "https_proxy": "http://lower:3129", "HTTP_PROXY": "proxy.example:8080",
        ])
        let https = try XCTUnwrap(try settings.proxy(for: origin("https://api.sprinto.com/api")))
        XCTAssertEqual(https.host, "lower")
        XCTAssertEqual(https.port, 3129)
        XCTAssertEqual(https.source, "https_proxy")
        let http = try XCTUnwrap(try settings.proxy(for: origin("http://api.sprinto.com/api")))
        XCTAssertEqual(http.host, "proxy.example")
        XCTAssertEqual(http.port, 8080)
        XCTAssertEqual(http.source, "HTTP_PROXY")
    }

    func testAllProxyIsTheFallback() throws {
        let settings = ProxySettings.fromEnvironment(["ALL_PROXY": "socks5://127.0.0.1:1080", "http_proxy": "http://h:1"])
        XCTAssertEqual(try settings.proxy(for: origin("https://x.example"))?.kind, .socks)
        XCTAssertEqual(try settings.proxy(for: origin("http://x.example"))?.host, "h")
        XCTAssertNil(try ProxySettings.fromEnvironment([:]).proxy(for: origin("https://x.example")))
    }

    func testNoProxyMatchesHostsSuffixesIPsPortsBlocksAndStar() throws {
        let settings = ProxySettings.fromEnvironment([
            "HTTPS_PROXY": "http://p:3128",
            "no_proxy": "localhost, .internal.example,sprinto.com 10.0.0.0/8,192.168.1.5,other.example:8443",
        ])
        for direct in [
            "https://localhost", "https://a.internal.example", "https://internal.example", "https://api.sprinto.com",
            "https://sprinto.com", "https://10.2.3.4", "https://192.168.1.5", "https://other.example:8443",
        ] {
            XCTAssertNil(try settings.proxy(for: origin(direct)), direct)
        }
        for proxied in [
            "https://notsprinto.com", "https://11.0.0.1", "https://192.168.1.6", "https://other.example", "https://example.org",
        ] {
            XCTAssertNotNil(try settings.proxy(for: origin(proxied)), proxied)
        }
        let all = ProxySettings.fromEnvironment(["HTTPS_PROXY": "http://p:3128", "NO_PROXY": "*"])
        XCTAssertNil(try all.proxy(for: origin("https://anything.example")))
    }

    func testProxyCredentialsAreReadDecodedAndRedacted() throws {
        let settings = ProxySettings.fromEnvironment(["HTTPS_PROXY": "http://alice:s%40cret@proxy.corp:3128"])
        let proxy = try XCTUnwrap(try settings.proxy(for: origin("https://api.sprinto.com")))
        XCTAssertEqual(proxy.username, "alice")
        XCTAssertEqual(proxy.password, "s@cret")
        XCTAssertEqual(proxy.description, "http://alice:[redacted]@proxy.corp:3128 (HTTPS_PROXY)")
        XCTAssertFalse(proxy.description.contains("s@cret"))
        XCTAssertTrue(proxy.secrets.contains("s@cret"))
    }

    func testAProxyThatCannotBeUsedIsAConfigurationError() {
        let settings = ProxySettings.fromEnvironment(["HTTPS_PROXY": "https://p:3128"])
        XCTAssertThrowsError(try settings.proxy(for: origin("https://x.example"))) { error in
            XCTAssertTrue("\(error)".contains("HTTPS_PROXY"), "\(error)")
        }
    }

    func testRetryAfterReadsSecondsAndAllThreeHTTPDateForms() throws {
        let now = try XCTUnwrap(Timestamp(iso8601: "1994-11-06T08:49:30Z"))
        XCTAssertEqual(parseRetryAfter("5", now: now), .seconds(5))
        XCTAssertEqual(parseRetryAfter("1.5", now: now), .milliseconds(1500))
        XCTAssertEqual(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: now), .seconds(7))
        XCTAssertEqual(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now: now), .seconds(7))
        XCTAssertEqual(parseRetryAfter("Sun Nov  6 08:49:37 1994", now: now), .seconds(7))
        XCTAssertEqual(parseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now: now), .zero, "a date in the past means no wait")
        XCTAssertNil(parseRetryAfter("soon", now: now))
        XCTAssertNil(parseRetryAfter("-3", now: now))
    }

    func testOriginsCompareSchemeHostAndDefaultPort() {
        XCTAssertEqual(origin("https://API.sprinto.com/api/x"), origin("https://api.sprinto.com:443/other"))
        XCTAssertNotEqual(origin("http://api.sprinto.com"), origin("https://api.sprinto.com"))
        XCTAssertNotEqual(origin("http://127.0.0.1:8080"), origin("http://127.0.0.1:8081"))
        XCTAssertTrue(origin("http://127.0.0.1:8080").isLoopback)
        XCTAssertFalse(origin("https://api.sprinto.com").isLoopback)
        XCTAssertNil(Origin(url: "ftp://x"))
    }

    func testLocationsResolveAgainstTheRequestURL() {
        let base = "http://127.0.0.1:9/a/api/external/push/v1/sessions"
        XCTAssertEqual(URLResolution.resolve("/b/x", against: base), "http://127.0.0.1:9/b/x")
        XCTAssertEqual(URLResolution.resolve("https://other:1/x", against: base), "https://other:1/x")
        XCTAssertEqual(URLResolution.resolve("//other/x", against: base), "http://other/x")
        XCTAssertEqual(URLResolution.resolve("y", against: base), "http://127.0.0.1:9/a/api/external/push/v1/y")
    }

    func testBinaryBodiesAreDescribedNotDumped() {
        let gzip: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00]
        let text = BodyText.describe(gzip, contentType: "application/json", encoding: "gzip")
        XCTAssertEqual(text, "[7 bytes that are not text (content-type: application/json, content-encoding: gzip, gzip-compressed)]")
        XCTAssertEqual(BodyText.describe(Array("plain words".utf8), contentType: nil, encoding: nil), "plain words")
    }

    func testTransportCausesSayWhatHappenedAndWhetherToRetry() {
        XCTAssertFalse(TransportCause.tls(.untrustedIssuer).isRetryable(idempotent: true))
        XCTAssertFalse(TransportCause.hostNotFound(host: "x").isRetryable(idempotent: true))
        XCTAssertTrue(TransportCause.connectionRefused.isRetryable(idempotent: false))
        XCTAssertFalse(TransportCause.timedOutAfterSending.isRetryable(idempotent: false))
        XCTAssertTrue(TransportCause.timedOutAfterSending.isRetryable(idempotent: true))
        XCTAssertEqual(TransportCause.timedOutBeforeSending.kind, .notConnected)
        XCTAssertEqual(TransportCause.timedOutAfterSending.kind, .timedOut)
        let words = TransportCause.tls(.untrustedIssuer).words(server: "127.0.0.1:443")
        XCTAssertTrue(words.contains("untrusted issuer"), words)
    }
}
