import HTTPTypes
import PushAPI
import PushSyntax

/// How values and results look to people.
enum Rendering {
    /// Text for `print` and `${...}`: strings as they are, the rest as compact JSON.
    static func plain(_ value: Value) -> String {
        switch value {
        case .string(let s): return s
        case .null: return "null"
        case .duration(let d): return DurationText.format(d)
        case .session(let h): return h.id
        default: return value.json.jsonText
        }
    }

    /// One-line form for messages: strings quoted.
    static func inline(_ value: Value) -> String {
        switch value {
        case .duration(let d): return DurationText.format(d)
        case .session(let h): return "session \(h.id) (\(h.state))"
        default:
            let text = value.json.jsonText
            return text.count > 200 ? String(text.prefix(200)) + "…" : text
        }
    }

    /// A value shown at the prompt: sessions as a block, the rest as indented JSON.
    static func show(_ value: Value, paint: Paint) -> String {
        switch value {
        case .session(let h): return session(h.snapshot, paint: paint)
        case .string(let s): return JSONValue.string(s).jsonText
        case .duration(let d): return DurationText.format(d)
        default: return value.json.prettyText()
        }
    }

    /// A session as `status` shows it.
    static func session(_ s: Session, paint: Paint, now: Timestamp? = nil) -> String {
        var rows: [(String, String)] = []
        rows.append(("state", paint.state(s.state.rawValue) + (s.state.isKnown ? "" : "  (a state pushsh does not know; shown as sent)")))
        let pages = s.acceptedBatches.map { " in \($0) page\($0 == 1 ? "" : "s")" } ?? ""
        let byEntity = s.acceptedRecordsByEntity.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        rows.append(
            (
                "accepted",
                "\(s.acceptedRecordsTotal) record\(s.acceptedRecordsTotal == 1 ? "" : "s")\(pages)\(byEntity.isEmpty ? "" : " (\(byEntity))")"
            ))
        // A field that did not read as a time is shown as the service sent it.
        func time(_ value: Timestamp?, _ key: String) -> String? {
            if let value { return value.iso8601 }
            return s.raw[key]?.stringValue.map { "\($0) (as sent: not a time pushsh can read)" }
        }
        if let created = time(s.createdAt, "created_at") { rows.append(("created", created)) }
        if s.state == .active, var text = time(s.expiresAt, "expires_at") {
            if let now, let expires = s.expiresAt { text += " (\(relative(expires, now: now)))" }
            rows.append(("expires", text))
        }
        if let updated = time(s.updatedAt, "updated_at") { rows.append(("updated", updated)) }
        if let retries = s.retryCount { rows.append(("retries", String(retries))) }
        rows.append(("last error", s.lastError ?? "none"))
        return "session \(paint.bold(s.id))\n" + table(rows, indent: "  ")
    }

    /// `in 59m 12s`, or `expired 3h ago` for a time already past.
    static func relative(_ expiry: Timestamp, now: Timestamp) -> String {
        let d = expiry.duration(since: now)
        return d >= .zero ? "in \(DurationText.human(d))" : "expired \(DurationText.human(.zero - d)) ago"
    }

    /// Two aligned columns.
    static func table(_ rows: [(String, String)], indent: String = "") -> String {
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { indent + $0.0.padded(to: width) + "  " + $0.1 }.joined(separator: "\n")
    }

    /// Columns with a header row, each as wide as its widest cell.
    static func grid(_ header: [String], _ rows: [[String]], paint: Paint) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in i == cells.count - 1 ? cell : cell.padded(to: widths[i]) }.joined(separator: "  ")
        }
        return ([paint.bold(line(header))] + rows.map(line)).joined(separator: "\n")
    }
}

/// `-v` traces: `>` what was sent, `<` what came back, `*` notes. The key is already redacted.
enum Trace {
    static func render(_ exchange: Exchange) -> String {
        var lines: [String] = []
        let request = exchange.request
        if let route = exchange.route { lines.append("* \(route)") }
        lines.append("> \(request.method) \(exchange.url ?? request.target)")
        for header in request.headers where header.name.canonicalName != "accept" {
            lines.append("> \(header.name): \(header.value)")
        }
        if let body = request.body, !body.isEmpty { lines.append("> " + abbreviate(body)) }
        if let response = exchange.response {
            for hop in response.redirects {
                lines.append("< \(hop.status) \(HTTPStatus.reason(hop.status)) → \(hop.location)")
                lines.append("* followed: same origin, \(request.method) kept, the key stays with the configured service")
            }
            lines.append("< \(response.status) \(HTTPStatus.reason(response.status)) (\(DurationText.human(exchange.elapsed)))")
            if let retryAfter = response.header("retry-after") { lines.append("< retry-after: \(retryAfter)") }
            if (300..<400).contains(response.status), let location = response.header("location") {
                lines.append("< location: \(location)")
                lines.append("* not followed: another origin, or a method change (the key never leaves the configured service)")
            }
            if let encoding = response.header("content-encoding") { lines.append("< content-encoding: \(encoding) (decoded)") }
            if !response.body.isEmpty { lines.append("< " + abbreviate(response.body, response)) }
        } else if let failure = exchange.failure {
            lines.append("* no response: \(failure)")
        }
        if let wait = exchange.retryingAfter { lines.append("* retrying in \(DurationText.human(wait)) (attempt \(exchange.attempt + 1))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `pushsh: rate limited (429); retrying in 5s, as the service asked (Retry-After)`.
    static func waitLine(_ exchange: Exchange, _ wait: Duration) -> String {
        let why =
            exchange.response.map { "\($0.status) \(HTTPStatus.reason($0.status))" } ?? exchange.failure.map {
                "\($0.cause.words(server: $0.server))"
            } ?? "no answer"
        let asked = exchange.waitAskedByService ? ", as the service asked (Retry-After)" : ""
        return "pushsh: \(why); retrying in \(DurationText.human(wait))\(asked) (attempt \(exchange.attempt + 1))"
    }

    /// A body for a trace: text abbreviated, anything else described, never dumped.
    static func abbreviate(_ body: [UInt8], _ response: TransportResponse) -> String {
        BodyText.isText(body) ? abbreviate(body) : BodyText.describe(response)
    }

    static func abbreviate(_ body: [UInt8]) -> String {
        let limit = 600
        let text = String(decoding: body.prefix(limit), as: UTF8.self)
        return body.count > limit ? text + "… (\(body.count) bytes)" : text
    }
}
