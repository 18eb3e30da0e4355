import HTTPTypes
import PushAPI

extension TransportResponse {
    static let dropped: TransportResponse = {
        var answer = TransportResponse(status: 0)
        answer.fault = .drop
        return answer
    }()

    /// A JSON answer, as the sandbox sends every one.
    init(status: HTTPResponse.Status, json: JSONValue, headers: [(name: String, value: String)] = []) {
        self.init(status: status, headers: HTTPFields([("content-type", "application/json")] + headers), body: json.jsonBytes)
    }

    /// The contract's error answer for `error`, with `Retry-After` and `Allow` when it has them.
    init(_ error: SandboxError) {
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
    public func respond(to request: TransportRequest) -> TransportResponse {
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
            return TransportResponse(
                SandboxError(.serviceUnavailable, "service_unavailable", "the service is unavailable (sandbox fault); try again"))
        case .throttle(let wait):
            var error = SandboxError(
                .tooManyRequests, "rate_limited", "too many requests (sandbox fault); retry after \(DurationText.format(wait))")
            error.retryAfterText = Self.seconds(wait)
            return TransportResponse(error)
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

    private func handle(_ request: TransportRequest) -> TransportResponse {
        do {
            return try route(request)
        } catch {
            return TransportResponse(error)
        }
    }

    /// The answer for a body larger than the limit, which the caller detected while reading.
    public func bodyTooLarge() -> TransportResponse {
        let limit = service.settings.maxBodyBytes
        return TransportResponse(
            SandboxError(
                .contentTooLarge, "payload_too_large", "the request body is larger than \(limit) bytes; send fewer records per page"))
    }

    // MARK: The routes

    /// One route: a method, a path pattern (`{name}` matches one segment),
    /// what a request must pass before it is handled, and the handler.
    struct Route: Sendable {
        /// What is checked before the handler runs.
        enum Admission: Sendable {
            /// The key, then the integration's rate limit: the push API.
            case keyAndRateLimit
            /// The key alone: the sandbox's own reads are not rate limited.
            case keyOnly
        }

        let method: HTTPRequest.Method
        let pattern: [Substring]
        let admission: Admission
        let handle: @Sendable (SandboxRouter, Call) throws(SandboxError) -> TransportResponse

        init(
            _ method: HTTPRequest.Method, _ pattern: String, _ admission: Admission = .keyAndRateLimit,
            _ handle: @escaping @Sendable (SandboxRouter, Call) throws(SandboxError) -> TransportResponse
        ) {
            self.method = method
            self.pattern = pattern.split(separator: "/")
            self.admission = admission
            self.handle = handle
        }

        /// The `{name}` segments' values when `segments` fit the pattern.
        func parameters(_ segments: [String]) -> [String: String]? {
            guard segments.count == pattern.count else { return nil }
            var found: [String: String] = [:]
            for (part, segment) in zip(pattern, segments) {
                if part.hasPrefix("{") {
                    found[String(part.dropFirst().dropLast())] = segment
                } else if part != segment {
                    return nil
                }
            }
            return found
        }
    }

    /// A request matched to a route: its `{name}` values and its query text.
    struct Call {
        let request: TransportRequest
        let parameters: [String: String]
        let queryText: Substring?

        /// A `{name}` of the route's pattern (the table names only those it has).
        subscript(_ name: String) -> String { parameters[name] ?? "" }
    }

    /// Every route the sandbox answers, the push API's and its own.
    static let routes: [Route] = [
        Route(.post, "api/external/push/v1/integrations/{integration}/sessions") { router, call throws(SandboxError) in
            try router.startSession(call)
        },
        Route(.get, "api/external/push/v1/integrations/{integration}/status") { router, call throws(SandboxError) in
            TransportResponse(status: .ok, json: try router.service.status(integrationID: call["integration"]).json)
        },
        Route(.get, "api/external/push/v1/integrations/{integration}/activity") { router, call throws(SandboxError) in
            try router.activity(call)
        },
        Route(.get, "api/external/push/v1/integrations/{integration}/sessions/{session}") { router, call throws(SandboxError) in
            let session = try router.service.session(integrationID: call["integration"], sessionID: call["session"])
            return TransportResponse(status: .ok, json: session.json)
        },
        Route(.post, "api/external/push/v1/integrations/{integration}/sessions/{session}/entities") {
            router, call throws(SandboxError) in try router.push(call)
        },
        Route(.post, "api/external/push/v1/integrations/{integration}/sessions/{session}/close") { router, call throws(SandboxError) in
            try router.close(call)
        },
        // `GET /_sandbox/integrations/{id}/records/{type}`: what the service now holds.
        Route(.get, "_sandbox/integrations/{integration}/records/{type}", .keyOnly) { router, call throws(SandboxError) in
            let records = try router.service.records(integrationID: call["integration"], entityType: call["type"])
            return TransportResponse(
                status: .ok,
                json: [
                    "integration_id": .string(call["integration"]), "entity_type": .string(call["type"]),
                    "count": .int(Int64(records.count)), "records": .array(records),
                ])
        },
    ]

    private func route(_ request: TransportRequest) throws(SandboxError) -> TransportResponse {
        let path = request.path
        var segments: [String] = []
        var rawSegments = path.split(separator: "/", omittingEmptySubsequences: false)
        if rawSegments.first == "" { rawSegments.removeFirst() }
        if rawSegments.count > 1, rawSegments.last == "" { rawSegments.removeLast() }
        if rawSegments.contains("") { throw .notFound("no route \(path): a path segment is empty (is a session id missing?)") }
        for raw in rawSegments {
            guard let segment = PathEncoding.decode(raw) else { throw .badRequest("invalid_path", "the path has a broken %-escape") }
            segments.append(segment)
        }
        let matches = Self.routes.compactMap { route in route.parameters(segments).map { (route, $0) } }
        guard !matches.isEmpty else { throw Self.noRoute(path, segments) }
        guard let (route, parameters) = matches.first(where: { $0.0.method == request.method }) else {
            // 405 names every method the table has for this path.
            let methods = matches.map(\.0.method.rawValue)
            var error = SandboxError(
                .methodNotAllowed, "method_not_allowed", "\(request.method) is not allowed here; use \(methods.joined(separator: " or "))")
            error.allow = methods
            throw error
        }
        let integrationID = parameters["integration"] ?? ""
        // Authentication, then the rate limit: a bad key is never counted against a good one.
        try service.authenticate(integrationID: integrationID, apiKey: request.header("api-key"))
        if route.admission == .keyAndRateLimit { try service.checkRateLimit(integrationID: integrationID) }
        return try route.handle(self, Call(request: request, parameters: parameters, queryText: request.rawQuery.map { Substring($0) }))
    }

    /// Why no route matched, saying what the path got wrong first.
    private static func noRoute(_ path: String, _ segments: [String]) -> SandboxError {
        if segments.first == "_sandbox" {
            return .notFound("no sandbox route; try /_sandbox/integrations/{integration_id}/records/{entity_type}")
        }
        let prefix = ["api", "external", "push"]
        guard segments.count >= 6, Array(segments.prefix(3)) == prefix else {
            return .notFound("no route \(path); the API lives under \(apiPrefix)/v1/integrations/{integration_id}/")
        }
        guard segments[3] == "v1" else { return .notFound("unknown API version \"\(segments[3])\"; the only version is v1") }
        return .notFound("no route \(path)")
    }

    // MARK: Handlers that read a body or a query

    private func startSession(_ call: Call) throws(SandboxError) -> TransportResponse {
        var reference: String?
        if let body = try jsonBody(call.request) {
            guard case .object(let o) = body else {
                throw .badRequest("invalid_body", "the body must be a JSON object such as {\"client_reference_id\": \"nightly-1\"}")
            }
            switch o["client_reference_id"] {
            case nil, .null?: break
            case .string(let s)?: reference = s
            case let other?: throw .badRequest("invalid_body", "client_reference_id must be a string, got \(other.typeName)")
            }
        }
        let session = try service.startSession(integrationID: call["integration"], clientReferenceID: reference)
        return TransportResponse(status: .created, json: session.json)
    }

    private func activity(_ call: Call) throws(SandboxError) -> TransportResponse {
        let query = try parseQuery(call.queryText)
        let since = try query["since"].map { text throws(SandboxError) -> Timestamp in
            guard let t = Timestamp(iso8601: text) else {
                throw .badRequest(
                    "invalid_parameter", "since must be an ISO 8601 date-time such as 2025-10-31T16:38:14.401Z (got \"\(text)\")")
            }
            return t
        }
        let page = try intParameter(query, "page", default: 1, range: 1...1_000_000)
        let size = try intParameter(query, "page_size", default: 50, range: 1...200)
        let log = try service.activity(integrationID: call["integration"], since: since, page: page, pageSize: size)
        return TransportResponse(status: .ok, json: log.json)
    }

    private func push(_ call: Call) throws(SandboxError) -> TransportResponse {
        guard let body = try jsonBody(call.request) else {
            throw .badRequest("invalid_envelope", "the body is empty; send {\"entities\": {\"User\": [...]}}")
        }
        let answer = try service.push(integrationID: call["integration"], sessionID: call["session"], body: body)
        return TransportResponse(status: .accepted, json: answer.json)
    }

    private func close(_ call: Call) throws(SandboxError) -> TransportResponse {
        var action = CloseAction.apply
        if let body = try jsonBody(call.request) {
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
        let session = try service.close(integrationID: call["integration"], sessionID: call["session"], action: action)
        return TransportResponse(status: .accepted, json: session.json)
    }

    private func jsonBody(_ request: TransportRequest) throws(SandboxError) -> JSONValue? {
        let body = request.body ?? []
        if body.count > service.settings.maxBodyBytes { throw SandboxError.tooLarge(service.settings.maxBodyBytes) }
        if let type = request.header("content-type") {
            let media = type.split(separator: ";").first.map { $0.trimmingSpaces.lowercased() } ?? ""
            // curl's -d sends form-urlencoded unless told otherwise; a JSON body under
            // that label is what the user meant, so only other types are refused.
            guard media == "application/json" || media.hasSuffix("+json") || media == "application/x-www-form-urlencoded" else {
                throw SandboxError(
                    .unsupportedMediaType, "unsupported_media_type",
                    "send the body as JSON with content-type: application/json (got \(type.prefix(60)))")
            }
        }
        // An empty body is "no fields": fine for start and close, refused by the caller for pages.
        // Whitespace alone is not a JSON document: it is invalid_json like any other.
        if body.isEmpty { return nil }
        do {
            return try JSONValue(parsing: body)
        } catch {
            throw .badRequest("invalid_json", "the body is not valid JSON: \(error.message) at line \(error.line), column \(error.column)")
        }
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

extension SandboxError {
    static func tooLarge(_ limit: Int) -> SandboxError {
        SandboxError(.contentTooLarge, "payload_too_large", "the request body is larger than \(limit) bytes; send fewer records per page")
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
