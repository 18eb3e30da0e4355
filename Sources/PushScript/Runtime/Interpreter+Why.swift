import HTTPTypes
import PushAPI
import PushSyntax
import Synchronization

/// `why`: the last error again, in full, as psql's `\errverbose` shows it.
///
/// Errors are kept short where they happen (details clipped, bodies cut at
/// 300 characters); this shows everything that is known: the message and its
/// place, every detail, the hint, and the HTTP exchange that failed. The key
/// never shows: the exchange's `api-key` header is redacted when it is made,
/// and the output redacts the connection's key wherever it appears.
extension Interpreter {
    func explainLastError() {
        guard let error = lastError else {
            output.line("no error yet in this session; 'why' explains the last one")
            return
        }
        output.line(Self.explanation(of: error, exchange: lastErrorExchange, color: output.color))
    }

    /// The text `why` prints; its `error:` and `hint:` in the look an error
    /// report gives them when `color` is on (`why` writes to standard output,
    /// so it is that stream's colour).
    public static func explanation(of error: ScriptError, exchange: Exchange?, color: Bool = false) -> String {
        let style = TerminalStyle(enabled: color)
        var lines = [style.error("error:") + " " + error.message]
        if let range = error.range { lines.append("  at \(range)") }
        for detail in error.details { lines.append("  " + detail) }
        if let hint = error.shownHint { lines.append(style.hint("hint:") + " " + hint) }
        guard let exchange else {
            lines.append("(no HTTP exchange was involved)")
            return lines.joined(separator: "\n")
        }
        let request = exchange.request
        lines.append("")
        lines.append("request (attempt \(exchange.attempt)):")
        lines.append("  \(request.method) \(request.target)")
        for header in request.headers { lines.append("  \(header.name): \(header.value)") }
        if let body = request.body, !body.isEmpty { lines.append("  " + abbreviated(body, limit: 2_000)) }
        if let response = exchange.response {
            lines.append("")
            lines.append("response: \(HTTPStatus.line(response.status)) after \(DurationText.human(exchange.elapsed))")
            for header in response.headers { lines.append("  \(header.name): \(header.value)") }
            if !response.body.isEmpty { lines.append("  " + abbreviated(response.body, limit: 20_000)) }
        } else if let failure = exchange.failure {
            lines.append("")
            lines.append("no response after \(DurationText.human(exchange.elapsed)): \(failure)")
        }
        return lines.joined(separator: "\n")
    }

    static func abbreviated(_ body: [UInt8], limit: Int) -> String {
        let text = String(decoding: body.prefix(limit), as: UTF8.self)
        return body.count > limit ? text + "… (\(body.count) bytes in all)" : text
    }
}

/// The latest failed exchange, written by the client's observer (any thread).
final class ExchangeBox: Sendable {
    private let exchange = Mutex<Exchange?>(nil)
    func set(_ value: Exchange) { exchange.withLock { $0 = value } }
    func clear() { exchange.withLock { $0 = nil } }
    var value: Exchange? { exchange.withLock { $0 } }
}
