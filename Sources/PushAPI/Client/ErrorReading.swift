/// Turns a failed exchange into a ``PushAPIError`` a person can act on.
enum ErrorReading {
    static func error(for response: TransportResponse, request: TransportRequest, attempts: Int) -> PushAPIError {
        let label = "\(request.method) \(request.path)"
        let json = try? JSONValue(parsing: response.body)
        let body = json.flatMap(ServiceErrorBody.init(json:))
        var error = PushAPIError(
            kind: .http(status: response.status), request: label, code: body?.code,
            message: body?.message ?? defaultMessage(response.status),
            retryAfter: parseRetryAfter(response.header("retry-after")), attempts: attempts)
        if body == nil, !response.body.isEmpty {
            error.rawBody = String(decoding: response.body.prefix(2000), as: UTF8.self)
        }
        if let json, json["validation_errors"] != nil, let batch = try? BatchIngestResponse(json: json) {
            error.batch = batch
            error.validationErrors = batch.validationErrors
        }
        error.activeSessionID = activeSessionID(json)
        error.hint = hint(for: error, request: request, json: json)
        return error
    }

    static func error(for failure: TransportFailure, request: TransportRequest, attempts: Int) -> PushAPIError {
        let label = "\(request.method) \(request.path)"
        var hint: String?
        if failure.mayHaveBeenSent && !request.isIdempotent {
            hint = request.path.hasSuffix("/entities")
                ? "the page may or may not have been staged: read the session (status) and compare accepted_batches before sending it again"
                : "the request may have reached the service: read the session (status) before repeating it"
        } else if failure.kind == .notConnected {
            hint = "is the service running and the base URL right? (pushsh serve prints its URL)"
        }
        return PushAPIError(kind: .transport(failure.kind), request: label, message: failure.description, hint: hint, attempts: attempts)
    }

    static func defaultMessage(_ status: Int) -> String {
        let reason = HTTPStatus.reason(status)
        return reason.isEmpty ? "HTTP \(status)" : reason.lowercased()
    }

    static func hint(for error: PushAPIError, request: TransportRequest, json: JSONValue?) -> String? {
        guard let status = error.status else { return nil }
        let path = request.path
        switch status {
        case 400 where !error.validationErrors.isEmpty:
            return "the whole page was rejected and nothing was staged; fix the records listed and push the page again"
        case 400:
            return "the request is malformed; see the message above"
        case 401:
            return "check the API key and the integration id (SPRINTO_API_KEY, SPRINTO_INTEGRATION_ID): each key belongs to one integration"
        case 404 where path.contains("/sessions/"):
            return "no such session for this integration: check the session id, and that the key and integration id match the session's"
        case 404:
            return "check the base URL and the integration id"
        case 409 where request.method == "POST" && path.hasSuffix("/sessions"):
            let active = activeSessionID(json) ?? "the active session"
            return "only one session may be active per integration: close \(active) (close ... apply|discard) or let it expire, then start again"
        case 409 where path.hasSuffix("/entities"):
            switch json?["error"]?["state"]?.stringValue {
            case "expired"?:
                return "the session expired (no request for its inactivity timeout): close it with apply to keep what was staged, then start a new session for the rest"
            case "processing"?, "processed"?, "failed"?, "cancelled"?:
                return "the session was closed (by this script or someone else); start a new session and push the remaining pages there"
            default:
                return "only an active session accepts pages: start a new session and push the pages there"
            }
        case 409 where path.hasSuffix("/close"):
            return "only an active or expired session can be closed; read its state with status"
        case 413:
            return "the request body is too large (5 MB at most): push fewer records per page"
        case 415:
            return "send the body as JSON with content-type: application/json"
        case 429:
            let wait = error.retryAfter.map { " (the service asked for \(format($0)))" } ?? ""
            return "the service is rate limiting this integration\(wait): slow down or try again later"
        case 500...599:
            return "the service is failing; try again later. Nothing was retried if it could have been applied twice"
        default:
            return nil
        }
    }

    /// The active session's id from a 409 body: the sandbox sends `active_session_id`.
    static func activeSessionID(_ json: JSONValue?) -> String? {
        json?["error"]?["active_session_id"]?.stringValue ?? json?["active_session_id"]?.stringValue
    }

    static func format(_ d: Duration) -> String {
        let ms = d.wholeMilliseconds
        return ms % 1000 == 0 ? "\(ms / 1000)s" : "\(ms)ms"
    }
}
