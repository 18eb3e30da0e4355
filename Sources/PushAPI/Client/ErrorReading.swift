import HTTPTypes

/// Turns a failed exchange into a ``PushAPIError`` a person can act on.
enum ErrorReading {
    static func error(for response: TransportResponse, request: TransportRequest, attempts: Int, retryPolicy: RetryPolicy = RetryPolicy())
        -> PushAPIError
    {
        let label = "\(request.method) \(request.path)"
        let json = try? JSONValue(parsing: response.body)
        let body = json.flatMap(ServiceErrorBody.init(json:))
        var error = PushAPIError(
            kind: .http(status: response.status), request: label, code: body?.code,
            message: body?.message ?? defaultMessage(response.status),
            retryAfter: parseRetryAfter(response.header("retry-after")), attempts: attempts)
        error.endpoint = request.endpoint
        if body == nil, !response.body.isEmpty {
            error.rawBody = BodyText.describe(response)
        }
        if let json, json["validation_errors"] != nil, let batch = try? BatchIngestResponse(json: json) {
            error.batch = batch
            error.validationErrors = batch.validationErrors
        }
        error.activeSessionID = activeSessionID(json)
        error.reason = reason(for: error, request: request, json: json, retryPolicy: retryPolicy)
        return error
    }

    /// A 3xx the transport did not follow: never to another origin (the key
    /// would go along), never a POST turned into a GET.
    static func redirect(_ response: TransportResponse, request: TransportRequest, baseURL: String, requestURL: String, attempts: Int)
        -> PushAPIError
    {
        let label = "\(request.method) \(request.path)"
        let location = response.header("location").map { URLResolution.resolve($0, against: requestURL) } ?? ""
        var error = PushAPIError(
            kind: .redirected(status: response.status, location: location), request: label,
            message: location.isEmpty
                ? "the service answered \(HTTPStatus.line(response.status)) without a Location"
                : "the service redirects to \(location); pushsh does not follow it",
            attempts: attempts)
        error.endpoint = request.endpoint
        let home = Origin(url: baseURL)
        let there = Origin(url: location)
        let why: PushAPIError.RefusedRedirect.Why
        if let home, let there, home != there {
            why = .otherOrigin(configured: home, location: there)
        } else {
            why = .wouldDropBody(status: response.status)
        }
        // The base URL the redirect suggests: Location minus what we asked for.
        var suggested: String?
        let asked = String(requestURL.dropFirst(baseURL.count))
        if !asked.isEmpty, location.hasSuffix(asked) || location.hasSuffix(request.path) {
            suggested = location.hasSuffix(asked) ? String(location.dropLast(asked.count)) : String(location.dropLast(request.path.count))
        }
        var upgrades = false
        if suggested != nil, let home, let there, home.host == there.host, home.scheme == "http", there.scheme == "https" {
            upgrades = true
        }
        error.refusedRedirect = .init(why: why, suggestedBaseURL: suggested, upgradesToHTTPS: upgrades)
        return error
    }

    /// No answer came: the cause, and the facts the advice is chosen by
    /// (the words a person reads are the language layer's).
    static func error(for failure: TransportFailure, request: TransportRequest, attempts: Int) -> PushAPIError {
        let label = "\(request.method) \(request.path)"
        var error = PushAPIError(kind: .transport(failure.kind), request: label, message: failure.description, attempts: attempts)
        error.endpoint = request.endpoint
        error.transportCause = failure.cause
        error.serverIsLocal = failure.serverIsLocal
        error.mayHaveTakenEffect = failure.mayHaveBeenSent && !request.isIdempotent
        return error
    }

    static func defaultMessage(_ status: HTTPResponse.Status) -> String {
        let reason = HTTPStatus.reason(status)
        return reason.isEmpty ? "HTTP \(status.code)" : reason.lowercased()
    }

    /// Why the service refused, in terms the client core knows: the words a
    /// person reads (which pushsh command to run) are the language layer's.
    static func reason(for error: PushAPIError, request: TransportRequest, json: JSONValue?, retryPolicy: RetryPolicy)
        -> PushAPIError.Reason?
    {
        guard let status = error.status else { return nil }
        let endpoint = request.endpoint
        switch status {
        case .badRequest where !error.validationErrors.isEmpty: return .pageRejected
        case .badRequest: return .malformedRequest
        case .unauthorized: return .unauthorized
        case .notFound where endpoint == .readSession || endpoint == .pushPage || endpoint == .closeSession: return .noSuchSession
        case .notFound: return .notFound
        case .proxyAuthenticationRequired: return .proxyAuthenticationRequired
        case .conflict where endpoint == .startSession: return .sessionAlreadyActive(id: activeSessionID(json))
        case .conflict where endpoint == .pushPage:
            switch json?["error"]?["state"]?.stringValue {
            case "expired"?: return .sessionExpired
            case let state? where ["processing", "processed", "failed", "cancelled"].contains(state): return .sessionClosed(state: state)
            default: return .sessionNotActive
            }
        case .conflict where endpoint == .closeSession: return .sessionNotClosable
        case .contentTooLarge: return .bodyTooLarge
        case .unsupportedMediaType: return .unsupportedMediaType
        case .tooManyRequests:
            if let wait = error.retryAfter, wait > retryPolicy.maxTotal {
                return .retryAfterTooLong(asked: wait, retryingFor: retryPolicy.maxTotal)
            }
            return .rateLimited(retryAfter: error.retryAfter)
        case _ where status.kind == .serverError: return .serviceFailing
        default: return nil
        }
    }

    /// The active session's id from a 409 body: the sandbox sends `active_session_id`.
    static func activeSessionID(_ json: JSONValue?) -> String? {
        json?["error"]?["active_session_id"]?.stringValue ?? json?["active_session_id"]?.stringValue
    }
}

/// A response body as messages may show it: text as it is, anything else described.
public enum BodyText {
    /// The body's first 2000 characters when it is text; otherwise a description
    /// (size, content type, encoding), never the bytes themselves.
    public static func describe(_ response: TransportResponse) -> String {
        describe(response.body, contentType: response.header("content-type"), encoding: response.header("content-encoding"))
    }

    /// Whether the body (its first 2000 bytes) is UTF-8 text without control characters.
    public static func isText(_ body: [UInt8]) -> Bool { text(body) != nil }

    static func text(_ body: [UInt8]) -> String? {
        let head = Array(body.prefix(2000))
        // A cut may fall inside a character: allow up to 3 bytes off the end.
        var text = String(validating: head, as: UTF8.self)
        if text == nil, body.count > 2000 {
            text = (1...3).lazy.compactMap { String(validating: head.dropLast($0), as: UTF8.self) }.first
        }
        guard let text, !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t" }) else {
            return nil
        }
        return text
    }

    public static func describe(_ body: [UInt8], contentType: String?, encoding: String?) -> String {
        if let text = text(body) { return text }
        var what = "\(body.count) bytes that are not text"
        var about: [String] = []
        if let contentType { about.append("content-type: \(contentType)") }
        if let encoding { about.append("content-encoding: \(encoding)") }
        if body.starts(with: [0x1F, 0x8B]) { about.append("gzip-compressed") }
        if !about.isEmpty { what += " (\(about.joined(separator: ", ")))" }
        return "[\(what)]"
    }
}
