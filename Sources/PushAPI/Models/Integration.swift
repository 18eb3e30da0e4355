/// How many sessions of an integration are in each state (`GET /status`).
public struct IntegrationStatusCounts: Sendable, Equatable {
    public var integrationID: String
    public var active: Int
    public var processing: Int
    public var processed: Int
    public var failed: Int
    public var expired: Int
    public var lastActivityAt: Timestamp?
    public var raw: JSONValue
    /// Fields of the answer that could not be read.
    public var warnings: [String] = []

    public init(
        integrationID: String, active: Int, processing: Int, processed: Int, failed: Int, expired: Int,
        lastActivityAt: Timestamp?
    ) {
        self.integrationID = integrationID
        self.active = active
        self.processing = processing
        self.processed = processed
        self.failed = failed
        self.expired = expired
        self.lastActivityAt = lastActivityAt
        self.raw = .null
        self.raw = json
    }

    public init(json: JSONValue) throws(ModelDecodingError) {
        let r = try FieldReader("IntegrationStatusCounts", json)
        integrationID = r.optionalString("integration_id") ?? ""
        let sessions: FieldReader
        if let nested = r.nested("sessions") {
            sessions = nested
        } else {
            sessions = try FieldReader("IntegrationStatusCounts.sessions", .object(JSONObject()))
        }
        active = sessions.int("active", default: 0)
        processing = sessions.int("processing", default: 0)
        processed = sessions.int("processed", default: 0)
        failed = sessions.int("failed", default: 0)
        expired = sessions.int("expired", default: 0)
        lastActivityAt = r.timestamp("last_activity_at")
        raw = json
        r.adopt(sessions, prefix: "sessions")
        warnings = r.warnings
    }

    public var json: JSONValue {
        var o = JSONObject()
        o["integration_id"] = .string(integrationID)
        o["sessions"] = [
            "active": .int(Int64(active)), "processing": .int(Int64(processing)),
            "processed": .int(Int64(processed)), "failed": .int(Int64(failed)), "expired": .int(Int64(expired)),
        ]
        o["last_activity_at"] = lastActivityAt.map { .string($0.iso8601) } ?? .null
        return .object(o)
    }
}

/// The kinds of activity event the sandbox writes and pushsh knows by name
/// (docs/sandbox.md lists them). The real service may send others: an
/// event's `type` stays a string, and ``ActivityEvent/knownType`` is nil for
/// those.
public enum ActivityEventType: String, CaseIterable, Sendable, Hashable {
    case sessionCreated = "session_created"
    case batchAccepted = "batch_accepted"
    case batchRejected = "batch_rejected"
    case sessionClosed = "session_closed"
    case sessionCancelled = "session_cancelled"
    case processingStarted = "processing_started"
    case processingRetried = "processing_retried"
    case sessionProcessed = "session_processed"
    case sessionFailed = "session_failed"
    case sessionExpired = "session_expired"
    case rateLimited = "rate_limited"
}

/// One entry of the activity log.
public struct ActivityEvent: Sendable, Equatable {
    public var id: String
    public var at: Timestamp?
    /// `info`, `warning` or `error`.
    public var level: String
    /// e.g. `session_created`, `batch_rejected`.
    public var type: String
    public var message: String
    public var sessionID: String?
    public var details: JSONValue
    /// `at` as sent, when it could not be read as a time.
    public var atText: String?
    /// Fields of the event that could not be read.
    public var warnings: [String] = []

    public init(id: String, at: Timestamp?, level: String, type: String, message: String, sessionID: String?, details: JSONValue) {
        self.id = id
        self.at = at
        self.level = level
        self.type = type
        self.message = message
        self.sessionID = sessionID
        self.details = details
    }

    /// `type` as one of the kinds pushsh knows, or nil.
    public var knownType: ActivityEventType? { ActivityEventType(rawValue: type) }

    public init(json: JSONValue) throws(ModelDecodingError) {
        let r = try FieldReader("ActivityEvent", json)
        id = r.optionalString("id") ?? ""
        at = r.timestamp("at")
        level = r.optionalString("level") ?? "info"
        type = r.optionalString("type") ?? ""
        message = r.optionalString("message") ?? ""
        sessionID = r.optionalString("session_id")
        details = r.object["details"] ?? .object(JSONObject())
        atText = at == nil ? r.object["at"]?.stringValue : nil
        warnings = r.warnings
    }

    public var json: JSONValue {
        var o = JSONObject()
        o["id"] = .string(id)
        o["at"] = at.map { .string($0.iso8601) } ?? .null
        o["level"] = .string(level)
        o["type"] = .string(type)
        o["message"] = .string(message)
        o["session_id"] = sessionID.map(JSONValue.string) ?? .null
        o["details"] = details
        return .object(o)
    }
}

/// One page of the activity log (`GET /activity`).
public struct ActivityLogPage: Sendable, Equatable {
    public var items: [ActivityEvent]
    public var page: Int
    public var pageSize: Int
    /// The next page's number, or `nil` on the last page.
    public var nextPage: Int?
    public var raw: JSONValue
    /// Fields of the answer (and its events) that could not be read.
    public var warnings: [String] = []

    public init(items: [ActivityEvent], page: Int, pageSize: Int, nextPage: Int?) {
        self.items = items
        self.page = page
        self.pageSize = pageSize
        self.nextPage = nextPage
        self.raw = .null
        self.raw = json
    }

    public init(json: JSONValue) throws(ModelDecodingError) {
        let r = try FieldReader("ActivityLogPage", json)
        var events: [ActivityEvent] = []
        var eventWarnings: [String] = []
        for (i, item) in r.array("items").enumerated() {
            guard let event = try? ActivityEvent(json: item) else {
                eventWarnings.append("items[\(i)] is not an object; left out")
                continue
            }
            eventWarnings += event.warnings.map { "items[\(i)].\($0)" }
            events.append(event)
        }
        items = events
        page = r.int("page", default: 1)
        pageSize = r.int("page_size", default: events.count)
        nextPage = r.optionalInt("next_page")
        raw = json
        warnings = r.warnings + eventWarnings
    }

    public var json: JSONValue {
        [
            "items": .array(items.map(\.json)), "page": .int(Int64(page)), "page_size": .int(Int64(pageSize)),
            "next_page": nextPage.map { .int(Int64($0)) } ?? .null,
        ]
    }
}

/// The error body the sandbox sends with every 4xx/5xx: `{"error": {"code", "message"}}`.
public struct ServiceErrorBody: Sendable, Equatable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// Reads the body when it has this shape; `nil` otherwise (a real service
    /// may answer with anything, and the client shows it raw then).
    public init?(json: JSONValue) {
        guard let error = json["error"], let code = error["code"]?.stringValue else {
            if let message = json["message"]?.stringValue {
                self.code = json["code"]?.stringValue ?? ""
                self.message = message
                return
            }
            return nil
        }
        self.code = code
        self.message = error["message"]?.stringValue ?? ""
    }
}
