/// What really stopped a request, named the way a person would look for it.
///
/// Classified from the error's type (and an errno), never from its text: see
/// ``TransportErrorClassifier``. Issue-level code (hints, exit codes, a later
/// `why` command) switches on this, not on message strings.
public enum TransportCause: Sendable, Equatable {
    /// The host name did not resolve (DNS).
    case hostNotFound(host: String)
    /// The server (or nothing) listens there: the connection was refused.
    case connectionRefused
    /// No route to the host or network.
    case unreachable
    /// Connecting (TCP or TLS) took longer than allowed: nothing was sent.
    case timedOutBeforeSending
    /// The request went out and no answer came in time: it may have been acted on.
    case timedOutAfterSending
    /// The connection closed before the request went out: nothing was sent.
    case closedBeforeSending
    /// The connection dropped after the request went out: it may have been acted on.
    case connectionLost
    /// The TLS handshake failed: the server's certificate was not accepted.
    case tls(TLSProblem)
    /// The forward proxy could not be used.
    case proxy(ProxyProblem)
    /// The answer was larger than pushsh reads.
    case responseTooLarge(limit: Int)
    /// The answer's compressed body could not be decoded.
    case undecodableBody
    /// The URL cannot be used.
    case badURL
    /// The request was cancelled (Ctrl-C).
    case interrupted
    /// Something else; `detail` of the failure says what.
    case other

    /// What the cause means for a retry.
    public var kind: TransportFailure.Kind {
        switch self {
        case .hostNotFound, .connectionRefused, .unreachable, .timedOutBeforeSending, .closedBeforeSending: return .notConnected
        case .proxy(.unreachable): return .notConnected
        case .timedOutAfterSending: return .timedOut
        case .connectionLost: return .connectionLost
        case .tls, .proxy, .responseTooLarge, .undecodableBody, .badURL, .interrupted, .other: return .other
        }
    }

    /// Whether trying again may help. A refused connection or a connect
    /// timeout may pass; a name that does not resolve, a certificate that is
    /// not trusted or a proxy asking for credentials will not. A request that
    /// may have been acted on is retried only when it is idempotent.
    public func isRetryable(idempotent: Bool) -> Bool {
        switch self {
        case .connectionRefused, .unreachable, .timedOutBeforeSending, .closedBeforeSending, .proxy(.unreachable): return true
        case .timedOutAfterSending, .connectionLost: return idempotent
        default: return false
        }
    }

    /// One phrase for messages.
    public func words(server: String?) -> String {
        let there = server.map { " \($0)" } ?? ""
        switch self {
        case .hostNotFound(let host): return "host not found: the name \(host) does not resolve (DNS)"
        case .connectionRefused: return "connection refused\(server.map { " by \($0)" } ?? "")"
        case .unreachable: return "\(server ?? "the server") cannot be reached (no route to the host)"
        case .timedOutBeforeSending: return "timed out connecting to\(there.isEmpty ? " the server" : there); nothing was sent"
        case .timedOutAfterSending: return "timed out waiting for the answer after the request was sent"
        case .closedBeforeSending: return "the connection closed before the request was sent"
        case .connectionLost: return "the connection dropped after the request was sent, before the answer"
        case .tls(let problem): return problem.words(server: server)
        case .proxy(let problem): return problem.words
        case .responseTooLarge(let limit): return "the answer is larger than \(limit / 1_048_576) MB; pushsh stopped reading it"
        case .undecodableBody: return "the answer's compressed body cannot be decoded"
        case .badURL: return "the URL cannot be used"
        case .interrupted: return "interrupted"
        case .other: return "the request failed"
        }
    }
}

/// Why a server's TLS certificate was not accepted.
public enum TLSProblem: Sendable, Equatable {
    /// Not signed by an authority this machine (or the configured CA) trusts.
    case untrustedIssuer
    /// Past its end date.
    case expired
    /// Not yet valid (or this machine's clock is behind).
    case notYetValid
    /// Issued for other host names than the one connected to.
    case wrongHost(String)
    /// The certificate was refused, seen through a proxy (which hides which check failed).
    case unverified
    /// The handshake failed for another reason (protocol, cipher, a proxy cutting in).
    case handshakeFailed

    func words(server: String?) -> String {
        let of = server.map { " of \($0)" } ?? ""
        switch self {
        case .untrustedIssuer: return "TLS: the certificate\(of) is not signed by a trusted authority (untrusted issuer)"
        case .expired: return "TLS: the certificate\(of) has expired"
        case .notYetValid: return "TLS: the certificate\(of) is not valid yet (check this machine's clock)"
        case .wrongHost(let host): return "TLS: the certificate\(of) is not issued for the host name \(host)"
        case .unverified: return "TLS: the certificate\(of) was not accepted (an untrusted issuer, expired, or not for this host)"
        case .handshakeFailed: return "TLS: the handshake\(server.map { " with \($0)" } ?? "") failed"
        }
    }
}

/// Why the forward proxy could not be used.
public enum ProxyProblem: Sendable, Equatable {
    /// Connecting to the proxy failed (refused, not found, timed out).
    case unreachable(proxy: String)
    /// The proxy answered 407: it wants credentials.
    case authenticationRequired(proxy: String)
    /// The proxy would not open a tunnel (CONNECT) to the target.
    case refusedTunnel(proxy: String)
    /// The proxy took too long to open the tunnel.
    case timedOut(proxy: String)

    var words: String {
        switch self {
        case .unreachable(let proxy): return "cannot connect to the proxy \(proxy)"
        case .authenticationRequired(let proxy): return "the proxy \(proxy) asks for credentials (407 Proxy Authentication Required)"
        case .refusedTunnel(let proxy): return "the proxy \(proxy) refused to open a tunnel to the server"
        case .timedOut(let proxy): return "the proxy \(proxy) did not open the tunnel in time"
        }
    }
}
