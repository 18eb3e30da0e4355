import BuiltInSandbox
import Foundation
import PushAPI
import PushSandbox
import PushScript

/// One HTTP exchange as a lesson sees it: `method`, `path`, `route`, `status`, the bodies.
struct SeenExchange: Sendable {
    var method: String
    var path: String
    /// The path after `/v1/integrations/{id}`, session ids as `{id}`: `/sessions/{id}/close`.
    var route: String
    var query: [(name: String, value: String)]
    var status: Int?
    var request: JSONValue?
    var response: JSONValue?
    var responseText: String
    var failure: String?

    init(_ exchange: Exchange) {
        method = exchange.request.method
        path = exchange.request.path
        route = Self.route(of: exchange.request.path)
        query = exchange.request.query
        status = exchange.response?.status
        request = exchange.request.body.flatMap { try? JSONValue(parsing: String(decoding: $0, as: UTF8.self)) }
        let body = exchange.response.map { String(decoding: $0.body, as: UTF8.self) } ?? ""
        response = try? JSONValue(parsing: body)
        responseText = body
        failure = exchange.failure.map { "\($0)" }
    }

    /// `/v1/integrations/demo/sessions/ses_1/close` → `/sessions/{id}/close`;
    /// `/_sandbox/integrations/demo/records/User` → `/_sandbox/records/User`.
    static func route(of path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if parts.count >= 3, parts[0].hasPrefix("v"), parts[1] == "integrations" {
            parts.removeFirst(3)
        } else if parts.count >= 3, parts[0] == "_sandbox", parts[1] == "integrations" {
            parts.removeSubrange(1...2)
        }
        if let index = parts.firstIndex(of: "sessions"), index + 1 < parts.count { parts[index + 1] = "{id}" }
        return "/" + parts.joined(separator: "/")
    }

    var value: Value {
        var query: [(key: String, value: Value)] = []
        for item in self.query { query.append((item.name, .string(item.value))) }
        return .object([
            ("method", .string(method)), ("path", .string(path)), ("route", .string(method + " " + route)),
            ("status", status.map { .int(Int64($0)) } ?? .null), ("query", .object(query)),
            ("request", request.map(Value.init) ?? .null), ("response", response.map(Value.init) ?? .null),
        ])
    }
}

/// What the lesson sandbox holds right now, read without disturbing it.
///
/// Sessions are worked out from the activity log, because reading an active
/// session (`GET /sessions/{id}`) would reset its inactivity clock and so change
/// what the lesson is teaching; a session that is no longer active is read in
/// full, which changes nothing.
struct SandboxFacts: Sendable {
    struct SessionFacts: Sendable, Equatable {
        var id: String
        var state = "active"
        var createdAt: String?
        var acceptedBatches = 0
        var acceptedRecordsTotal = 0
        var rejectedPages = 0
        var retryCount = 0
        var lastError: String?
        /// The full snapshot, for sessions no longer active.
        var snapshot: JSONValue?

        var value: Value {
            var fields: [(key: String, value: Value)] = []
            if case .object(let raw)? = snapshot {
                for entry in raw { fields.append((entry.key, Value(entry.value))) }
            }
            func set(_ key: String, _ value: Value) {
                if let index = fields.firstIndex(where: { $0.key == key }) {
                    fields[index].value = value
                } else {
                    fields.append((key, value))
                }
            }
            set("id", .string(id))
            set("state", .string(state))
            if fields.first(where: { $0.key == "created_at" }) == nil { set("created_at", createdAt.map(Value.string) ?? .null) }
            set("accepted_records_total", .int(Int64(acceptedRecordsTotal)))
            set("accepted_batches", .int(Int64(acceptedBatches)))
            set("rejected_pages", .int(Int64(rejectedPages)))
            set("retry_count", .int(Int64(retryCount)))
            set("last_error", lastError.map(Value.string) ?? .null)
            return .object(fields)
        }
    }

    var sessions: [SessionFacts] = []
    var counts: [(String, Int)] = []
    var events: [String: Int] = [:]
    var records: [JSONValue] = []
    var failuresPlanned = 0
    var now: String = ""

    static let eventTypes = [
        "session_created", "batch_accepted", "batch_rejected", "session_closed", "session_cancelled", "processing_started",
        "processing_retried", "session_processed", "session_failed", "session_expired", "rate_limited",
    ]

    /// Reads the sandbox; an empty picture when the connection is not a built-in sandbox.
    static func read(_ connection: Connection) -> SandboxFacts {
        var facts = SandboxFacts()
        guard let sandbox = connection.sandboxService else { return facts }
        let integration = connection.client.configuration.integrationID
        facts.now = sandbox.clock.now().iso8601
        facts.failuresPlanned = sandbox.failuresPlanned
        var events: [ActivityEvent] = []
        var page = 1
        while let log = try? sandbox.activity(integrationID: integration, since: nil, page: page, pageSize: 200) {
            events += log.items
            guard let next = log.nextPage else { break }
            page = next
        }
        events.reverse()  // oldest first
        var byID: [String: Int] = [:]
        for type in eventTypes { facts.events[type] = 0 }
        for event in events {
            facts.events[event.type, default: 0] += 1
            guard let id = event.sessionID else { continue }
            if event.type == "session_created" {
                byID[id] = facts.sessions.count
                facts.sessions.append(SessionFacts(id: id, createdAt: event.at?.iso8601))
                continue
            }
            guard let index = byID[id] else { continue }
            var session = facts.sessions[index]
            switch event.type {
            case "batch_accepted":
                session.acceptedBatches += 1
                session.acceptedRecordsTotal += Int(event.details["records"]?.intValue ?? 0)
            case "batch_rejected": session.rejectedPages += 1
            case "session_closed", "processing_started": session.state = "processing"
            case "session_cancelled": session.state = "cancelled"
            case "processing_retried":
                session.state = "processing"
                session.retryCount += 1
                session.lastError = event.details["error"]?.stringValue
            case "session_processed": session.state = "processed"
            case "session_failed":
                session.state = "failed"
                session.lastError = event.details["error"]?.stringValue ?? session.lastError
            case "session_expired": session.state = "expired"
            default: break
            }
            facts.sessions[index] = session
        }
        for index in facts.sessions.indices where facts.sessions[index].state != "active" {
            // Not active: reading it resets nothing.
            if let full = try? sandbox.session(integrationID: integration, sessionID: facts.sessions[index].id) {
                facts.sessions[index].snapshot = full.raw
                facts.sessions[index].state = full.state.rawValue
            }
        }
        if let status = try? sandbox.status(integrationID: integration) {
            facts.counts = [
                ("active", status.active), ("processing", status.processing), ("processed", status.processed),
                ("failed", status.failed), ("expired", status.expired),
            ]
        }
        facts.counts.append(("cancelled", facts.sessions.filter { $0.state == "cancelled" }.count))
        facts.records = (try? sandbox.records(integrationID: integration, entityType: "User")) ?? []
        return facts
    }

    func session(_ id: String) -> SessionFacts? { sessions.first { $0.id == id } }
}
