import PushAPI

/// A request as the sandbox sees it, whichever way it arrived.
public struct SandboxRequest: Sendable, HeaderLookup {
    public var method: String
    /// Path and query, as on the request line: `/api/external/push/v1/...?...`.
    public var target: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, target: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }
}

/// A response as the sandbox produces it.
public struct SandboxResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// A fault the transport must act out: drop the connection, or answer late.
    public var fault: NetworkFault?

    /// What a transport does to the connection instead of (or before) answering.
    public enum NetworkFault: Sendable, Equatable {
        case drop
        case delay(Duration)
    }

    static let dropped = SandboxResponse(status: 0, json: .null, fault: .drop)

    init(status: Int, json: JSONValue, fault: NetworkFault?) {
        self.init(status: status, json: json)
        self.fault = fault
    }

    public init(status: Int, json: JSONValue, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.headers = [("content-type", "application/json")] + headers
        self.body = json.jsonBytes
    }

    public init(_ error: SandboxError) {
        var headers: [(name: String, value: String)] = []
        if let retry = error.retryAfterText ?? error.retryAfterSeconds.map(String.init) { headers.append(("retry-after", retry)) }
        if let allow = error.allow { headers.append(("allow", allow.joined(separator: ", "))) }
        self.init(status: error.status, json: error.body, headers: headers)
    }
}

/// Maps requests to the service: the one routing table behind both the HTTP
/// server and the in-process transport, so both behave and trace the same.
public struct SandboxRouter: Sendable {
    /// Where the API is served: the path part of every region's base URL.
    public static let apiPrefix = "/api/external/push"

    public let service: SandboxService

    public init(service: SandboxService) { self.service = service }

    /// Answers one request. Never throws: every failure is an HTTP answer
    /// (or, under a fault plan, a dropped connection).
    public func respond(to request: SandboxRequest) -> SandboxResponse {
        let isAPI = request.target.hasPrefix(Self.apiPrefix + "/")
        let fault = isAPI ? service.faults.roll() : .none
        switch fault {
        case .none: return handle(request)
        case .resetBefore: return .dropped
        case .resetAfter:
            var answer = handle(request)
            answer.fault = .drop
            return answer
        case .error:
            return SandboxResponse(SandboxError(503, "service_unavailable", "the service is unavailable (sandbox fault); try again"))
        case .throttle(let wait):
            var error = SandboxError(429, "rate_limited", "too many requests (sandbox fault); retry after \(DurationText.format(wait))")
            error.retryAfterText = Self.seconds(wait)
            return SandboxResponse(error)
        case .slow(let delay):
            var answer = handle(request)
            answer.fault = .delay(delay)
            return answer
        }
    }

    /// Seconds for `Retry-After`, with a fraction when under a second.
    static func seconds(_ d: Duration) -> String {
        let ms = d.wholeMilliseconds
        return ms % 1000 == 0 ? String(ms / 1000) : String(Double(ms) / 1000)
    }

    private func handle(_ request: SandboxRequest) -> SandboxResponse {
        do {
            return try route(request)
        } catch {
            return SandboxResponse(error)
        }
    }

    /// The answer for a body larger than the limit, which the caller detected while reading.
    public func bodyTooLarge() -> SandboxResponse {
        let limit = service.settings.maxBodyBytes
        return SandboxResponse(
            SandboxError(413, "payload_too_large", "the request body is larger than \(limit) bytes; send fewer records per page"))
    }

    private func route(_ request: SandboxRequest) throws(SandboxError) -> SandboxResponse {
        let (path, queryText) = split(request.target)
        var segments: [String] = []
        var rawSegments = path.split(separator: "/", omittingEmptySubsequences: false)
        if rawSegments.first == "" { rawSegments.removeFirst() }
        if rawSegments.count > 1, rawSegments.last == "" { rawSegments.removeLast() }
        if rawSegments.contains("") { throw .notFound("no route \(path): a path segment is empty (is a session id missing?)") }
        for raw in rawSegments {
            guard let segment = PathEncoding.decode(raw) else { throw .badRequest("invalid_path", "the path has a broken %-escape") }
            segments.append(segment)
        }
        if segments.first == "_sandbox" { return try routeSandbox(Array(segments.dropFirst()), request, queryText) }

        let prefix = ["api", "external", "push"]
        guard segments.count >= 3, Array(segments.prefix(3)) == prefix else {
            throw .notFound("no route \(path); the API lives under \(Self.apiPrefix)/v1/integrations/{integration_id}/")
        }
        let rest = Array(segments.dropFirst(3))
        guard rest.count >= 3 else {
            throw .notFound("no route \(path); the API lives under \(Self.apiPrefix)/v1/integrations/{integration_id}/")
        }
        guard rest[0] == "v1" else { throw .notFound("unknown API version \"\(rest[0])\"; the only version is v1") }
        guard rest[1] == "integrations" else { throw .notFound("no route \(path)") }
        let integrationID = rest[2]
        let endpoint = Array(rest.dropFirst(3))

        switch endpoint.count {
        case 1 where endpoint[0] == "sessions":
            try allow(request, ["POST"])
            try admit(request, integrationID)
            let body = try jsonBody(request)
            var reference: String?
            if let body {
                guard case .object(let o) = body else {
                    throw .badRequest("invalid_body", "the body must be a JSON object such as {\"client_reference_id\": \"nightly-1\"}")
                }
                switch o["client_reference_id"] {
                case nil, .null?: break
                case .string(let s)?: reference = s
                case let other?: throw .badRequest("invalid_body", "client_reference_id must be a string, got \(other.typeName)")
                }
            }
            let session = try service.startSession(integrationID: integrationID, clientReferenceID: reference)
            return SandboxResponse(status: 201, json: session.json)
        case 1 where endpoint[0] == "status":
            try allow(request, ["GET"])
            try admit(request, integrationID)
            return SandboxResponse(status: 200, json: try service.status(integrationID: integrationID).json)
        case 1 where endpoint[0] == "activity":
            try allow(request, ["GET"])
            try admit(request, integrationID)
            let query = try parseQuery(queryText)
            let since = try query["since"].map { text throws(SandboxError) -> Timestamp in
                guard let t = Timestamp(iso8601: text) else {
                    throw .badRequest(
                        "invalid_parameter", "since must be an ISO 8601 date-time such as 2025-10-31T16:38:14.401Z (got \"\(text)\")")
                }
                return t
            }
            let page = try intParameter(query, "page", default: 1, range: 1...1_000_000)
            let size = try intParameter(query, "page_size", default: 50, range: 1...200)
            let log = try service.activity(integrationID: integrationID, since: since, page: page, pageSize: size)
            return SandboxResponse(status: 200, json: log.json)
        case 2 where endpoint[0] == "sessions":
            try allow(request, ["GET"])
            try admit(request, integrationID)
            return SandboxResponse(status: 200, json: try service.session(integrationID: integrationID, sessionID: endpoint[1]).json)
        case 3 where endpoint[0] == "sessions" && endpoint[2] == "entities":
            try allow(request, ["POST"])
            try admit(request, integrationID)
            guard let body = try jsonBody(request) else {
                throw .badRequest("invalid_envelope", "the body is empty; send {\"entities\": {\"User\": [...]}}")
            }
            let answer = try service.push(integrationID: integrationID, sessionID: endpoint[1], body: body)
            return SandboxResponse(status: 202, json: answer.json)
        case 3 where endpoint[0] == "sessions" && endpoint[2] == "close":
            try allow(request, ["POST"])
            try admit(request, integrationID)
            var action = CloseAction.apply
            if let body = try jsonBody(request) {
                guard case .object(let o) = body else {
                    throw .badRequest("invalid_body", "the body must be {\"status\": \"apply\"} or {\"status\": \"discard\"}")
                }
                switch o["status"] {
                case nil, .null?: break
                case .string(let s)? where CloseAction(rawValue: s) != nil: action = CloseAction(rawValue: s)!
                case let other?:
                    throw .badRequest("invalid_body", "status must be \"apply\" or \"discard\" (got \(other.jsonText.prefix(40)))")
                }
            }
            let session = try service.close(integrationID: integrationID, sessionID: endpoint[1], action: action)
            return SandboxResponse(status: 202, json: session.json)
        default:
            throw .notFound("no route \(path)")
        }
    }

    /// `GET /_sandbox/integrations/{id}/records/{type}`: what the service now holds.
    private func routeSandbox(_ segments: [String], _ request: SandboxRequest, _ queryText: Substring?) throws(SandboxError)
        -> SandboxResponse
    {
        guard segments.count == 4, segments[0] == "integrations", segments[2] == "records" else {
            throw .notFound("no sandbox route; try /_sandbox/integrations/{integration_id}/records/{entity_type}")
        }
        try allow(request, ["GET"])
        try service.authenticate(integrationID: segments[1], apiKey: request.header("api-key"))
        let records = try service.records(integrationID: segments[1], entityType: segments[3])
        return SandboxResponse(
            status: 200,
            json: [
                "integration_id": .string(segments[1]), "entity_type": .string(segments[3]),
                "count": .int(Int64(records.count)), "records": .array(records),
            ])
    }

    private func allow(_ request: SandboxRequest, _ methods: [String]) throws(SandboxError) {
        guard methods.contains(request.method) else {
            var error = SandboxError(
                405, "method_not_allowed", "\(request.method) is not allowed here; use \(methods.joined(separator: " or "))")
            error.allow = methods
            throw error
        }
    }

    /// Authentication, then the rate limit: a bad key is never counted against a good one.
    private func admit(_ request: SandboxRequest, _ integrationID: String) throws(SandboxError) {
        try service.authenticate(integrationID: integrationID, apiKey: request.header("api-key"))
        try service.checkRateLimit(integrationID: integrationID)
    }

    private func jsonBody(_ request: SandboxRequest) throws(SandboxError) -> JSONValue? {
        if request.body.count > service.settings.maxBodyBytes { throw SandboxResponse.tooLarge(service.settings.maxBodyBytes) }
        if let type = request.header("content-type") {
            let media = type.split(separator: ";").first.map { $0.trimmingSpaces.lowercased() } ?? ""
            // curl's -d sends form-urlencoded unless told otherwise; a JSON body under
            // that label is what the user meant, so only other types are refused.
            guard media == "application/json" || media.hasSuffix("+json") || media == "application/x-www-form-urlencoded" else {
                throw SandboxError(
                    415, "unsupported_media_type", "send the body as JSON with content-type: application/json (got \(type.prefix(60)))")
            }
        }
        // An empty body is "no fields": fine for start and close, refused by the caller for pages.
        // Whitespace alone is not a JSON document: it is invalid_json like any other.
        if request.body.isEmpty { return nil }
        do {
            return try JSONValue(parsing: request.body)
        } catch {
            throw .badRequest("invalid_json", "the body is not valid JSON: \(error.message) at line \(error.line), column \(error.column)")
        }
    }

    private func split(_ target: String) -> (Substring, Substring?) {
        guard let mark = target.firstIndex(of: "?") else { return (Substring(target), nil) }
        return (target[..<mark], target[target.index(after: mark)...])
    }

    private func parseQuery(_ text: Substring?) throws(SandboxError) -> [String: String] {
        var result: [String: String] = [:]
        guard let text, !text.isEmpty else { return result }
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let rawValue = parts.count > 1 ? parts[1] : ""
            guard let name = PathEncoding.decode(parts[0]),
                let value = PathEncoding.decode(Substring(rawValue.replacingPlus()))
            else { throw .badRequest("invalid_parameter", "the query string has a broken %-escape") }
            result[name] = value
        }
        return result
    }

    private func intParameter(_ query: [String: String], _ name: String, default fallback: Int, range: ClosedRange<Int>)
        throws(SandboxError) -> Int
    {
        guard let text = query[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw .badRequest(
                "invalid_parameter",
                "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound) (got \"\(text.prefix(40))\")")
        }
        return value
    }
}

extension SandboxResponse {
    static func tooLarge(_ limit: Int) -> SandboxError {
        SandboxError(413, "payload_too_large", "the request body is larger than \(limit) bytes; send fewer records per page")
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }

    func replacingPlus() -> String { String(map { $0 == "+" ? " " : $0 }) }
}
