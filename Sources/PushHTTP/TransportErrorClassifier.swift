import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTPCompression
import NIOPosix
import NIOSSL
import PushAPI

/// Sorts the errors AsyncHTTPClient, NIO and NIOSSL throw into a
/// ``TransportCause``, by their type and errno, never by their text.
struct TransportErrorClassifier {
    /// Where the request went.
    let origin: Origin
    /// The proxy it went through, if any: then connection errors are the proxy's.
    let proxy: ProxyServer?
    /// Whether the request head had been written when the error came.
    let sent: Bool

    func cause(of error: any Error) -> TransportCause {
        if let ahc = error as? HTTPClientError { return cause(of: ahc) }
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname { return .tls(.wrongHost(origin.host)) }
        if let ssl = error as? NIOSSLError {
            switch ssl {
            case .uncleanShutdown: return sent ? .connectionLost : .closedBeforeSending
            case .handshakeFailed: return .tls(.handshakeFailed)  // refined by TLSDiagnosis
            default: return .tls(.handshakeFailed)
            }
        }
        if error is NIOSSLExtraError { return .tls(.handshakeFailed) }
        if let connection = error as? NIOConnectionError {
            if connection.connectionErrors.isEmpty && (connection.dnsAError != nil || connection.dnsAAAAError != nil) {
                return unreachable(.hostNotFound(host: connection.host))
            }
            if let first = connection.connectionErrors.first { return cause(of: first.error) }
            return unreachable(.connectionRefused)
        }
        if error is SocketAddressError || error is SocketAddressError.UnknownHost {
            return unreachable(.hostNotFound(host: proxy?.host ?? origin.host))
        }
        if let io = error as? IOError { return cause(errno: io.errnoCode) }
        if let channel = error as? ChannelError {
            switch channel {
            case .connectTimeout: return unreachable(.timedOutBeforeSending)
            case .ioOnClosedChannel, .alreadyClosed, .outputClosed, .eof: return sent ? .connectionLost : .closedBeforeSending
            default: return sent ? .connectionLost : .other
            }
        }
        if error is NIOTooManyBytesError { return .responseTooLarge(limit: 0) }
        if error is NIOHTTPDecompression.DecompressionError || error is NIOHTTPDecompression.ExtraDecompressionError {
            return .undecodableBody
        }
        if error is CancellationError { return .interrupted }
        return sent ? .connectionLost : .other
    }

    private func cause(of error: HTTPClientError) -> TransportCause {
        switch error {
        case .connectTimeout, .tlsHandshakeTimeout: return unreachable(.timedOutBeforeSending)
        case .socksHandshakeTimeout, .httpProxyHandshakeTimeout:
            return proxy.map { .proxy(.timedOut(proxy: $0.address)) } ?? .timedOutBeforeSending
        case .deadlineExceeded, .readTimeout, .writeTimeout: return sent ? .timedOutAfterSending : .timedOutBeforeSending
        case .remoteConnectionClosed: return sent ? .connectionLost : .closedBeforeSending
        case .proxyAuthenticationRequired: return .proxy(.authenticationRequired(proxy: proxy?.address ?? "in use"))
        case .invalidProxyResponse: return .proxy(.refusedTunnel(proxy: proxy?.address ?? "in use"))
        case .invalidURL, .emptyHost, .emptyScheme: return .badURL
        case .cancelled: return .interrupted
        case .bodyLengthMismatch, .requestStreamCancelled: return sent ? .connectionLost : .other
        default: return sent ? .connectionLost : .other
        }
    }

    private func cause(errno: Int32) -> TransportCause {
        switch errno {
        case ECONNREFUSED: return unreachable(.connectionRefused)
        case ENETUNREACH, EHOSTUNREACH: return unreachable(.unreachable)
        case ETIMEDOUT: return sent ? .timedOutAfterSending : unreachable(.timedOutBeforeSending)
        case ECONNRESET, EPIPE, ECONNABORTED: return sent ? .connectionLost : .closedBeforeSending
        default: return sent ? .connectionLost : .other
        }
    }

    /// Through a proxy, failing to connect means failing to reach the proxy.
    private func unreachable(_ direct: TransportCause) -> TransportCause {
        guard let proxy else { return direct }
        return .proxy(.unreachable(proxy: proxy.address))
    }
}
