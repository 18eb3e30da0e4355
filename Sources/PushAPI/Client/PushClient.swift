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
    public func startSession(clientReferenceID: String? = nil) async throws(PushAPIError) -> Session {
        var body = JSONObject()
        if let clientReferenceID { body["client_reference_id"] = .string(clientReferenceID) }
        let request = jsonRequest("POST", "/sessions", body: .object(body))
        return try await call(request, expecting: [201], decode: Session.init(json:))
    }

    /// `GET /sessions/{id}`: the session's state and counts. Resets its inactivity clock.
    public func session(_ sessionID: String) async throws(PushAPIError) -> Session {
        let request = TransportRequest(method: "GET", path: sessionPath(sessionID), headers: headers(json: false))
        return try await call(request, expecting: [200], decode: Session.init(json:))
    }

    /// `POST /sessions/{id}/entities`: stages one page. A page is all or nothing.
    ///
    /// A rejected page throws with ``PushAPIError/validationErrors`` filled in.
    /// A page whose fate is unclear (the connection dropped after sending) is
    /// never sent again here: the error says so, and the caller decides.
    public func push(_ page: EntityPage, to sessionID: String) async throws(PushAPIError) -> BatchIngestResponse {
        let request = jsonRequest("POST", sessionPath(sessionID) + "/entities", body: page.json, relative: false)
        return try await call(request, expecting: [202], decode: BatchIngestResponse.init(json:))
    }

    /// `POST /sessions/{id}/entities` with a body already encoded: for bulk
    /// pushes, which assemble pages from records' bytes without re-encoding.
    public func push(encodedPage body: [UInt8], to sessionID: String) async throws(PushAPIError) -> BatchIngestResponse {
        let request = TransportRequest(method: "POST", path: sessionPath(sessionID) + "/entities", headers: headers(json: true), body: body)
        return try await call(request, expecting: [202], decode: BatchIngestResponse.init(json:))
    }

    /// `POST /sessions/{id}/close`: `apply` starts processing, `discard` cancels.
    public func close(_ sessionID: String, action: CloseAction) async throws(PushAPIError) -> Session {
        let request = jsonRequest("POST", sessionPath(sessionID) + "/close", body: ["status": .string(action.rawValue)], relative: false)
        return try await call(request, expecting: [202, 200], decode: Session.init(json:))
    }

    /// `GET /status`: how many sessions are in each state.
    public func integrationStatus() async throws(PushAPIError) -> IntegrationStatusCounts {
        let request = TransportRequest(method: "GET", path: configuration.integrationPath + "/status", headers: headers(json: false))
        return try await call(request, expecting: [200], decode: IntegrationStatusCounts.init(json:))
    }

    /// `GET /activity`: one page of the activity log, newest first.
    public func activity(since: Timestamp? = nil, page: Int? = nil, pageSize: Int? = nil) async throws(PushAPIError) -> ActivityLogPage {
        var query: [(name: String, value: String)] = []
        if let since { query.append(("since", since.iso8601)) }
        if let page { query.append(("page", String(page))) }
        if let pageSize { query.append(("page_size", String(pageSize))) }
        let request = TransportRequest(method: "GET", path: configuration.integrationPath + "/activity", query: query, headers: headers(json: false))
        return try await call(request, expecting: [200], decode: ActivityLogPage.init(json:))
    }

    // MARK: Requests

    func sessionPath(_ sessionID: String) -> String {
        configuration.integrationPath + "/sessions/" + PathEncoding.segment(sessionID)
    }

    func headers(json: Bool) -> [(name: String, value: String)] {
        var h: [(name: String, value: String)] = [("api-key", configuration.apiKey.revealed), ("accept", "application/json")]
        if json { h.append(("content-type", "application/json")) }
        return h
    }

    func jsonRequest(_ method: String, _ path: String, body: JSONValue, relative: Bool = true) -> TransportRequest {
        TransportRequest(
            method: method, path: relative ? configuration.integrationPath + path : path,
            headers: headers(json: true), body: body.jsonBytes)
    }

    /// Sends `request` (with retries), checks the status and decodes the body.
    public func call<Model>(
        _ request: TransportRequest, expecting statuses: Set<Int>, decode: (JSONValue) throws(ModelDecodingError) -> Model
    ) async throws(PushAPIError) -> Model {
        let (response, attempts) = try await send(request)
        let label = "\(request.method) \(request.path)"
        guard statuses.contains(response.status) else {
            throw ErrorReading.error(for: response, request: request, attempts: attempts)
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: response.body)
        } catch {
            throw PushAPIError(
                kind: .unexpectedResponse, request: label,
                message: "the \(response.status) answer is not JSON (\(error.message) at \(error.line):\(error.column))",
                rawBody: String(decoding: response.body.prefix(2000), as: UTF8.self), attempts: attempts)
        }
        do {
            return try decode(json)
        } catch {
            throw PushAPIError(
                kind: .unexpectedResponse, request: label, message: "the answer does not match the contract: \(error)",
                rawBody: String(decoding: response.body.prefix(2000), as: UTF8.self), attempts: attempts)
        }
    }

    /// Sends with the retry policy; returns the last response and how many attempts it took.
    ///
    /// Retried: 429 always (the service refused before acting); 502, 503, 504
    /// and lost or timed-out connections only for reads; a refused connection
    /// always (nothing was sent). Everything else is returned or thrown as is.
    public func send(_ request: TransportRequest) async throws(PushAPIError) -> (TransportResponse, Int) {
        let clock = ContinuousClock()
        let started = clock.now
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

            let wait: Duration?
            switch outcome {
            case .success(let response):
                let retryable = response.status == 429 || (request.isIdempotent && [502, 503, 504].contains(response.status))
                wait = retryable ? nextWait(attempt, retryAfter: parseRetryAfter(response.header("retry-after")), started: started, clock: clock) : nil
                exchange.retryingAfter = wait
                observer?(exchange)
                guard let wait else { return (response, attempt) }
                _ = wait
            case .failure(let failure):
                let retryable = failure.kind == .notConnected || (request.isIdempotent && failure.kind != .other)
                wait = retryable ? nextWait(attempt, retryAfter: nil, started: started, clock: clock) : nil
                exchange.retryingAfter = wait
                observer?(exchange)
                guard wait != nil else {
                    throw ErrorReading.error(for: failure, request: request, attempts: attempt)
                }
            }
            if let wait, wait > .zero {
                do { try await sleep(wait) } catch {
                    throw PushAPIError(kind: .transport(.other), request: "\(request.method) \(request.path)", message: "interrupted while waiting to retry", attempts: attempt)
                }
            }
        }
    }

    private func outcomeFailure(_ outcome: Result<TransportResponse, TransportFailure>) -> TransportFailure? {
        if case .failure(let f) = outcome { return f }
        return nil
    }

    /// The wait before another attempt, or `nil` when the budget is spent.
    private func nextWait(_ attempt: Int, retryAfter: Duration?, started: ContinuousClock.Instant, clock: ContinuousClock) -> Duration? {
        guard attempt < retryPolicy.maxAttempts else { return nil }
        let wait = retryPolicy.delay(afterAttempt: attempt, retryAfter: retryAfter, random: random())
        guard (clock.now - started) + wait <= retryPolicy.maxTotal else { return nil }
        return wait
    }
}
