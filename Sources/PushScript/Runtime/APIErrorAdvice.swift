import HTTPTypes
import PushAPI
import PushSyntax

/// What a pushsh user should do about a failed call, in pushsh's words: the
/// client core gives a typed ``PushAPIError/Reason``; the commands to run
/// (`close ... apply`, `set retry_for ...`) are named here, in the language layer.
///
/// Every command an advice suggests is written exactly as it runs, never
/// with a placeholder (a `close` in single quotes: `'close "ses_1" discard'`),
/// so it can be pasted at the prompt; a test parses each one. Where a session may hold a partial
/// upload, discarding it comes first: applying half a file is the choice to
/// make on purpose.
extension PushAPIError {
    /// The hint a pushsh user reads: the advice for why no answer came, why
    /// a redirect was not followed, or why the service refused. (A command
    /// with more to say sets its ScriptError's hint.)
    public var advice: String? {
        if let transportCause { return transportAdvice(transportCause) }
        if let refusedRedirect { return Self.advice(refusedRedirect) }
        return reason.map(Self.advice)
    }

    /// What to do when no answer came, by its typed cause.
    func transportAdvice(_ cause: TransportCause) -> String? {
        switch cause {
        case .tls(let problem):
            switch problem {
            case .untrustedIssuer, .unverified:
                return
                    "if your network inspects TLS with its own CA (a corporate proxy), trust that CA: SSL_CERT_FILE=/path/ca.pem, --cacert FILE, or connect ... cacert \"FILE\" (see docs/network.md); nothing was sent"
            case .expired, .notYetValid:
                return "the server's certificate is out of date (or this machine's clock is wrong); nothing was sent"
            case .wrongHost:
                return "use the host name the certificate was issued for in the base URL; nothing was sent"
            case .handshakeFailed:
                return "is the base URL's scheme right (https:// for a TLS server, http:// for a plain one)? nothing was sent"
            }
        case .hostNotFound:
            return
                "check the host name in the base URL; a network that reaches the internet only through a proxy needs HTTPS_PROXY (see docs/network.md)"
        case .proxy(.authenticationRequired):
            return
                "give the proxy's credentials in its URL: HTTPS_PROXY=http://user:password@proxy:3128 (the password is redacted in all output)"
        case .proxy(.unreachable), .proxy(.timedOut):
            return "check HTTPS_PROXY / HTTP_PROXY / ALL_PROXY; hosts listed in NO_PROXY are reached directly"
        case .proxy(.refusedTunnel):
            return "the proxy does not allow this host or port; ask its administrator, or list the host in NO_PROXY to connect directly"
        case .timedOutBeforeSending:
            return
                "nothing was sent; check the network (and the proxy, if any). A longer timeout: set timeout 60s, --timeout 60s or PUSHSH_TIMEOUT"
        default:
            if mayHaveTakenEffect {
                var advice =
                    endpoint == .pushPage
                    ? "the page may or may not have been staged: read the session (status) and compare accepted_batches before sending it again"
                    : "the request may have reached the service: read the session (status) before repeating it"
                if cause == .timedOutAfterSending { advice += "; a slow service may need a longer timeout: set timeout 60s" }
                return advice
            }
            guard cause.kind == .notConnected else { return nil }
            return serverIsLocal
                ? "is the service running and the base URL right? (pushsh serve prints its URL)"
                : "check the base URL's host and port; behind a proxy, set HTTPS_PROXY (see docs/network.md)"
        }
    }

    /// What to do about a redirect pushsh did not follow.
    static func advice(_ redirect: RefusedRedirect) -> String {
        var advice: String
        switch redirect.why {
        case .otherOrigin(let home, let there):
            advice = "it points to another origin (\(there)) than the configured \(home), and the API key must not go there"
        case .wouldDropBody(let status):
            advice = "a \(status.code) lets a POST become a GET, which would drop the request's body"
        }
        if let suggested = redirect.suggestedBaseURL {
            advice += "; if that is the service, use it as the base URL: \(suggested)"
            if redirect.upgradesToHTTPS { advice += " (https://, not http://)" }
        } else {
            advice += "; check the base URL"
        }
        return advice
    }

    static func advice(_ reason: Reason) -> String {
        switch reason {
        case .pageRejected:
            return "the whole page was rejected and nothing was staged; fix the records listed and push the page again"
        case .malformedRequest:
            return "the request is malformed; see the message above"
        case .unauthorized:
            return "check the API key and the integration id (SPRINTO_API_KEY, SPRINTO_INTEGRATION_ID): each key belongs to one integration"
        case .noSuchSession:
            return "no such session for this integration: check the session id, and that the key and integration id match the session's"
        case .notFound:
            return "check the base URL and the integration id"
        case .proxyAuthenticationRequired:
            return "the proxy wants credentials: HTTPS_PROXY=http://user:password@proxy:3128"
        case .sessionAlreadyActive(let id):
            // The service's message says what happened; this says what to type.
            guard let id else {
                return
                    "'activity since 2h' shows which session is active (started and not closed since); close it with discard (or apply), or let it expire, then start again"
            }
            let session = StringLiteral.quoted(id)
            return
                "'close \(session) discard' ends it and drops what it staged ('close \(session) apply' processes it instead); then start again"
        case .sessionExpired:
            return
                "the session expired (no request for its inactivity timeout) holding only what was staged so far: discard it and push everything again in a new session, or apply it to keep those pages and push only the rest"
        case .sessionClosed:
            return "the session was closed (by this script or someone else); start a new session and push the remaining pages there"
        case .sessionNotActive:
            return "only an active session accepts pages: start a new session and push the pages there"
        case .sessionNotClosable:
            return "only an active or expired session can be closed; read its state with status"
        case .bodyTooLarge:
            return
                "the request body is larger than the service, or a gateway in front of it, takes (which may be far below the documented 5 MB): send smaller pages, for example: set page_bytes 1000000; or fewer records a page, for example: set page_size 100"
        case .unsupportedMediaType:
            return "send the body as JSON with content-type: application/json"
        case .rateLimited(let wait):
            let asked = wait.map { " (the service asked for \(DurationText.formatRoughly($0)))" } ?? ""
            return "the service is rate limiting this integration\(asked): slow down or try again later"
        case .retryAfterTooLong(let wait, let budget):
            // An HTTP-date Retry-After leaves odd milliseconds: show whole seconds or minutes, rounded up.
            return
                "the service asked to wait \(DurationText.formatRoughly(wait)) (Retry-After), longer than pushsh keeps retrying (retry_for \(DurationText.format(budget))): set retry_for \(DurationText.formatRoughly(wait + .seconds(10))) to wait that long, or try later"
        case .serviceFailing:
            return "the service is failing; try again later. Nothing was retried if it could have been applied twice"
        }
    }
}
