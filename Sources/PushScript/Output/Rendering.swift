import HTTPTypes
import PushAPI
import PushSyntax

/// How values read in text and messages (`print`, `${...}`, error details);
/// how whole results look is ``TextRenderer``'s.
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
                lines.append("< \(HTTPStatus.line(hop.status)) → \(hop.location)")
                lines.append("* followed: same origin, \(request.method) kept, the key stays with the configured service")
            }
            lines.append("< \(HTTPStatus.line(response.status)) (\(DurationText.human(exchange.elapsed)))")
            if let retryAfter = response.header("retry-after") { lines.append("< retry-after: \(retryAfter)") }
            if response.status.kind == .redirection, let location = response.header("location") {
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
            exchange.response.map { HTTPStatus.line($0.status) } ?? exchange.failure.map {
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
