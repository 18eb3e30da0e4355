import PushAPI
import PushSyntax

/// How results look to people (`set output text`, the default): the words of
/// every command's result, in one place.
struct TextRenderer {
    let paint: TerminalStyle

    /// The lines a result shows, without the last newline; nil when the
    /// result has no text form (a `wait`'s end: its steps were shown as they came).
    func text(_ result: CommandResult) -> String? {
        switch result {
        case .started(let session, let now):
            let expires =
                session.expiresAt.map {
                    $0 < now ? "; \(relative($0, now: now)) by the service's clock" : "; expires \($0.iso8601) unless used"
                } ?? ""
            return "started session \(paint.bold(session.id)) (\(paint.state(session.state.rawValue))\(expires))"
        case .status(let session, let now):
            return self.session(session, now: now)
        case .closed(let s, let action):
            return
                "closed session \(paint.bold(s.id)) with \(action.rawValue): \(paint.state(s.state.rawValue)) (\(closeOutcome(s, action)))"
        case .waitChanged(let id, let step):
            let from = step.from.map { paint.state($0.rawValue) + " → " } ?? ""
            return "  \(id): \(from)\(paint.state(step.state.rawValue)) (\(DurationText.human(step.after)))"
        case .waited:
            return nil
        case .pushed(let push):
            return pushed(push)
        case .integration(let counts):
            let rows: [(String, String)] = [
                ("active", String(counts.active)), ("processing", String(counts.processing)),
                ("processed", String(counts.processed)), ("failed", String(counts.failed)), ("expired", String(counts.expired)),
                ("last activity", counts.lastActivityAt?.iso8601 ?? "none"),
            ]
            return "integration \(paint.bold(counts.integrationID))\n" + table(rows, indent: "  ")
        case .activity(let log, let since, let size):
            guard !log.items.isEmpty else { return "no activity\(since.map { " since \($0.iso8601)" } ?? "")" }
            let rows = log.items.map { e in [e.at?.iso8601 ?? e.atText ?? "", e.level, e.type, e.message] }
            var text = grid(["time", "level", "event", "message"], rows)
            if let next = log.nextPage { text += "\n" + paint.dim("more: activity page \(next)\(size.map { " size \($0)" } ?? "")") }
            return text
        case .connected(let c):
            return "connected to \(c.profile.map { "profile \($0): " } ?? "")\(c.place) (integration \(c.integrationID))"
        case .sandbox(let change):
            return sandbox(change)
        case .sandboxRecords(let type, let records, let keptIn):
            var text = "\(records.count) \(type) record\(records.count == 1 ? "" : "s") applied"
            // Kept by a `let`: bound quietly, as other lets are; the records are a `print` away.
            if let keptIn { return text + " (kept in \(keptIn); print \(keptIn) shows them)" }
            for record in records.prefix(50) { text += "\n  " + record.jsonText }
            if records.count > 50 { text += "\n  … and \(records.count - 50) more" }
            return text
        case .printed(let text):
            return text
        case .value(let value):
            return show(value)
        }
    }

    /// `pushed 120 User records to ses_… in 2 pages: 120 accepted, 0 rejected`.
    func pushed(_ push: PushSummary) -> String {
        let t = push.tally
        if let why = push.emptyBecause { return "pushed 0 \(t.entityType) records to \(t.sessionID) (\(why))" }
        var text =
            "pushed \(t.accepted) \(t.entityType) record\(t.accepted == 1 ? "" : "s") to \(t.sessionID) in \(t.pages) page\(t.pages == 1 ? "" : "s")"
        if push.origin != nil && t.accepted >= 1000 {
            let seconds = max(push.elapsed.seconds, 0.001)
            text += " in \(DurationText.human(push.elapsed)) (\(Int(Double(t.accepted) / seconds)) records/s)"
        }
        text += ": \(paint.success("\(t.accepted) accepted")), \(t.rejected) rejected"
        if t.recoveries > 0 {
            text += " (\(t.recoveries) unclear page\(t.recoveries == 1 ? "" : "s") checked against the session, none sent twice"
            if t.settleTime > .zero { text += "; waited \(DurationText.human(t.settleTime)) for its counts to settle" }
            text += ")"
        }
        if t.retries > 0 { text += " (\(t.retries) request\(t.retries == 1 ? "" : "s") retried)" }
        if t.inFlightMax > 1 { text += " (up to \(t.inFlightMax) pages in flight)" }
        return text
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

    func sandbox(_ change: SandboxChange) -> String {
        switch change {
        case .advanced(let d, let now):
            return "sandbox clock moved forward \(DurationText.format(d)); it is now \(now.iso8601)"
        case .failNext(let count):
            let what =
                count == 0
                ? "no processing attempts will fail"
                : count == 1
                    ? "the next processing attempt will fail (the service retries once, so the session still gets processed)"
                    : "the next \(count) processing attempts will fail (two in a row end in failed)"
            return "sandbox: \(what)"
        case .processingTime(let d):
            return "sandbox: processing takes \(DurationText.format(d)) per attempt from now on"
        case .rateLimit(let limit):
            return limit.map { "sandbox: at most \($0) requests per second, then 429 with Retry-After" } ?? "sandbox: no rate limit"
        case .reset:
            return "sandbox reset: no sessions, events or records"
        case .faults(let plan):
            return plan.map { "sandbox: requests now misbehave: \($0)" } ?? "sandbox: no faults"
        }
    }

    /// A value shown at the prompt: sessions as a block, the rest as indented JSON.
    func show(_ value: Value) -> String {
        switch value {
        case .session(let h): return session(h.snapshot)
        case .string(let s): return JSONValue.string(s).jsonText
        case .duration(let d): return DurationText.format(d)
        default: return value.json.prettyText()
        }
    }

    /// A session as `status` shows it.
    func session(_ s: Session, now: Timestamp? = nil) -> String {
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
    func relative(_ expiry: Timestamp, now: Timestamp) -> String {
        let d = expiry.duration(since: now)
        return d >= .zero ? "in \(DurationText.human(d))" : "expired \(DurationText.human(.zero - d)) ago"
    }

    /// Two aligned columns.
    func table(_ rows: [(String, String)], indent: String = "") -> String {
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { indent + $0.0.padded(to: width) + "  " + $0.1 }.joined(separator: "\n")
    }

    /// Columns with a header row, each as wide as its widest cell.
    func grid(_ header: [String], _ rows: [[String]]) -> String {
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
