import PushAPI

/// What a pushsh user should do about a failed call, in pushsh's words: the
/// client core gives a typed ``PushAPIError/Reason``; the commands to run
/// (`close ... apply`, `set retry_for ...`) are named here, in the language layer.
extension PushAPIError {
    /// The hint a pushsh user reads: the client's own (transport, redirect),
    /// else the advice for the service's reason.
    public var advice: String? { hint ?? reason.map(Self.advice) }

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
            return
                "only one session may be active per integration: close \(id ?? "the active session") (close ... apply|discard) or let it expire, then start again"
        case .sessionExpired:
            return
                "the session expired (no request for its inactivity timeout): close it with apply to keep what was staged, then start a new session for the rest"
        case .sessionClosed:
            return "the session was closed (by this script or someone else); start a new session and push the remaining pages there"
        case .sessionNotActive:
            return "only an active session accepts pages: start a new session and push the pages there"
        case .sessionNotClosable:
            return "only an active or expired session can be closed; read its state with status"
        case .bodyTooLarge:
            return "the request body is too large (5 MB at most): push fewer records per page"
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
