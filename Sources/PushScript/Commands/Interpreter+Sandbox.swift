import PushAPI
import PushSyntax

extension Interpreter {
    /// `sandbox ...`: controls of the built-in sandbox.
    func sandbox(_ command: SandboxCommand, at range: SourceRange) async throws(ScriptError) -> Value? {
        guard let sandbox = connection.sandbox else {
            throw .runtime(
                "sandbox commands work only on the built-in sandbox; this shell is connected to \(connection.label)", at: range,
                hint: "connect sandbox")
        }
        switch command {
        case .advance(let expr):
            let d = try duration(expr, .sandboxAdvance)
            sandbox.advanceClock(by: d)
            say(
                "sandbox clock moved forward \(DurationText.format(d)); it is now \(sandbox.now().iso8601)",
                ["advanced_ms": .int(d.wholeMilliseconds), "now": .string(sandbox.now().iso8601)], "sandbox")
            return nil
        case .failNext(let countExpr):
            let count = try countExpr.map { expr throws(ScriptError) in try integer(expr, .sandboxFailNext) } ?? 1
            sandbox.failNextProcessing(count)
            let what =
                count == 0
                ? "no processing attempts will fail"
                : count == 1
                    ? "the next processing attempt will fail (the service retries once, so the session still gets processed)"
                    : "the next \(count) processing attempts will fail (two in a row end in failed)"
            say("sandbox: \(what)", ["fail_next": .int(Int64(count))], "sandbox")
            return nil
        case .processing(let expr):
            let d = try duration(expr, .sandboxProcessing)
            sandbox.setProcessingTime(d)
            say(
                "sandbox: processing takes \(DurationText.format(d)) per attempt from now on", ["processing_ms": .int(d.wholeMilliseconds)],
                "sandbox")
            return nil
        case .rateLimit(let expr):
            let limit = try expr.map { e throws(ScriptError) in try integer(e, .sandboxRateLimit) }
            sandbox.setRateLimit(limit)
            say(
                limit.map { "sandbox: at most \($0) requests per second, then 429 with Retry-After" } ?? "sandbox: no rate limit",
                ["rate_limit": limit.map { .int(Int64($0)) } ?? .null], "sandbox")
            return nil
        case .records(let type):
            let records: [JSONValue]
            // Through the client, not the controls: the request is what a
            // lesson and a trace show (the sandbox's GET /_sandbox/… route).
            do { records = try await connection.client.sandboxRecords(entityType: type.value) } catch {
                throw ScriptError(error, at: range, doing: "sandbox records")
            }
            if settings.output == .json {
                emit(
                    "sandbox records",
                    ["entity_type": .string(type.value), "count": .int(Int64(records.count)), "records": .array(records)])
            } else {
                var text = "\(records.count) \(type.value) record\(records.count == 1 ? "" : "s") applied"
                for record in records.prefix(50) { text += "\n  " + record.jsonText }
                if records.count > 50 { text += "\n  … and \(records.count - 50) more" }
                output.line(text)
            }
            return .array(records.map(Value.init))
        case .reset:
            sandbox.reset()
            lastSession = nil
            say("sandbox reset: no sessions, events or records", [:], "sandbox")
            return nil
        case .faults(let expr):
            var text = ""
            if let expr {
                switch try evaluate(expr) {
                case .string(let s): text = s
                case .object(let entries): text = entries.map { "\($0.key)=\(Rendering.plain($0.value))" }.joined(separator: ",")
                case let other:
                    throw .runtime("sandbox faults takes a plan such as \"reset=0.05,error=0.05\", got \(other.typeName)", at: expr.range)
                }
            }
            let plan: String?
            do { plan = try sandbox.setFaults(text, seed: environment["PUSHSH_SANDBOX_SEED"].flatMap(UInt64.init)) } catch {
                throw .runtime("sandbox faults: \(error.message)", at: expr?.range ?? range)
            }
            say(
                plan.map { "sandbox: requests now misbehave: \($0)" } ?? "sandbox: no faults", ["faults": .string(plan ?? "none")],
                "sandbox")
            return nil
        }
    }

    /// A one-line confirmation, or its JSON form.
    func say(_ text: String, _ fields: JSONObject, _ command: String) {
        if settings.output == .json { emit(command, fields) } else { output.line(text) }
    }
}
