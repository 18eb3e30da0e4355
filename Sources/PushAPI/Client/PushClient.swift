import HTTPTypes

/// The push API, one async method per endpoint.
///
/// A value type: copies share the transport (and its connections), so
/// `observing(_:)` and `retrying(_:)` are cheap ways to get a client with
/// another trace or retry policy.
public struct PushClient: Sendable {
    public var configuration: PushConfiguration
    public let transport: any Transport
    public var retryPolicy: RetryPolicy
    /// Called after every attempt, with the key redacted (for `-v` traces).
    public var observer: (@Sendable (Exchange) -> Void)?
    /// Waits between attempts; tests replace it to avoid sleeping.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A number in 0...1 for jitter; tests fix it.
    public var random: @Sendable () -> Double

    public init(
        configuration: PushConfiguration, transport: any Transport, retryPolicy: RetryPolicy = RetryPolicy(),
        observer: (@Sendable (Exchange) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.observer = observer
        self.sleep = { try await Task.sleep(for: $0) }
        self.random = { Double.random(in: 0...1) }
    }

    // MARK: Endpoints

    /// `POST /sessions`: starts a session. Only one may be active per integration.
    ///
    /// When the service answered 2xx but the answer cannot be used, the error
    /// says the session may exist, with its id when any part of the answer gives it.
    public func startSession(clientReferenceID: String? = nil) async throws(PushAPIError) -> Session {
        var body = JSONObject()
        if let clientReferenceID { body["client_reference_id"] = .string(clientReferenceID) }
        let request = jsonRequest(.post, "/sessions", body: .object(body), endpoint: .startSession)
        return try await call(request, decode: Session.init(json:))
    }

    /// `GET /sessions/{id}`: the session's state and counts. Resets its inactivity clock.
    public func session(_ sessionID: String) async throws(PushAPIError) -> Session {
        let request = TransportRequest(method: .get, path: sessionPath(sessionID), headers: headers(json: false), endpoint: .readSession)
        return keepingID(sessionID, try await call(request, decode: Session.init(json:)))
    }

    /// `POST /sessions/{id}/entities`: stages one page.
    ///
    /// A page the service refused (400) throws with ``PushAPIError/validationErrors``
    /// filled in. A 2xx may still report rejected records
    /// (``BatchIngestResponse/hasRejections``): the caller reports those.
    /// A page whose fate is unclear (the connection dropped after sending) is
    /// never sent again here: the error says so, and the caller decides.
    public func push(_ page: EntityPage, to sessionID: String) async throws(PushAPIError) -> BatchIngestResponse {
        let request = jsonRequest(.post, sessionPath(sessionID) + "/entities", body: page.json, relative: false, endpoint: .pushPage)
        return try await call(request, decode: BatchIngestResponse.init(json:))
    }

    /// `POST /sessions/{id}/entities` with a body already encoded: for bulk
    /// pushes, which assemble pages from records' bytes without re-encoding.
    public func push(encodedPage body: [UInt8], to sessionID: String) async throws(PushAPIError) -> BatchIngestResponse {
        let request = TransportRequest(
            method: .post, path: sessionPath(sessionID) + "/entities", headers: headers(json: true), body: body, endpoint: .pushPage)
        return try await call(request, decode: BatchIngestResponse.init(json:))
    }

    /// `POST /sessions/{id}/close`: `apply` starts processing, `discard` cancels.
    public func close(_ sessionID: String, action: CloseAction) async throws(PushAPIError) -> Session {
        let request = jsonRequest(
            .post, sessionPath(sessionID) + "/close", body: ["status": .string(action.rawValue)], relative: false, endpoint: .closeSession)
        return keepingID(sessionID, try await call(request, decode: Session.init(json:)))
    }

    /// `GET /status`: how many sessions are in each state.
    public func integrationStatus() async throws(PushAPIError) -> IntegrationStatusCounts {
        let request = TransportRequest(
            method: .get, path: configuration.integrationPath + "/status", headers: headers(json: false), endpoint: .integrationStatus)
        return try await call(request, decode: IntegrationStatusCounts.init(json:))
    }

    /// `GET /activity`: one page of the activity log, newest first.
    public func activity(since: Timestamp? = nil, page: Int? = nil, pageSize: Int? = nil) async throws(PushAPIError) -> ActivityLogPage {
        var query: [(name: String, value: String)] = []
        if let since { query.append(("since", since.iso8601)) }
        if let page { query.append(("page", String(page))) }
        if let pageSize { query.append(("page_size", String(pageSize))) }
        let request = TransportRequest(
            method: .get, path: configuration.integrationPath + "/activity", query: query, headers: headers(json: false),
            endpoint: .activity)
        return try await call(request, decode: ActivityLogPage.init(json:))
    }

    /// `GET path` on the same service as `endpoint`, decoded by `decode`: for
    /// a route the client core does not name (a sandbox's own, at the
    /// origin), with the key, retries, traces and errors of every call.
    public func get<Model>(
        _ path: String, from root: TransportRequest.PathRoot = .baseURL, endpoint: Endpoint,
        decode: (JSONValue) throws(ModelDecodingError) -> Model
    ) async throws(PushAPIError) -> Model {
        let request = TransportRequest(method: .get, path: path, headers: headers(json: false), endpoint: endpoint, root: root)
        return try await call(request, decode: decode)
    }

    // MARK: Requests

    func sessionPath(_ sessionID: String) -> String {
        configuration.integrationPath + "/sessions/" + PathEncoding.segment(sessionID)
    }

    /// A session's id never changes: an answer naming another one is noted, not adopted.
    func keepingID(_ sessionID: String, _ session: Session) -> Session {
        guard session.id != sessionID else { return session }
        var kept = session
        kept.warnings.append("id: the answer names session \"\(session.id.prefix(80))\", not \(sessionID); pushsh keeps \(sessionID)")
        kept.id = sessionID
        // `raw` is what scripts read (`s.id`) and `--output json` prints:
        // it must name the same session as `id`, or the other id leaks back.
        if case .object(var object) = kept.raw {
            object["id"] = .string(sessionID)
            kept.raw = .object(object)
        }
        return kept
    }

    func headers(json: Bool) -> HTTPFields {
        var h = HTTPFields([("api-key", configuration.apiKey.revealed), ("accept", "application/json")])
        if json { h.append(HTTPField(name: .contentType, value: "application/json")) }
        return h
    }

    func jsonRequest(_ method: HTTPRequest.Method, _ path: String, body: JSONValue, relative: Bool = true, endpoint: Endpoint)
        -> TransportRequest
    {
        TransportRequest(
            method: method, path: relative ? configuration.integrationPath + path : path,
            headers: headers(json: true), body: body.jsonBytes, endpoint: endpoint)
    }

    /// Sends `request` (with retries), checks the status and decodes the body.
    ///
    /// Any 2xx is success: the documented code is the usual one, not the only
    /// one, and a 2xx may mean the service acted. A 3xx that the transport did
    /// not follow is an error naming its `Location`.
    public func call<Model>(
        _ request: TransportRequest, decode: (JSONValue) throws(ModelDecodingError) -> Model
    ) async throws(PushAPIError) -> Model {
        let (response, attempts) = try await send(request)
        let label = "\(request.method) \(request.path)"
        if response.status.kind == .redirection {
            throw ErrorReading.redirect(
                response, request: request, baseURL: configuration.baseURL, requestURL: transport.url(for: request), attempts: attempts)
        }
        guard response.status.kind == .successful else {
            throw ErrorReading.error(for: response, request: request, attempts: attempts, retryPolicy: retryPolicy)
        }
        // A 2xx may have acted: say so when its answer cannot be used.
        let acted = request.isIdempotent ? "" : "; the service answered \(response.status.code), so the request may have taken effect"
        func unusable(_ problem: String, sessionID: String? = nil) -> PushAPIError {
            var failure = PushAPIError(
                kind: .unexpectedResponse, request: label, message: "the \(response.status.code) answer \(problem)\(acted)",
                rawBody: BodyText.describe(response), attempts: attempts)
            failure.endpoint = request.endpoint
            failure.sessionID = sessionID
            return failure
        }
        let json: JSONValue
        do {
            // An empty 2xx body (204) reads as an empty object: the fields it lacks are reported as such.
            json = response.body.isEmpty ? .object(JSONObject()) : try JSONValue(parsing: response.body)
        } catch {
            throw unusable("is not JSON (\(error.message) at \(error.line):\(error.column))")
        }
        do {
            return try decode(json)
        } catch {
            throw unusable(
                "does not match the contract: \(error)", sessionID: json["id"]?.stringValue ?? json["session_id"]?.stringValue)
        }
    }

    /// Sends with the retry policy; returns the last response and how many attempts it took.
    ///
    /// Retried: 429 always (the service refused before acting), waiting what
    /// `Retry-After` asks while that fits the policy's budget; 502, 503, 504
    /// and lost or timed-out connections only for reads; a connection that was
    /// never made always (nothing was sent), unless retrying cannot help (a
    /// name that does not resolve, a certificate that is not trusted).
    public func send(_ request: TransportRequest) async throws(PushAPIError) -> (TransportResponse, Int) {
        let clock = ContinuousClock()
        var budget = RetryBudget(retryPolicy)
        var attempt = 0
        while true {
            attempt += 1
            let sent = clock.now
            let outcome: Result<TransportResponse, TransportFailure>
            do {
                outcome = .success(try await transport.send(request, timeout: configuration.requestTimeout))
            } catch {
                outcome = .failure(error)
            }
            var exchange = Exchange(
                request: request, response: try? outcome.get(), failure: outcomeFailure(outcome), attempt: attempt,
                elapsed: clock.now - sent)
            exchange.url = transport.url(for: request)
            exchange.route = attempt == 1 ? transport.route : nil

            let wait: Duration?
            switch outcome {
            case .success(let response):
                // 429 and 408 mean the service did nothing (RFC 9110 lets a
                // client repeat a request after 408 on any method).
                let retryable =
                    response.status == .tooManyRequests || response.status == .requestTimeout
                    || (request.isIdempotent && HTTPStatus.gatewayFailures.contains(response.status))
                wait = retryable ? nextWait(attempt, retryAfter: parseRetryAfter(response.header("retry-after")), budget: budget) : nil
                exchange.retryingAfter = wait
                exchange.waitAskedByService = wait != nil && response.header("retry-after") != nil
                observer?(exchange)
                guard wait != nil else { return (response, attempt) }
            case .failure(let failure):
                let retryable = failure.cause.isRetryable(idempotent: request.isIdempotent)
                wait = retryable ? nextWait(attempt, retryAfter: nil, budget: budget) : nil
                exchange.retryingAfter = wait
                observer?(exchange)
                guard wait != nil else {
                    throw ErrorReading.error(for: failure, request: request, attempts: attempt)
                }
            }
            if let wait, wait > .zero {
                budget.spend(wait)
                do { try await sleep(wait) } catch {
                    var interrupted = PushAPIError(
                        kind: .transport(.other), request: "\(request.method) \(request.path)",
                        message: "interrupted while waiting to retry", attempts: attempt)
                    interrupted.transportCause = .interrupted
                    interrupted.endpoint = request.endpoint
                    throw interrupted
                }
            }
        }
    }

    private func outcomeFailure(_ outcome: Result<TransportResponse, TransportFailure>) -> TransportFailure? {
        if case .failure(let f) = outcome { return f }
        return nil
    }

    /// The wait before attempt `attempt + 1` (counting from 1): the retry
    /// policy's backoff with jitter from ``random``, at most `cap`.
    ///
    /// The one backoff of every retry: the client's own, and those made above
    /// it when an answer was lost (a start, a close, a page), so that every
    /// wait follows one scheme and a test that fixes ``random`` fixes them all.
    public func backoff(afterAttempt attempt: Int, retryAfter: Duration? = nil, atMost cap: Duration? = nil) -> Duration {
        let wait = retryPolicy.delay(afterAttempt: attempt, retryAfter: retryAfter, random: random())
        return cap.map { min(wait, $0) } ?? wait
    }

    /// The wait before another attempt, or `nil` when the budget is spent.
    ///
    /// A `Retry-After` is honoured as asked, but never past `maxTotal`
    /// (`set retry_for`): a wait beyond it ends the retries, and the error says
    /// how long the service asked for.
    private func nextWait(_ attempt: Int, retryAfter: Duration?, budget: RetryBudget) -> Duration? {
        let wait = backoff(afterAttempt: attempt, retryAfter: retryAfter)
        return budget.allows(afterAttempts: attempt, wait: wait) ? wait : nil
    }
}
