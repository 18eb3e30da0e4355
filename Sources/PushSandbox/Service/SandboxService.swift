import HTTPTypes
import PushAPI
import Synchronization

/// The simulated push API: every state and transition of the contract, on an
/// injectable clock.
///
/// Time-driven changes (expiry, the end of a processing attempt) are worked
/// out when the integration is next looked at, from the clock: no timers, so
/// a frozen clock in a test or `sandbox advance` in a lesson sees exactly the
/// states the real service would show at that time.
public final class SandboxService: Sendable {
    /// The sandbox's time.
    public let clock: SandboxClock
    private let state: Mutex<State>
    /// Misbehaviour on purpose (`--faults`, `sandbox faults`).
    let faults: FaultDice

    struct Integration {
        var id: String
        var apiKey: [UInt8]
        var sessions: [String: SandboxSession] = [:]
        /// Session ids in creation order, for counts and listings.
        var sessionOrder: [String] = []
        var events: [ActivityEvent] = []
        var eventCounter = 0
        var records: [String: RecordStore] = [:]
        var rateLimiter: RateLimiter?
        var lastRateLimitEvent: Timestamp?
    }

    struct State {
        var settings: SandboxSettings
        var integrations: [String: Integration]
        var random: SplitMix64
        /// Processing attempts left to fail (`sandbox fail next N`).
        var failuresPlanned = 0
    }

    public init(
        settings: SandboxSettings = SandboxSettings(), integrations: [SandboxIntegration] = [.demo], clock: SandboxClock = SandboxClock()
    ) {
        self.clock = clock
        var table: [String: Integration] = [:]
        for integration in integrations {
            table[integration.id] = Integration(id: integration.id, apiKey: Array(integration.apiKey.utf8))
        }
        let seed = settings.seed ?? UInt64.random(in: 0...UInt64.max)
        state = Mutex(State(settings: settings, integrations: table, random: SplitMix64(seed: seed)))
        faults = FaultDice(plan: FaultPlan(), seed: seed &+ 1)
    }

    /// The current settings.
    public var settings: SandboxSettings { state.withLock { $0.settings } }

    /// The integration ids served, sorted.
    public var integrationIDs: [String] { state.withLock { $0.integrations.keys.sorted() } }

    // MARK: Checks every API request goes through

    /// Checks the `api-key` against the integration's, in constant time.
    ///
    /// An unknown integration answers exactly like a wrong key, so ids cannot be probed.
    public func authenticate(integrationID: String, apiKey: String?) throws(SandboxError) {
        guard let apiKey, !apiKey.isEmpty else {
            throw SandboxError(.unauthorized, "missing_api_key", "send the integration's API key in the api-key header")
        }
        let expected = state.withLock { $0.integrations[integrationID]?.apiKey }
        guard ConstantTime.equal(Array(apiKey.utf8), expected ?? Array("\u{0}no-such-integration".utf8)), expected != nil else {
            throw SandboxError(.unauthorized, "invalid_api_key", "the API key is not valid for integration \(integrationID)")
        }
    }

    /// Takes one request from the integration's rate budget.
    public func checkRateLimit(integrationID: String) throws(SandboxError) {
        let now = clock.now()
        let wait: Int? = state.withLock { s in
            guard let rate = s.settings.rateLimit else { return nil }
            var limiter = s.integrations[integrationID]?.rateLimiter ?? RateLimiter(rate: rate, now: now)
            if limiter.rate != rate { limiter = RateLimiter(rate: rate, now: now) }
            let wait = limiter.take(now: now)
            s.integrations[integrationID]?.rateLimiter = limiter
            if wait != nil, var integration = s.integrations[integrationID] {
                // One event a second is enough to see throttling without drowning the log.
                if integration.lastRateLimitEvent.map({ now.duration(since: $0) >= .seconds(1) }) ?? true {
                    integration.lastRateLimitEvent = now
                    Self.log(
                        &integration, at: now, level: "warning", type: .rateLimited,
                        message: "request refused: more than \(rate) requests per second", session: nil,
                        details: ["limit_per_second": .int(Int64(rate))])
                }
                s.integrations[integrationID] = integration
            }
            return wait
        }
        if let wait {
            var error = SandboxError(
                .tooManyRequests, "rate_limited", "too many requests: at most \(settings.rateLimit ?? 0) per second; retry after \(wait)s")
            error.retryAfterSeconds = wait
            throw error
        }
    }

    // MARK: Endpoints

    /// `POST /sessions`.
    public func startSession(integrationID: String, clientReferenceID: String?) throws(SandboxError) -> Session {
        try update(integrationID) { s, integration, now throws(SandboxError) in
            if let active = integration.sessions.values.first(where: { $0.state == .active }) {
                throw SandboxError(
                    .conflict, "session_already_active",
                    "session \(active.id) is already active for this integration; close it (apply or discard) or let it expire before starting another",
                    details: ["active_session_id": .string(active.id)])
            }
            let id = "ses_" + String(s.random.next(), radix: 16).zeroPadded(to: 16)
            let session = SandboxSession(
                id: id, integrationID: integrationID, clientReferenceID: clientReferenceID, state: .active,
                createdAt: now, updatedAt: now, lastTouchedAt: now, inactivityTimeout: s.settings.inactivityTimeout)
            integration.sessions[id] = session
            integration.sessionOrder.append(id)
            var details = JSONObject()
            if let clientReferenceID { details["client_reference_id"] = .string(clientReferenceID) }
            Self.log(
                &integration, at: now, level: "info", type: .sessionCreated, message: "session \(id) started", session: id,
                details: .object(details))
            return session.created
        }
    }

    /// `GET /sessions/{id}`. Resets the inactivity clock of an active session.
    public func session(integrationID: String, sessionID: String) throws(SandboxError) -> Session {
        try update(integrationID) { _, integration, now throws(SandboxError) in
            try Self.touch(&integration, sessionID, now: now).status
        }
    }

    /// `POST /sessions/{id}/entities` with an already parsed body.
    public func push(integrationID: String, sessionID: String, body: JSONValue) throws(SandboxError) -> BatchIngestResponse {
        // The page is read and validated before the lock is taken: it is most
        // of a page's work, and other requests need not wait for it. Its
        // errors are raised inside, after the session's, so a bad page to a
        // closed session still says the session is closed.
        let checked = Result { () throws(SandboxError) in try Self.readEnvelope(body) }
        var problems: [ValidationError] = []
        var byEntity: [String: Int] = [:]
        var total = 0
        if case .success(let page) = checked {
            for (type, records) in page.entities {
                for (index, record) in records.enumerated() {
                    problems += RecordValidation.problems(entityType: type, index: index, record: record)
                }
                byEntity[type, default: 0] += records.count
                total += records.count
            }
        }
        return try update(integrationID) { _, integration, now throws(SandboxError) in
            // Only the state is kept: a copy of the session would share its staged pages, and staging one more would copy them all.
            let state = try Self.touch(&integration, sessionID, now: now).state
            guard state == .active else {
                throw SandboxError(
                    .conflict, "session_not_active",
                    "session \(sessionID) is \(state); only an active session accepts pages",
                    details: ["state": .string(state.rawValue)])
            }
            let page = try checked.get()
            if !problems.isEmpty {
                let rejected = BatchIngestResponse(
                    sessionID: sessionID, acceptedCountTotal: 0, acceptedCountByEntity: [:], rejectedCountTotal: total,
                    validationErrors: problems, echoedPageHint: page.hint)
                let summary = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
                Self.log(
                    &integration, at: now, level: "warning", type: .batchRejected,
                    message: "page rejected: \(summary) in \(total) records; nothing staged", session: sessionID,
                    details: [
                        "problems": .int(Int64(problems.count)), "records": .int(Int64(total)),
                        "first_problem": .string(problems[0].description),
                    ])
                var topLevel = JSONObject()
                for entry in rejected.json.objectValue ?? JSONObject() { topLevel[entry.key] = entry.value }
                throw SandboxError(
                    .badRequest, "validation_failed", "the page was rejected: \(summary); nothing was staged", topLevel: topLevel)
            }
            // Staged in place in the table: the page costs its own records, not the session's earlier pages.
            integration.sessions[sessionID]?.stage(page.entities, records: total, byEntity: byEntity, at: now)
            let batch = integration.sessions[sessionID]?.acceptedBatches ?? 0
            var details: JSONObject = ["records": .int(Int64(total)), "batch": .int(Int64(batch))]
            if let hint = page.hint { details["page_hint"] = .int(Int64(hint)) }
            Self.log(
                &integration, at: now, level: "info", type: .batchAccepted,
                message: "page \(batch) accepted: \(total) record\(total == 1 ? "" : "s") staged", session: sessionID,
                details: .object(details))
            return BatchIngestResponse(
                sessionID: sessionID, acceptedCountTotal: total, acceptedCountByEntity: byEntity, rejectedCountTotal: 0,
                validationErrors: [], echoedPageHint: page.hint)
        }
    }

    /// `POST /sessions/{id}/close`.
    public func close(integrationID: String, sessionID: String, action: CloseAction) throws(SandboxError) -> Session {
        try update(integrationID) { s, integration, now throws(SandboxError) in
            var session = try Self.touch(&integration, sessionID, now: now)
            guard session.state == .active || session.state == .expired else {
                throw SandboxError(
                    .conflict, "session_not_closable",
                    "session \(sessionID) is \(session.state); only an active or expired session can be closed",
                    details: ["state": .string(session.state.rawValue)])
            }
            session.updatedAt = now
            switch action {
            case .discard:
                session.state = .cancelled
                session.stagedPages = []
                Self.log(
                    &integration, at: now, level: "info", type: .sessionCancelled,
                    message: "session \(sessionID) discarded; staged data thrown away", session: sessionID, details: .object(JSONObject()))
            case .apply:
                session.state = .processing
                session.processingStartedAt = now
                session.processingTime = s.settings.processingTime
                Self.log(
                    &integration, at: now, level: "info", type: .sessionClosed,
                    message:
                        "session \(sessionID) closed with apply: \(session.acceptedRecordsTotal) record\(session.acceptedRecordsTotal == 1 ? "" : "s") in \(session.acceptedBatches) page\(session.acceptedBatches == 1 ? "" : "s")",
                    session: sessionID, details: ["action": "apply"])
                Self.log(
                    &integration, at: now, level: "info", type: .processingStarted,
                    message: "processing of session \(sessionID) started", session: sessionID, details: .object(JSONObject()))
            }
            integration.sessions[sessionID] = session
            return session.status
        }
    }

    /// `GET /status`.
    public func status(integrationID: String) throws(SandboxError) -> IntegrationStatusCounts {
        try update(integrationID) { _, integration, _ in
            var counts: [SessionState: Int] = [:]
            for session in integration.sessions.values { counts[session.state, default: 0] += 1 }
            return IntegrationStatusCounts(
                integrationID: integration.id, active: counts[.active] ?? 0, processing: counts[.processing] ?? 0,
                processed: counts[.processed] ?? 0, failed: counts[.failed] ?? 0, expired: counts[.expired] ?? 0,
                lastActivityAt: integration.events.last?.at)
        }
    }

    /// `GET /activity`, newest first.
    public func activity(integrationID: String, since: Timestamp?, page: Int, pageSize: Int) throws(SandboxError) -> ActivityLogPage {
        try update(integrationID) { _, integration, _ in
            let matching = integration.events.reversed().filter { since == nil || ($0.at.map { $0 >= since! } ?? true) }
            let start = (page - 1) * pageSize
            let items = start < matching.count ? Array(matching[start..<min(start + pageSize, matching.count)]) : []
            let next = start + pageSize < matching.count ? page + 1 : nil
            return ActivityLogPage(items: items, page: page, pageSize: pageSize, nextPage: next)
        }
    }

    /// The records the service now holds for an entity type, in the order first applied.
    public func records(integrationID: String, entityType: String) throws(SandboxError) -> [JSONValue] {
        try update(integrationID) { _, integration, _ in integration.records[entityType]?.records ?? [] }
    }

    /// Everything the integration holds, read at once and without touching
    /// a session: unlike `GET /sessions/{id}`, it leaves an active session's
    /// inactivity clock alone. For the shell's lessons, which look between
    /// steps and must not change what they teach. Sessions come in the order
    /// started, events oldest first.
    public func inspect(integrationID: String) throws(SandboxError) -> (
        now: Timestamp, sessions: [Session], events: [ActivityEvent], records: [String: [JSONValue]], failuresPlanned: Int
    ) {
        try update(integrationID) { s, integration, now in
            (
                now, integration.sessionOrder.compactMap { integration.sessions[$0]?.status }, integration.events,
                integration.records.mapValues(\.records), s.failuresPlanned
            )
        }
    }

    // MARK: Controls (`sandbox ...` commands and `pushsh serve` options)

    /// Moves the sandbox's time forward.
    public func advanceClock(by duration: Duration) { clock.advance(by: duration) }

    /// Makes the next `count` processing attempts fail. One failure is retried
    /// once and then succeeds; two in a row end in `failed`.
    public func failNextProcessing(_ count: Int) { state.withLock { $0.failuresPlanned = max(0, count) } }

    /// Makes requests misbehave by plan, from `seed` (the same seed, the same faults).
    public func setFaults(_ plan: FaultPlan, seed: UInt64? = nil) { faults.set(plan, seed: seed) }

    /// The fault plan in force.
    public var faultPlan: FaultPlan { faults.plan }

    /// How many faults of each kind were injected so far.
    public var faultCounts: [String: Int] { faults.counts }

    /// How many planned failures are left.
    public var failuresPlanned: Int { state.withLock { $0.failuresPlanned } }

    /// How long each processing attempt takes, for sessions closed from now on.
    public func setProcessingTime(_ duration: Duration) { state.withLock { $0.settings.processingTime = max(.zero, duration) } }

    /// Inactivity timeout for sessions started from now on.
    public func setInactivityTimeout(_ duration: Duration) { state.withLock { $0.settings.inactivityTimeout = max(.seconds(1), duration) } }

    /// Requests per second per integration, or `nil` for none.
    public func setRateLimit(_ perSecond: Int?) {
        state.withLock { s in
            s.settings.rateLimit = perSecond.map { max(1, $0) }
            for id in s.integrations.keys { s.integrations[id]?.rateLimiter = nil }
        }
    }

    /// Forgets every session, event and record; keeps integrations and settings.
    public func reset() {
        state.withLock { s in
            for id in s.integrations.keys {
                let old = s.integrations[id]!
                s.integrations[id] = Integration(id: old.id, apiKey: old.apiKey)
            }
            s.failuresPlanned = 0
        }
    }

    // MARK: Lifecycle

    /// Runs `body` on the integration after bringing every session up to the clock's time.
    private func update<T>(
        _ integrationID: String, _ body: (inout State, inout Integration, Timestamp) throws(SandboxError) -> T
    ) throws(SandboxError) -> T {
        let now = clock.now()
        return try state.withLock { s throws(SandboxError) -> T in
            // Taken out of the table while `body` runs, so that its log, sessions
            // and records are not shared: appending an event then costs one
            // event, not a copy of the whole log (copy-on-write would copy it).
            guard var integration = s.integrations.removeValue(forKey: integrationID) else {
                throw SandboxError(.notFound, "integration_not_found", "no integration \(integrationID)")
            }
            Self.advance(&integration, to: now, failures: &s.failuresPlanned)
            defer { s.integrations[integrationID] = integration }
            return try body(&s, &integration, now)
        }
    }

    /// Works out every expiry and processing outcome due by `now`.
    static func advance(_ integration: inout Integration, to now: Timestamp, failures: inout Int) {
        for id in integration.sessionOrder {
            guard var session = integration.sessions[id] else { continue }
            var changed = false
            while true {
                if session.state == .active {
                    let deadline = session.expiresAt
                    guard now >= deadline else { break }
                    session.state = .expired
                    session.updatedAt = deadline
                    log(
                        &integration, at: deadline, level: "warning", type: .sessionExpired,
                        message:
                            "session \(id) expired after \(session.inactivityTimeout.wholeMilliseconds / 1000)s without a request; close it with apply to keep its data",
                        session: id, details: .object(JSONObject()))
                    changed = true
                } else if session.state == .processing, let started = session.processingStartedAt {
                    let end = started.adding(session.processingTime)
                    guard now >= end else { break }
                    changed = true
                    session.updatedAt = end
                    if failures > 0 {
                        failures -= 1
                        let attempt = session.retryCount + 1
                        session.lastError = "processing attempt \(attempt) failed: simulated failure (sandbox fail next)"
                        if session.retryCount == 0 {
                            session.retryCount = 1
                            session.processingStartedAt = end
                            log(
                                &integration, at: end, level: "warning", type: .processingRetried,
                                message: "processing of session \(id) failed; retrying once", session: id,
                                details: ["error": .string(session.lastError!)])
                        } else {
                            session.state = .failed
                            session.processingStartedAt = nil
                            log(
                                &integration, at: end, level: "error", type: .sessionFailed,
                                message: "processing of session \(id) failed twice; the session failed and nothing was applied",
                                session: id,
                                details: ["error": .string(session.lastError!)])
                        }
                    } else {
                        apply(session, to: &integration)
                        session.state = .processed
                        session.processingStartedAt = nil
                        session.stagedPages = []
                        log(
                            &integration, at: end, level: "info", type: .sessionProcessed,
                            message:
                                "session \(id) processed: \(session.acceptedRecordsTotal) record\(session.acceptedRecordsTotal == 1 ? "" : "s") applied",
                            session: id,
                            details: ["records": .int(Int64(session.acceptedRecordsTotal))])
                    }
                } else {
                    break
                }
            }
            if changed { integration.sessions[id] = session }
        }
    }

    /// Upserts a session's staged pages into the integration's records, in accepted order.
    static func apply(_ session: SandboxSession, to integration: inout Integration) {
        for page in session.stagedPages {
            for (type, records) in page {
                let key = NaturalKey.field(for: type)
                // In place: a store copied out of the table would be copied whole on the first upsert.
                for record in records { integration.records[type, default: RecordStore()].upsert(record, key: key) }
            }
        }
    }

    /// Finds a session and, when it is active, resets its inactivity clock.
    static func touch(_ integration: inout Integration, _ sessionID: String, now: Timestamp) throws(SandboxError) -> SandboxSession {
        guard var session = integration.sessions[sessionID] else {
            throw SandboxError(.notFound, "session_not_found", "no session \(sessionID) in integration \(integration.id)")
        }
        if session.state == .active {
            session.lastTouchedAt = now
            integration.sessions[sessionID] = session
        }
        return session
    }

    /// Reads `{"entities": {"Type": [objects]}, "page_hint": n}`.
    static func readEnvelope(_ body: JSONValue) throws(SandboxError) -> (entities: [(type: String, records: [JSONValue])], hint: Int?) {
        guard case .object(let object) = body else {
            throw .badRequest(
                "invalid_envelope", "the body must be a JSON object like {\"entities\": {\"User\": [...]}}, got \(body.typeName)")
        }
        guard let entities = object["entities"] else {
            throw .badRequest("invalid_envelope", "the body has no \"entities\" field; send {\"entities\": {\"User\": [...]}}")
        }
        guard case .object(let types) = entities else {
            throw .badRequest(
                "invalid_envelope", "\"entities\" must be an object of entity type → array of records, got \(entities.typeName)")
        }
        var hint: Int?
        if let value = object["page_hint"], value != .null {
            guard let h = value.intValue else {
                throw .badRequest("invalid_envelope", "\"page_hint\" must be an integer, got \(value.typeName)")
            }
            hint = Int(h)
        }
        var result: [(type: String, records: [JSONValue])] = []
        for entry in types {
            guard case .array(let records) = entry.value else {
                throw .badRequest("invalid_envelope", "entities.\(entry.key) must be an array of records, got \(entry.value.typeName)")
            }
            guard !entry.key.isEmpty else { throw .badRequest("invalid_envelope", "an entity type name is empty") }
            result.append((entry.key, records))
        }
        return (result, hint)
    }

    /// Where an integration's activity log is stored, and how many events it has room for:
    /// for tests that check an event is appended in place (the log is not copied per request).
    func eventLogStorage(integrationID: String) -> (address: UInt, capacity: Int)? {
        state.withLock { s in
            s.integrations[integrationID].map { integration in
                integration.events.withUnsafeBufferPointer { (UInt(bitPattern: $0.baseAddress), integration.events.capacity) }
            }
        }
    }

    /// Appends an event, keeping the log in time order.
    static func log(
        _ integration: inout Integration, at: Timestamp, level: String, type: ActivityEventType, message: String, session: String?,
        details: JSONValue
    ) {
        integration.eventCounter += 1
        let event = ActivityEvent(
            id: "evt_" + String(integration.eventCounter).zeroPadded(to: 6), at: at, level: level, type: type.rawValue, message: message,
            sessionID: session, details: details)
        var index = integration.events.endIndex
        while index > 0, let previous = integration.events[index - 1].at, previous > at { index -= 1 }
        integration.events.insert(event, at: index)
    }
}

/// Comparison that takes the same time wherever the first difference is.
public enum ConstantTime {
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let length = max(a.count, b.count)
        for i in 0..<length {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
