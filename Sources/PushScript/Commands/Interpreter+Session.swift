import Foundation
import HTTPTypes
import PushAPI
import PushSyntax

extension Interpreter {
    /// `start [ref EXPR]`.
    func start(reference: Expr?, at range: SourceRange) async throws(ScriptError) -> Value {
        let ref = try reference.map { expr throws(ScriptError) in try string(expr, "the client reference id") }
        let session = try await startSession(reference: ref, at: range)
        let handle = SessionHandle(session, service: connection.service)
        track(handle)
        trackStarted(handle)
        warn(about: session.warnings, in: "start")
        show(.started(session, now: connection.now()))
        return .session(handle)
    }

    /// Starts a session, surviving an unclear answer: a retry that meets 409
    /// adopts the session the lost answer created, but only when the evidence
    /// proves it this run's (``provablyOurs(_:reference:since:)``). Another
    /// run of the same script may have started at the same moment: pushing
    /// into its session would apply records twice, so anything less stops
    /// the start, naming the active session.
    func startSession(reference: String?, at range: SourceRange) async throws(ScriptError) -> Session {
        let client = connection.client
        let began = connection.now()
        var unclear = 0
        var budget = RetryBudget(settings.retryPolicy)
        while true {
            do {
                return try await client.startSession(clientReferenceID: reference)
            } catch let error where error.isUnclear && budget.allows(afterAttempts: unclear + 1, wait: resendWait(error, unclear + 1)) {
                unclear += 1
                let wait = resendWait(error, unclear)
                budget.spend(wait)
                try await pauseBeforeResending(
                    "start", wait, at: range,
                    details: [
                        "an earlier attempt's answer was lost: it may have started a session; 'integration' shows whether one is active"
                    ])
            } catch let error where error.status == .conflict && unclear > 0 {
                if let id = error.activeSessionID, let active = try? await client.session(id),
                    provablyOurs(active, reference: reference, since: began)
                {
                    output.errorLine(errorPaint.dim("(an earlier attempt to start had created \(id) before its answer was lost; using it)"))
                    return active
                }
                // Named from the answer or the activity log, as any refused start is (last_error.active_session_id).
                var failure = await startBlocked(error, at: range)
                let id = failure.activeSessionID
                let named = id.map { "session \($0)" } ?? "a session"
                failure.message =
                    "start: \(named) is active, and pushsh cannot prove that this run's lost first attempt created it: it may be another run's; nothing was pushed into it"
                failure.details.append(
                    reference == nil
                        ? "without 'start ref', the session carries nothing that ties it to this run"
                        : "it must carry this start's client_reference_id (\(reference!)), be created after this run's first attempt and hold nothing"
                )
                failure.hint =
                    "if no other run is pushing to this integration, it is this run's: look at it (status \"\(id ?? "SESSION_ID")\"), end it (close \"\(id ?? "SESSION_ID")\" discard) and run again; a reference unique to each run (start ref \"nightly-${RUN_ID}\") lets pushsh recover such a start by itself"
                throw failure
            } catch let error where error.kind == .unexpectedResponse {
                throw await startAnswerUnusable(error, since: began, at: range)
            } catch let error where error.status == .conflict {
                throw await startBlocked(error, at: range)
            } catch {
                throw ScriptError(error, at: range, doing: "start")
            }
        }
    }

    /// Whether `active` is the session this run's lost start created: it
    /// carries the client_reference_id this start sent (the service must
    /// show it: without it nothing ties a session to a run), was created no
    /// earlier than this run's first attempt, and holds nothing yet. Another
    /// run of the same script sends the same reference, so the creation time
    /// is what tells a session started before this run tried apart; no grace
    /// is given for clocks, since a wrong "no" stops the run with a clear
    /// message and a wrong "yes" pushes into another run's session.
    func provablyOurs(_ active: Session, reference: String?, since began: Timestamp) -> Bool {
        guard let reference, active.raw["client_reference_id"]?.stringValue == reference else { return false }
        guard let created = active.createdAt, created >= began else { return false }
        return (active.acceptedBatches ?? 0) == 0 && active.acceptedRecordsTotal == 0
    }

    /// A start refused because a session is active: the error names that
    /// session (`last_error.active_session_id`), from the answer or, when the
    /// answer does not say, from the activity log: the newest session
    /// created and not closed, cancelled or expired since.
    func startBlocked(_ error: PushAPIError, at range: SourceRange) async -> ScriptError {
        var error = error
        if error.activeSessionID == nil, let log = try? await connection.client.activity(since: nil, page: 1, pageSize: 200) {
            error.activeSessionID = Self.activeSession(in: log.items)
            if let id = error.activeSessionID { error.reason = .sessionAlreadyActive(id: id) }
        }
        var failure = ScriptError(error, at: range, doing: "start")
        if let id = error.activeSessionID, error.message.range(of: id) == nil {
            failure.details.append("the active session is \(id) (from the activity log)")
        }
        return failure
    }

    /// The newest session the log (newest first) shows created and not left since.
    static func activeSession(in events: [ActivityEvent]) -> String? {
        let leaving = Set([ActivityEventType.sessionExpired, .sessionClosed, .sessionCancelled].map(\.rawValue))
        var left: Set<String> = []
        for event in events {
            guard let id = event.sessionID else { continue }
            if leaving.contains(event.type) { left.insert(id) }
            if event.type == ActivityEventType.sessionCreated.rawValue, !left.contains(id) { return id }
        }
        return nil
    }

    /// The wait before sending `what` again after its answer was lost. A
    /// signal (or Ctrl-C at the prompt) during it stops the statement, as it
    /// stops a push waiting to send a page again, rather than sending once more.
    func pauseBeforeResending(_ what: String, _ wait: Duration, at range: SourceRange, details: [String]) async throws(ScriptError) {
        do { try await pause(wait) } catch {
            let by = interruption.map { " by \($0.name)" } ?? ""
            throw ScriptError(.runtime, "\(what) interrupted\(by) while waiting to send it again", at: range, details: details)
        }
    }

    /// The service said yes to a start, but its answer cannot be used: a
    /// session may now be active that this script knows nothing of. Say so,
    /// with its id when the answer or the activity log gives it.
    func startAnswerUnusable(_ error: PushAPIError, since began: Timestamp, at range: SourceRange) async -> ScriptError {
        var id = error.sessionID
        if id == nil, let log = try? await connection.client.activity(since: began.adding(.seconds(-60)), page: 1, pageSize: 50) {
            id = log.items.first { $0.type == ActivityEventType.sessionCreated.rawValue && $0.sessionID != nil }?.sessionID
        }
        var failure = ScriptError(error, at: range, doing: "start")
        failure.message = "start: the service started a session, but its answer cannot be used: \(error.message)"
        if let id {
            failure.details.append("the session is \(id)")
            failure.hint =
                "close it so it does not block the next start: 'close \(StringLiteral.quoted(id)) discard' (or apply), or let it expire after its inactivity timeout"
        } else {
            failure.hint =
                "a session may now be active and block the next start (409): 'activity since 2h' shows it; close it with discard, or let it expire"
        }
        return failure
    }

    /// `status S`.
    func status(_ sessionExpr: Expr, at range: SourceRange) async throws(ScriptError) -> Value {
        let handle = try session(sessionExpr)
        try await refresh(handle, at: range, doing: "status")
        warn(about: handle.snapshot.warnings, in: "status")
        show(.status(handle.snapshot, now: connection.now()))
        return .session(handle)
    }

    /// Reads the session again and updates the handle.
    func refresh(_ handle: SessionHandle, at range: SourceRange, doing what: String) async throws(ScriptError) {
        do { handle.refresh(try await connection.client.session(handle.id)) } catch {
            throw ScriptError(error, at: range, doing: what)
        }
        track(handle)
    }

    /// `close S apply [anyway]|discard`.
    func close(_ sessionExpr: Expr, mode: Located<CloseMode>, anyway: Bool, at range: SourceRange) async throws(ScriptError) -> Value {
        let handle = try session(sessionExpr)
        let action: CloseAction = mode.value == .apply ? .apply : .discard
        if action == .apply, !anyway, let ledger = handle.ledger {
            try await checkBeforeApply(handle, ledger, at: range)
        }
        var unclear = 0
        // Close is the last thing to give up: it has the whole retry budget.
        var budget = RetryBudget(settings.retryPolicy)
        while true {
            do {
                handle.refresh(try await connection.client.close(handle.id, action: action))
                break
            } catch let error where error.isUnclear && budget.allows(afterAttempts: unclear + 1, wait: resendWait(error, unclear + 1)) {
                // Did the close land? A closed session is no longer active (or expired).
                unclear += 1
                if let now = try? await connection.client.session(handle.id) {
                    handle.refresh(now)
                    if now.state != .active && now.state != .expired { break }
                }
                let wait = resendWait(error, unclear)
                budget.spend(wait)
                try await pauseBeforeResending(
                    "close", wait, at: range,
                    details: ["\(handle.id) was not seen closed; 'status \(StringLiteral.quoted(handle.id))' shows where it stands"])
            } catch {
                throw await closeFailed(error, handle, action, at: range)
            }
        }
        track(handle)
        warn(about: handle.snapshot.warnings, in: "close")
        show(.closed(handle.snapshot, action))
        return .session(handle)
    }

    /// The wait before sending a start or close again after an unclear
    /// answer: what the service's `Retry-After` asks, else the backoff (at
    /// most ``RetryPolicy/resendMaxDelay``). The jitter makes it random, so
    /// the budget is checked with one draw and waited with another, both
    /// under the same cap.
    func resendWait(_ error: PushAPIError, _ attempt: Int) -> Duration {
        error.retryAfter ?? connection.client.backoff(afterAttempt: attempt, atMost: RetryPolicy.resendMaxDelay)
    }

    /// A close that failed for good: it names the session, what it holds,
    /// and the exact commands that apply or discard it later, so a night's
    /// work is not stranded unnamed.
    func closeFailed(_ error: PushAPIError, _ handle: SessionHandle, _ action: CloseAction, at range: SourceRange) async -> ScriptError {
        var failure = ScriptError(error, at: range, doing: "close")
        guard error.status != .notFound, error.status != .conflict else { return failure }
        let id = handle.id
        if let now = try? await connection.client.session(id) { handle.refresh(now) }
        let held = handle.snapshot
        let pages = held.acceptedBatches.map { " in \($0) page\($0 == 1 ? "" : "s")" } ?? ""
        failure.details.append(
            "session \(id) is \(held.state) with \(held.acceptedRecordsTotal) record\(held.acceptedRecordsTotal == 1 ? "" : "s")\(pages) staged; the \(action.rawValue) did not go through"
        )
        failure.hint =
            "once the service answers again: close \"\(id)\" apply (keeps the staged records) or close \"\(id)\" discard; an active session expires after its inactivity timeout"
        failure.hintIfDiscarded =
            "the run tries to discard session \(id) below; if that fails too, once the service answers again: close \"\(id)\" apply (keeps the staged records) or close \"\(id)\" discard"
        return failure
    }

    /// The check before apply: a session this run pushed to is applied only
    /// when it holds exactly what this run saw accepted. It costs one read.
    /// A page that landed after its answer was lost and the settle window
    /// closed, or pages someone else pushed, would otherwise be applied with
    /// the rest, some records twice.
    func checkBeforeApply(_ handle: SessionHandle, _ ledger: StagingLedger, at range: SourceRange) async throws(ScriptError) {
        try await refresh(handle, at: range, doing: "close")
        let differences = ledger.differences(from: handle.snapshot)
        guard !differences.isEmpty else { return }
        let id = handle.id
        var error = ScriptError(
            .notApplied,
            "close \(id) apply: not applied: the session does not hold what this run pushed to it", at: range,
            details: differences + [
                "a page whose answer was lost may have landed after pushsh looked, or someone else is pushing to this integration; applying now could apply records twice"
            ],
            hint:
                "look at what it holds (status \"\(id)\"); then close \"\(id)\" discard and push again (the safe way), or, when what it holds is what you want applied, close \"\(id)\" apply anyway"
        )
        error.hintIfDiscarded =
            "this run's session is discarded below, so nothing of it is applied: push again in a new session; to look at it and apply it anyway instead, keep it (set on_error keep, or --keep-sessions) and say: close \"\(id)\" apply anyway"
        throw error
    }

    /// `wait S until STATE [or STATE]... [timeout D]`: polls with backoff,
    /// shows each change, and gives up as soon as no target can be reached.
    func wait(_ command: WaitCommand, at range: SourceRange) async throws -> Value {
        let handle = try session(command.session)
        let targets = Set(command.states.map { SessionState($0.value.rawValue) })
        let targetList = command.states.map(\.value.rawValue).joined(separator: " or ")
        let timeout = try command.timeout.map { expr throws(ScriptError) in try duration(expr, .waitTimeout) } ?? settings.waitTimeout
        // The activity log is asked from this time on (the service's clock);
        // the timeout is measured on the stopwatch (a monotonic clock).
        let started = connection.now()
        let stopwatch = connection.stopwatch()
        var interval: Duration = .milliseconds(250)
        var shown: SessionState? = nil
        var history: [WaitStep] = []
        let watchExpiry = targets.contains(.expired)
        let name = sessionText(command.session, handle)

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
            let elapsed = stopwatch.elapsed
            if state != shown {
                let step = WaitStep(from: shown, state: state, after: elapsed)
                history.append(step)
                show(.waitChanged(sessionID: handle.id, step))
                shown = state
            }
            if targets.contains(state) { break }
            if state == .active, SessionStateName.waitNeedsClose(Set(command.states.map(\.value))) {
                // Nothing but a close moves an active session towards these; waiting would only time out.
                let name = command.session.variableName ?? "s"
                throw ScriptError(
                    .waitFailed,
                    "session \(handle.id) is active and was not closed, so it cannot become \(targetList) while this waits",
                    at: range, hint: "close \(name) apply first, then: wait \(name) until \(targetList)")
            }
            if state.isKnown, targets.isDisjoint(with: state.reachable) {
                // Failed processing is its own outcome: cron must tell "will not
                // apply" (10) from "still processing, may apply" (5).
                var error = ScriptError(
                    state == .failed ? .processingFailed : .waitFailed,
                    "session \(handle.id) is \(state) and can no longer become \(targetList)", at: range,
                    hint: hintForUnreachable(state, named: sessionText(command.session, handle)))
                if let lastError = handle.snapshot.lastError { error.details.append("last error: \(lastError)") }
                throw error
            }
            if elapsed >= timeout {
                throw ScriptError(
                    .waitFailed,
                    "timed out after \(DurationText.human(elapsed)) waiting for \(handle.id) to become \(targetList); it is \(state)",
                    at: range,
                    hint: state == .active && !targets.contains(.active)
                        ? "the session is still active: processing starts only after 'close \(name) apply'"
                        : "give it longer: 'wait \(name) until \(targetList) timeout 30m'")
            }
            let remaining = timeout - elapsed
            do { try await pause(min(interval, remaining)) } catch {
                throw ScriptError(
                    .runtime, "wait interrupted after \(DurationText.human(elapsed)); \(handle.id) is \(state)", at: range,
                    hint: "to keep waiting: 'wait \(name) until \(targetList)'")
            }
            interval = min(interval * 3 / 2, .seconds(5))
        }
        show(.waited(handle.snapshot, history))
        return .session(handle)
    }

    /// How a hint names the session `expr` gave: the variable as written, else the quoted id.
    func sessionText(_ expr: Expr, _ handle: SessionHandle) -> String {
        if case .variable(let name, _) = expr { return name }
        return StringLiteral.quoted(handle.id)
    }

    func hintForUnreachable(_ state: SessionState, named name: String) -> String {
        switch state {
        case .failed: return "processing failed twice; see last_error, then start a new session and push again"
        case .cancelled: return "the session was discarded; start a new one"
        case .processed: return "the session is already processed"
        case .expired:
            return
                "an expired session can still be closed: 'close \(name) discard' drops what it staged, 'close \(name) apply' processes it"
        default: return "check the states: help wait"
        }
    }

    /// Whether the activity log shows the session leaving `active` since `since`.
    func sessionLeftActive(_ handle: SessionHandle, since: Timestamp, at range: SourceRange) async throws(ScriptError) -> Bool {
        let log: ActivityLogPage
        do { log = try await connection.client.activity(since: since, page: 1, pageSize: 200) } catch {
            throw ScriptError(error, at: range, doing: "wait")
        }
        let leaving: Set<String> = Set([ActivityEventType.sessionExpired, .sessionClosed, .sessionCancelled].map(\.rawValue))
        return log.items.contains { $0.sessionID == handle.id && leaving.contains($0.type) }
    }

    /// `integration`: the session counts.
    func integration(at range: SourceRange) async throws(ScriptError) -> Value {
        let counts: IntegrationStatusCounts
        do { counts = try await connection.client.integrationStatus() } catch {
            throw ScriptError(error, at: range, doing: "integration")
        }
        warn(about: counts.warnings, in: "integration")
        show(.integration(counts))
        return Value(counts.raw)
    }

    /// `activity [since D|T] [page N] [size N]`: the log, newest first.
    func activity(_ query: ActivityQuery, at range: SourceRange) async throws(ScriptError) -> Value {
        var since: Timestamp?
        if let expr = query.since {
            // A time as written (`"2026-01-31T09:00:00Z"`), else a duration back from now, by the duration rules.
            let value = try evaluate(expr)
            if case .string(let text) = value, DurationSyntax.parse(text) == nil, let time = Timestamp(iso8601: text) {
                since = time
            } else {
                since = connection.now().adding(.zero - (try duration(of: value, at: expr.range, .activitySince)))
            }
        }
        let page = try query.page.map { expr throws(ScriptError) in try integer(expr, .activityPage) }
        let size = try query.size.map { expr throws(ScriptError) in try integer(expr, .activitySize) }
        let log: ActivityLogPage
        do { log = try await connection.client.activity(since: since, page: page, pageSize: size) } catch {
            throw ScriptError(error, at: range, doing: "activity")
        }
        warn(about: log.warnings, in: "activity")
        show(.activity(log, since: since, pageSize: size))
        return Value(log.raw)
    }
}
