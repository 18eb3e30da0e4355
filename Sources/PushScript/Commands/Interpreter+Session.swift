import Foundation
import PushAPI
import PushSyntax

extension Interpreter {
    /// `start [ref EXPR]`.
    func start(reference: Expr?, at range: SourceRange) async throws(ScriptError) -> Value {
        let ref = try reference.map { expr throws(ScriptError) in try string(expr, "the client reference id") }
        let session = try await startSession(reference: ref, at: range)
        let handle = SessionHandle(session)
        track(handle)
        trackStarted(handle)
        warn(about: session.warnings, in: "start")
        if settings.output == .json {
            emit("start", ["session": session.raw])
        } else {
            let now = connection.now()
            let expires =
                session.expiresAt.map {
                    $0 < now ? "; \(Rendering.relative($0, now: now)) by the service's clock" : "; expires \($0.iso8601) unless used"
                } ?? ""
            output.line("started session \(paint.bold(session.id)) (\(paint.state(session.state.rawValue))\(expires))")
        }
        return .session(handle)
    }

    /// Starts a session, surviving an unclear answer: a retry that meets 409
    /// adopts the session the lost answer created (new, empty, started just
    /// now), rather than failing on our own session.
    func startSession(reference: String?, at range: SourceRange) async throws(ScriptError) -> Session {
        let client = connection.client
        let began = connection.now()
        var unclear = 0
        while true {
            do {
                return try await client.startSession(clientReferenceID: reference)
            } catch let error where error.isUnclear && unclear < settings.retries {
                unclear += 1
                try? await pause(client.backoff(afterAttempt: unclear, atMost: .seconds(5)))
            } catch let error where error.status == 409 && unclear > 0 {
                if let id = error.activeSessionID, let active = try? await client.session(id),
                    active.acceptedBatches == 0, let created = active.createdAt, created >= began.adding(.seconds(-60))
                {
                    output.errorLine(errorPaint.dim("(an earlier attempt to start had created \(id) before its answer was lost; using it)"))
                    return active
                }
                throw ScriptError(error, at: range, doing: "start")
            } catch let error where error.kind == .unexpectedResponse {
                throw await startAnswerUnusable(error, since: began, at: range)
            } catch {
                throw ScriptError(error, at: range, doing: "start")
            }
        }
    }

    /// The service said yes to a start, but its answer cannot be used: a
    /// session may now be active that this script knows nothing of. Say so,
    /// with its id when the answer or the activity log gives it.
    func startAnswerUnusable(_ error: PushAPIError, since began: Timestamp, at range: SourceRange) async -> ScriptError {
        var id = error.sessionID
        if id == nil, let log = try? await connection.client.activity(since: began.adding(.seconds(-60)), page: 1, pageSize: 50) {
            id = log.items.first { $0.type == "session_created" && $0.sessionID != nil }?.sessionID
        }
        var failure = ScriptError(error, at: range, doing: "start")
        failure.message = "start: the service started a session, but its answer cannot be used: \(error.message)"
        if let id {
            failure.details.append("the session is \(id)")
            failure.hint =
                "close it so it does not block the next start: close \"\(id)\" discard (or apply), or let it expire after its inactivity timeout"
        } else {
            failure.hint =
                "a session may now be active and block the next start (409): find it with 'activity' and close it (close \"SESSION_ID\" discard), or let it expire"
        }
        return failure
    }

    /// `status S`.
    func status(_ sessionExpr: Expr, at range: SourceRange) async throws(ScriptError) -> Value {
        let handle = try session(sessionExpr)
        try await refresh(handle, at: range, doing: "status")
        warn(about: handle.snapshot.warnings, in: "status")
        if settings.output == .json {
            emit("status", ["session": handle.snapshot.raw])
        } else {
            output.line(Rendering.session(handle.snapshot, paint: paint, now: connection.now()))
        }
        return .session(handle)
    }

    /// Reads the session again and updates the handle.
    func refresh(_ handle: SessionHandle, at range: SourceRange, doing what: String) async throws(ScriptError) {
        do { handle.refresh(try await connection.client.session(handle.id)) } catch {
            throw ScriptError(error, at: range, doing: what)
        }
        track(handle)
    }

    /// `close S apply|discard`.
    func close(_ sessionExpr: Expr, mode: Located<CloseMode>, at range: SourceRange) async throws(ScriptError) -> Value {
        let handle = try session(sessionExpr)
        let action: CloseAction = mode.value == .apply ? .apply : .discard
        var unclear = 0
        while true {
            do {
                handle.refresh(try await connection.client.close(handle.id, action: action))
                break
            } catch let error where error.isUnclear && unclear < settings.retries {
                // Did the close land? A closed session is no longer active (or expired).
                unclear += 1
                if let now = try? await connection.client.session(handle.id) {
                    handle.refresh(now)
                    if now.state != .active && now.state != .expired { break }
                }
                try? await pause(connection.client.backoff(afterAttempt: unclear, atMost: .seconds(5)))
            } catch {
                throw ScriptError(error, at: range, doing: "close")
            }
        }
        track(handle)
        warn(about: handle.snapshot.warnings, in: "close")
        if settings.output == .json {
            emit("close", ["action": .string(action.rawValue), "session": handle.snapshot.raw])
        } else {
            let s = handle.snapshot
            output.line(
                "closed session \(paint.bold(s.id)) with \(action.rawValue): \(paint.state(s.state.rawValue)) (\(closeOutcome(s, action)))")
        }
        return .session(handle)
    }

    /// `wait S until STATE [or STATE]... [timeout D]`: polls with backoff,
    /// shows each change, and gives up as soon as no target can be reached.
    func wait(_ command: WaitCommand, at range: SourceRange) async throws -> Value {
        let handle = try session(command.session)
        let targets = Set(command.states.map { SessionState($0.value.rawValue) })
        let targetList = command.states.map(\.value.rawValue).joined(separator: " or ")
        let timeout = try command.timeout.map { expr throws(ScriptError) in try duration(expr, .waitTimeout) } ?? settings.waitTimeout
        let started = connection.now()
        var interval: Duration = .milliseconds(250)
        var shown: SessionState? = nil
        var history: [JSONValue] = []
        let watchExpiry = targets.contains(.expired)

        while true {
            // Reading an active session resets its inactivity clock, so a wait
            // for expiry watches the activity log instead of the session.
            if watchExpiry && handle.state == .active && shown != nil {
                if try await sessionLeftActive(handle, since: started, at: range) {
                    try await refresh(handle, at: command.session.range, doing: "wait")
                }
            } else {
                try await refresh(handle, at: command.session.range, doing: "wait")
            }
            let state = handle.state
            let elapsed = connection.now().duration(since: started)
            if state != shown {
                history.append(["state": .string(state.rawValue), "after_ms": .int(elapsed.wholeMilliseconds)])
                if settings.output == .text {
                    let from = shown.map { paint.state($0.rawValue) + " → " } ?? ""
                    output.line("  \(handle.id): \(from)\(paint.state(state.rawValue)) (\(DurationText.human(elapsed)))")
                }
                shown = state
            }
            if targets.contains(state) { break }
            if state.isKnown, targets.isDisjoint(with: state.reachable) {
                var error = ScriptError(
                    .waitFailed, "session \(handle.id) is \(state) and can no longer become \(targetList)", at: range,
                    hint: hintForUnreachable(state))
                if let lastError = handle.snapshot.lastError { error.details.append("last error: \(lastError)") }
                throw error
            }
            if elapsed >= timeout {
                throw ScriptError(
                    .waitFailed,
                    "timed out after \(DurationText.human(elapsed)) waiting for \(handle.id) to become \(targetList); it is \(state)",
                    at: range,
                    hint: state == .active && !targets.contains(.active)
                        ? "the session is still active: processing starts only after close ... apply"
                        : "give it longer: wait ... timeout 30m")
            }
            let remaining = timeout - elapsed
            do { try await pause(min(interval, remaining)) } catch {
                throw ScriptError(
                    .runtime, "wait interrupted after \(DurationText.human(elapsed)); \(handle.id) is \(state)", at: range,
                    hint: "to keep waiting: wait ... until \(targetList)")
            }
            interval = min(interval * 3 / 2, .seconds(5))
        }
        if settings.output == .json {
            emit("wait", ["session": handle.snapshot.raw, "states": .array(history)])
        }
        return .session(handle)
    }

    /// What a close's answer says happened, read from the state it reports,
    /// not from what was asked.
    func closeOutcome(_ s: Session, _ action: CloseAction) -> String {
        let records = "\(s.acceptedRecordsTotal) staged record\(s.acceptedRecordsTotal == 1 ? "" : "s")"
        switch s.state {
        case .processing: return "\(records) being applied"
        case .processed: return "\(records) applied"
        case .cancelled: return "staged records thrown away"
        case .failed: return "processing failed\(s.lastError.map { ": \($0)" } ?? "")"
        case .active, .expired:
            return "the service still reports it \(s.state): the \(action.rawValue) may not have taken effect; read it with status"
        default: return "a state pushsh does not know, shown as sent"
        }
    }

    func hintForUnreachable(_ state: SessionState) -> String {
        switch state {
        case .failed: return "processing failed twice; see last_error, then start a new session and push again"
        case .cancelled: return "the session was discarded; start a new one"
        case .processed: return "the session is already processed"
        case .expired: return "an expired session can still be closed: close s apply (keeps its data) or close s discard"
        default: return "check the states: help wait"
        }
    }

    /// Whether the activity log shows the session leaving `active` since `since`.
    func sessionLeftActive(_ handle: SessionHandle, since: Timestamp, at range: SourceRange) async throws(ScriptError) -> Bool {
        let log: ActivityLogPage
        do { log = try await connection.client.activity(since: since, page: 1, pageSize: 200) } catch {
            throw ScriptError(error, at: range, doing: "wait")
        }
        let leaving: Set<String> = ["session_expired", "session_closed", "session_cancelled"]
        return log.items.contains { $0.sessionID == handle.id && leaving.contains($0.type) }
    }

    /// `integration`: the session counts.
    func integration(at range: SourceRange) async throws(ScriptError) -> Value {
        let counts: IntegrationStatusCounts
        do { counts = try await connection.client.integrationStatus() } catch {
            throw ScriptError(error, at: range, doing: "integration")
        }
        warn(about: counts.warnings, in: "integration")
        if settings.output == .json {
            emit("integration", ["status": counts.raw])
        } else {
            let rows: [(String, String)] = [
                ("active", String(counts.active)), ("processing", String(counts.processing)),
                ("processed", String(counts.processed)), ("failed", String(counts.failed)), ("expired", String(counts.expired)),
                ("last activity", counts.lastActivityAt?.iso8601 ?? "none"),
            ]
            output.line("integration \(paint.bold(counts.integrationID))\n" + Rendering.table(rows, indent: "  "))
        }
        return Value(counts.raw)
    }

    /// `activity [since D|T] [page N] [size N]`: the log, newest first.
    func activity(_ query: ActivityQuery, at range: SourceRange) async throws(ScriptError) -> Value {
        var since: Timestamp?
        if let expr = query.since {
            let rule = ArgumentRule.activitySince
            switch try evaluate(expr) {
            case .duration(let d):
                guard d >= .zero else { throw .runtime(rule.negativeDuration, at: expr.range) }
                since = connection.now().adding(.zero - d)
            case .string(let text):
                if let d = DurationSyntax.parse(text), d >= .zero {
                    since = connection.now().adding(.zero - d)
                } else if let t = Timestamp(iso8601: text) {
                    since = t
                } else {
                    let problem = DurationSyntax.isBareNumber(text) ? rule.bareNumber(text) : rule.badDurationText(text)
                    throw .runtime(problem.message, at: expr.range, hint: problem.hint)
                }
            case .int(let number):
                let problem = rule.bareNumber("\(number)")
                throw .runtime(problem.message, at: expr.range, hint: problem.hint)
            case .double(let number):
                let problem = rule.bareNumber("\(number)")
                throw .runtime(problem.message, at: expr.range, hint: problem.hint)
            case let other:
                let problem = rule.notADuration(other.typeName)
                throw .runtime(problem.message, at: expr.range, hint: problem.hint)
            }
        }
        let page = try query.page.map { expr throws(ScriptError) in try integer(expr, .activityPage) }
        let size = try query.size.map { expr throws(ScriptError) in try integer(expr, .activitySize) }
        let log: ActivityLogPage
        do { log = try await connection.client.activity(since: since, page: page, pageSize: size) } catch {
            throw ScriptError(error, at: range, doing: "activity")
        }
        warn(about: log.warnings, in: "activity")
        if settings.output == .json {
            emit("activity", ["log": log.raw])
        } else if log.items.isEmpty {
            output.line("no activity\(since == nil ? "" : " since \(since!.iso8601)")")
        } else {
            let rows = log.items.map { e in
                [e.at?.iso8601 ?? e.atText ?? "", e.level, e.type, e.message]
            }
            var text = Rendering.grid(["time", "level", "event", "message"], rows, paint: paint)
            if let next = log.nextPage { text += "\n" + paint.dim("more: activity page \(next)\(size.map { " size \($0)" } ?? "")") }
            output.line(text)
        }
        return Value(log.raw)
    }
}
