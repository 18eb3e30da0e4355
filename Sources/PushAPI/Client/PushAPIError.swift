import HTTPTypes

/// Why a call on the push API did not succeed, with what a person needs to act.
public struct PushAPIError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure it was.
    public enum Kind: Sendable, Equatable {
        /// The service answered with a 4xx or 5xx.
        case http(status: HTTPResponse.Status)
        /// No answer came (connection refused, reset, timed out).
        case transport(TransportFailure.Kind)
        /// The answer was not in the shape the contract promises.
        case unexpectedResponse
        /// The service answered with a redirect pushsh does not follow (to
        /// another origin, or a 301/302/303 on a POST).
        case redirected(status: HTTPResponse.Status, location: String)
    }

    /// Why the service refused, typed: what to do about it is for the caller to say.
    public enum Reason: Sendable, Equatable {
        /// A 400 listing the records that failed validation: nothing was staged.
        case pageRejected
        /// Any other 400.
        case malformedRequest
        /// A 401: the key or the integration id is wrong.
        case unauthorized
        /// A 404 on a session's endpoint.
        case noSuchSession
        /// A 404 elsewhere.
        case notFound
        /// A 407 from a proxy.
        case proxyAuthenticationRequired
        /// A 409 on start: another session (this one, when the body names it) is active.
        case sessionAlreadyActive(id: String?)
        /// A 409 on a push: the session expired.
        case sessionExpired
        /// A 409 on a push: the session was closed and is now in `state`.
        case sessionClosed(state: String)
        /// A 409 on a push for another reason.
        case sessionNotActive
        /// A 409 on close: only an active or expired session can be closed.
        case sessionNotClosable
        /// A 413.
        case bodyTooLarge
        /// A 415.
        case unsupportedMediaType
        /// A 429, with the wait the service asked for.
        case rateLimited(retryAfter: Duration?)
        /// A 429 whose `Retry-After` is longer than the retry policy waits.
        case retryAfterTooLong(asked: Duration, retryingFor: Duration)
        /// A 5xx.
        case serviceFailing
    }

    public var kind: Kind
    /// Why the service refused, when it answered with an error status.
    public var reason: Reason?
    /// Which call failed, e.g. `POST /v1/integrations/acme/sessions`.
    public var request: String
    /// The service's error code (`session_not_active`), when it sent one.
    public var code: String?
    /// The service's message, or our description of what happened.
    public var message: String
    /// The body as sent, when it was not the JSON error shape.
    public var rawBody: String?
    /// Seconds the service asked us to wait (`Retry-After`).
    public var retryAfter: Duration?
    /// The validation problems of a rejected page.
    public var validationErrors: [ValidationError]
    /// The full answer to a rejected page, when there was one.
    public var batch: BatchIngestResponse?
    /// On a 409 for a second start: the session that is active.
    public var activeSessionID: String?
    /// How many attempts were made (more than 1 when retries happened).
    public var attempts: Int
    /// Which call failed.
    public var endpoint: Endpoint?
    /// Why no answer came, when none did: typed, for hints and exit codes.
    public var transportCause: TransportCause?
    /// The session the service created or answered about, when the answer
    /// itself could not be used (a start whose answer is unreadable).
    public var sessionID: String?
    /// When no answer came: whether the server was this machine (only then
    /// may it be a local sandbox).
    public var serverIsLocal = false
    /// When no answer came: whether the request may have reached the service
    /// and acted (it was sent, and sending it again is not harmless).
    public var mayHaveTakenEffect = false
    /// For a redirect that was not followed: why, and what it suggests.
    public var refusedRedirect: RefusedRedirect?

    /// Why a redirect was not followed, in the client core's terms.
    public struct RefusedRedirect: Sendable, Equatable {
        public enum Why: Sendable, Equatable {
            /// The `Location` is on another origin than the configured one: the key must not go there.
            case otherOrigin(configured: Origin, location: Origin)
            /// A 301, 302 or 303 lets a POST become a GET, which would drop the body.
            case wouldDropBody(status: HTTPResponse.Status)
        }

        public var why: Why
        /// The base URL the `Location` suggests (the `Location` minus what was asked), when it can be told.
        public var suggestedBaseURL: String?
        /// Whether the suggestion is the same host over `https://` for a configured `http://`.
        public var upgradesToHTTPS: Bool

        public init(why: Why, suggestedBaseURL: String?, upgradesToHTTPS: Bool) {
            self.why = why
            self.suggestedBaseURL = suggestedBaseURL
            self.upgradesToHTTPS = upgradesToHTTPS
        }
    }

    public init(
        kind: Kind, request: String, code: String? = nil, message: String, rawBody: String? = nil,
        retryAfter: Duration? = nil, validationErrors: [ValidationError] = [], batch: BatchIngestResponse? = nil, attempts: Int = 1
    ) {
        self.kind = kind
        self.request = request
        self.code = code
        self.message = message
        self.rawBody = rawBody
        self.retryAfter = retryAfter
        self.validationErrors = validationErrors
        self.batch = batch
        self.attempts = attempts
    }

    /// The HTTP status, when the service answered.
    public var status: HTTPResponse.Status? {
        if case .http(let status) = kind { return status }
        return nil
    }

    /// Whether the service refused the request (4xx): fixing the request, not retrying, helps.
    public var isRefusal: Bool { status?.kind == .clientError }

    /// Whether the request may have been acted on although no clear answer came:
    /// a timeout or a dropped connection after sending, or a gateway error.
    /// A page answered 2xx with a body that is not the service's (a CDN's
    /// `200 text/html` maintenance page) is unclear too: whatever answered
    /// may or may not have passed the page on.
    public var isUnclear: Bool {
        switch kind {
        case .transport(let failure): return failure == .timedOut || failure == .connectionLost
        case .http(let status): return HTTPStatus.gatewayFailures.contains(status)
        case .unexpectedResponse: return endpoint == .pushPage
        case .redirected: return false
        }
    }

    /// Whether the service kept failing (5xx).
    public var isServerFailure: Bool { status.map { $0.code >= 500 } ?? false }

    /// One line: status, code and message.
    public var summary: String {
        var parts: [String] = []
        if let status { parts.append(HTTPStatus.line(status)) }
        if let code, !code.isEmpty { parts.append("(\(code))") }
        let head = parts.joined(separator: " ")
        return head.isEmpty ? message : "\(head): \(message)"
    }

    public var description: String {
        var lines = ["\(request) failed: \(summary)"]
        for error in validationErrors.prefix(20) { lines.append("  \(error)") }
        if validationErrors.count > 20 { lines.append("  … and \(validationErrors.count - 20) more") }
        if let rawBody, !rawBody.isEmpty { lines.append("  body: \(rawBody.prefix(500))") }
        if attempts > 1 { lines.append("  (after \(attempts) attempts)") }
        return lines.joined(separator: "\n")
    }
}

/// Reason phrases for the statuses the API uses: swift-http-types' own,
/// looked up by code, because a status read off the wire or built from a
/// number carries no phrase of its own.
public enum HTTPStatus {
    static let named: [HTTPResponse.Status] = [
        .ok, .created, .accepted, .nonAuthoritativeInformation, .noContent,
        .movedPermanently, .found, .seeOther, .temporaryRedirect, .permanentRedirect,
        .badRequest, .unauthorized, .forbidden, .notFound, .methodNotAllowed, .proxyAuthenticationRequired,
        .requestTimeout, .conflict, .contentTooLarge, .unsupportedMediaType, .tooManyRequests,
        .internalServerError, .badGateway, .serviceUnavailable, .gatewayTimeout,
    ]

    /// What a gateway answers when the service behind it failed or did not
    /// answer in time: the request may or may not have been acted on, so
    /// only a read is sent again after one.
    public static let gatewayFailures: Set<HTTPResponse.Status> = [.badGateway, .serviceUnavailable, .gatewayTimeout]

    /// The reason phrase, or empty for a status the API does not use.
    public static func reason(_ status: HTTPResponse.Status) -> String {
        named.first { $0 == status }?.reasonPhrase ?? ""
    }

    /// The code and its phrase, as a status line shows them: `409 Conflict`.
    public static func line(_ status: HTTPResponse.Status) -> String {
        "\(status.code) \(reason(status))"
    }
}
