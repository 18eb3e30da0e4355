import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import PushAPI
import Testing

@testable import PushHTTP

/// Transport errors are sorted by their type, case and errno: an error whose
/// text reads "connection refused" is not a refused connection.
@Suite struct TransportErrorClassifierTests {
    let origin = Origin(scheme: "https", host: "api.example.com", port: 443)

    func cause(_ error: any Error, sent: Bool = false, proxy: ProxyServer? = nil) -> TransportCause {
        TransportErrorClassifier(origin: origin, proxy: proxy, sent: sent).cause(of: error)
    }

    /// An error that only says it was refused.
    struct Wordy: Error, CustomStringConvertible {
        var description: String { "connection refused (ECONNREFUSED): timed out, reset by peer" }
    }

    @Test func errnoDecides() {
        #expect(cause(IOError(errnoCode: ECONNREFUSED, reason: "connect")) == .connectionRefused)
        #expect(cause(IOError(errnoCode: EHOSTUNREACH, reason: "connect")) == .unreachable)
        #expect(cause(IOError(errnoCode: ENETUNREACH, reason: "connect")) == .unreachable)
        #expect(cause(IOError(errnoCode: ETIMEDOUT, reason: "connect")) == .timedOutBeforeSending)
        #expect(cause(IOError(errnoCode: ETIMEDOUT, reason: "read"), sent: true) == .timedOutAfterSending)
        #expect(cause(IOError(errnoCode: ECONNRESET, reason: "read")) == .closedBeforeSending)
        #expect(cause(IOError(errnoCode: ECONNRESET, reason: "read"), sent: true) == .connectionLost)
        #expect(cause(IOError(errnoCode: EPIPE, reason: "write"), sent: true) == .connectionLost)
    }

    @Test func textDoesNotDecide() {
        #expect(cause(Wordy()) == .other)
        #expect(cause(Wordy(), sent: true) == .connectionLost)
        // The errno, not the reason's words.
        #expect(cause(IOError(errnoCode: EHOSTUNREACH, reason: "connection refused")) == .unreachable)
    }

    @Test func clientAndChannelCases() {
        #expect(cause(HTTPClientError.connectTimeout) == .timedOutBeforeSending)
        #expect(cause(HTTPClientError.readTimeout, sent: true) == .timedOutAfterSending)
        #expect(cause(HTTPClientError.deadlineExceeded) == .timedOutBeforeSending)
        #expect(cause(HTTPClientError.remoteConnectionClosed) == .closedBeforeSending)
        #expect(cause(HTTPClientError.remoteConnectionClosed, sent: true) == .connectionLost)
        #expect(cause(HTTPClientError.invalidURL) == .badURL)
        #expect(cause(HTTPClientError.cancelled) == .interrupted)
        #expect(cause(ChannelError.connectTimeout(.seconds(1))) == .timedOutBeforeSending)
        #expect(cause(ChannelError.eof, sent: true) == .connectionLost)
        #expect(cause(CancellationError()) == .interrupted)
    }

    @Test func tlsCases() {
        #expect(cause(NIOSSLExtraError.failedToValidateHostname) == .tls(.wrongHost("api.example.com")))
        #expect(cause(NIOSSLError.uncleanShutdown) == .closedBeforeSending)
        #expect(cause(NIOSSLError.uncleanShutdown, sent: true) == .connectionLost)
    }

    @Test func throughAProxyConnectingIsTheProxys() {
        let proxy = ProxyServer(kind: .http, host: "proxy.local", port: 3128, username: nil, password: nil, source: "HTTPS_PROXY")
        #expect(cause(IOError(errnoCode: ECONNREFUSED, reason: "connect"), proxy: proxy) == .proxy(.unreachable(proxy: proxy.address)))
        #expect(cause(HTTPClientError.proxyAuthenticationRequired, proxy: proxy) == .proxy(.authenticationRequired(proxy: proxy.address)))
        #expect(cause(HTTPClientError.invalidProxyResponse, proxy: proxy) == .proxy(.refusedTunnel(proxy: proxy.address)))
        #expect(cause(HTTPClientError.httpProxyHandshakeTimeout, proxy: proxy) == .proxy(.timedOut(proxy: proxy.address)))
    }
}
