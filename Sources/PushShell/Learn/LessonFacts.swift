import Foundation
import HTTPTypes
import PushAPI
import PushScript

/// One HTTP exchange as a lesson sees it: `method`, `path`, `route`, `status`, the bodies.
struct SeenExchange: Sendable {
    var method: String
    var path: String
    /// The path after `/v1/integrations/{id}`, session ids as `{id}`: `/sessions/{id}/close`.
    var route: String
    var query: [(name: String, value: String)]
    var status: HTTPResponse.Status?
    var request: JSONValue?
    var response: JSONValue?
    var responseText: String
    var failure: String?

    init(_ exchange: Exchange) {
        method = "\(exchange.request.method)"
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
            ("status", status.map { .int(Int64($0.code)) } ?? .null), ("query", .object(query)),
            ("request", request.map(Value.init) ?? .null), ("response", response.map(Value.init) ?? .null),
        ])
    }
}

/// What the lesson sandbox holds right now, read without disturbing it: the
/// sandbox's `inspect()` leaves every session's inactivity clock alone, so
/// looking between steps never changes what the lesson is teaching.
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
        /// The session as the sandbox shows it.
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

    /// Every kind the sandbox writes, so that a lesson can count one that has not happened yet.
    static let eventTypes = ActivityEventType.allCases.map(\.rawValue)

    /// Reads the sandbox; an empty picture when the connection is not a built-in sandbox.
    static func read(_ connection: Connection) -> SandboxFacts {
        var facts = SandboxFacts()
        guard let sandbox = connection.sandbox, let held = try? sandbox.inspect() else { return facts }
        facts.now = held.now.iso8601
        facts.failuresPlanned = held.failuresPlanned
        var rejectedPages: [String: Int] = [:]
        for type in eventTypes { facts.events[type] = 0 }
        for event in held.events {
            facts.events[event.type, default: 0] += 1
            // The one count a session does not keep itself.
            if event.type == ActivityEventType.batchRejected.rawValue, let id = event.sessionID { rejectedPages[id, default: 0] += 1 }
        }
        facts.sessions = held.sessions.map { session in
            SessionFacts(
                id: session.id, state: session.state.rawValue, createdAt: session.createdAt?.iso8601,
                acceptedBatches: session.acceptedBatches ?? 0, acceptedRecordsTotal: session.acceptedRecordsTotal,
                rejectedPages: rejectedPages[session.id] ?? 0, retryCount: session.retryCount ?? 0, lastError: session.lastError,
                snapshot: session.raw)
        }
        facts.counts = SessionState.documented.map(\.rawValue).map { state in
            (state, facts.sessions.filter { $0.state == state }.count)
        }
        facts.records = held.records["User"] ?? []
        return facts
    }

    func session(_ id: String) -> SessionFacts? { sessions.first { $0.id == id } }
}
