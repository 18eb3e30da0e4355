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
            show(.sandbox(.advanced(by: d, now: sandbox.now())))
            return nil
        case .failNext(let countExpr):
            let count = try countExpr.map { expr throws(ScriptError) in try integer(expr, .sandboxFailNext) } ?? 1
            sandbox.failNextProcessing(count)
            show(.sandbox(.failNext(count)))
            return nil
        case .processing(let expr):
            let d = try duration(expr, .sandboxProcessing)
            sandbox.setProcessingTime(d)
            show(.sandbox(.processingTime(d)))
            return nil
        case .rateLimit(let expr):
            let limit = try expr.map { e throws(ScriptError) in try integer(e, .sandboxRateLimit) }
            sandbox.setRateLimit(limit)
            show(.sandbox(.rateLimit(limit)))
            return nil
        case .records(let type):
            try refuseMisspelledType(type)
            let records: [JSONValue]
            // Through the client, not the controls: the request is what a
            // lesson and a trace show (the sandbox's GET /_sandbox/… route).
            do { records = try await connection.client.sandboxRecords(entityType: type.value) } catch {
                throw ScriptError(error, at: range, doing: "sandbox records")
            }
            show(.sandboxRecords(entityType: type.value, records: records, keptIn: bindingName))
            return .array(records.map(Value.init))
        case .reset:
            sandbox.reset()
            lastSession = nil
            // Its sessions are gone: none is left to clean up or to warn about on exit.
            let here = connection.service
            startedSessions.removeAll { $0.service == here }
            knownSessions = knownSessions.filter { $0.value.service != here }
            show(.sandbox(.reset))
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
            show(.sandbox(.faults(plan)))
            return nil
        }
    }
}
