import Foundation
import HTTPTypes
import PushAPI

/// "What just happened": the HTTP exchanges of one entry in short, and the
/// session fields they changed.
enum WhatHappened {
    /// One line per exchange (repeated reads, as a `wait` makes, on one line).
    static func exchangeLines(_ exchanges: [SeenExchange]) -> [String] {
        var lines: [String] = []
        var index = 0
        while index < exchanges.count {
            let first = exchanges[index]
            var end = index + 1
            while end < exchanges.count, exchanges[end].method == first.method, exchanges[end].path == first.path,
                exchanges[end].query.map(\.value) == first.query.map(\.value),
                exchanges[end].status == first.status, first.method == "GET"
            {
                end += 1
            }
            let last = exchanges[end - 1]
            let times = end - index > 1 ? " ×\(end - index)" : ""
            var line = "\(first.method) \(first.path)"
            if !first.query.isEmpty { line += "?" + first.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&") }
            if let body = requestSummary(first) { line += " " + body }
            if let status = last.status {
                line += " → \(HTTPStatus.line(status))\(times)"
            } else {
                line += " → no answer\(last.failure.map { " (\($0))" } ?? "")"
            }
            if let note = responseSummary(last) { line += ": " + note }
            lines.append(line)
            index = end
        }
        return lines
    }

    /// The request body in short: close's `{"status":"apply"}`, a page's record count.
    static func requestSummary(_ exchange: SeenExchange) -> String? {
        guard let body = exchange.request else { return nil }
        if case .object(let object) = body, case .object(let entities)? = object["entities"] {
            let parts = entities.map { "\($0.key): \($0.value.arrayValue?.count ?? 0)" }
            let hint = object["page_hint"]?.intValue.map { ", page_hint \($0)" } ?? ""
            return "{entities \(parts.joined(separator: ", "))\(hint)}"
        }
        let text = body.jsonText
        return text.count <= 60 ? text : nil
    }

    /// The fields of the answer that matter for the lesson.
    static func responseSummary(_ exchange: SeenExchange) -> String? {
        guard let status = exchange.status else { return nil }
        guard let body = exchange.response else {
            return exchange.responseText.isEmpty ? nil : String(exchange.responseText.prefix(80))
        }
        if let error = body["error"], status.code >= 400 {
            var note = "error.code \(error["code"]?.stringValue ?? "?")"
            if let active = error["active_session_id"]?.stringValue { note += ", active_session_id \(active)" }
            if let state = error["state"]?.stringValue { note += ", state \(state)" }
            if let problems = body["validation_errors"]?.arrayValue {
                note +=
                    ", \(problems.count) validation_error\(problems.count == 1 ? "" : "s"), rejected_count_total \(body["rejected_count_total"]?.intValue ?? 0)"
            }
            return note
        }
        if let state = body["state"]?.stringValue {
            var note = "state \(state)"
            if let id = body["id"]?.stringValue, exchange.method == "POST", exchange.route == "/sessions" { note = "id \(id), " + note }
            if let total = body["accepted_records_total"]?.intValue, total > 0 { note += ", accepted_records_total \(total)" }
            if let retries = body["retry_count"]?.intValue, retries > 0 { note += ", retry_count \(retries)" }
            if state == "active", let expires = body["expires_at"]?.stringValue { note += ", expires_at \(expires)" }
            return note
        }
        if let accepted = body["accepted_count_total"]?.intValue {
            return "accepted_count_total \(accepted), rejected_count_total \(body["rejected_count_total"]?.intValue ?? 0)"
        }
        if let sessions = body["sessions"], case .object(let counts) = sessions {
            return counts.map { "\($0.key) \($0.value.intValue ?? 0)" }.joined(separator: ", ")
        }
        if let items = body["items"]?.arrayValue {
            let next = body["next_page"]?.intValue.map { ", next_page \($0)" } ?? ", next_page null"
            return "\(items.count) event\(items.count == 1 ? "" : "s")\(next)"
        }
        if let records = body["records"]?.arrayValue {
            return "\(records.count) record\(records.count == 1 ? "" : "s")"
        }
        return nil
    }

    /// How the sessions changed between two readings of the sandbox.
    static func changeLines(before: SandboxFacts, after: SandboxFacts) -> [String] {
        var lines: [String] = []
        for session in after.sessions {
            guard let old = before.session(session.id) else {
                lines.append("new session \(session.id): state \(session.state)")
                continue
            }
            var changes: [String] = []
            func note<T: Equatable>(_ name: String, _ a: T, _ b: T, _ show: (T) -> String) {
                if a != b { changes.append("\(name) \(show(a)) → \(show(b))") }
            }
            note("state", old.state, session.state) { $0 }
            note("accepted_batches", old.acceptedBatches, session.acceptedBatches) { "\($0)" }
            note("accepted_records_total", old.acceptedRecordsTotal, session.acceptedRecordsTotal) { "\($0)" }
            note("retry_count", old.retryCount, session.retryCount) { "\($0)" }
            note("last_error", old.lastError, session.lastError) { $0.map { "\"\($0)\"" } ?? "null" }
            if !changes.isEmpty { lines.append("\(session.id): " + changes.joined(separator: ", ")) }
        }
        if before.records.count != after.records.count {
            lines.append("records held for User: \(before.records.count) → \(after.records.count)")
        }
        return lines
    }
}
