import Foundation
import PushAPI
import PushSyntax
import Synchronization

extension Interpreter {
    /// Asks a running script to stop at the next safe point (between pages, in
    /// a pause): the runner calls it from its signal watcher, then cancels the run.
    public func interrupt(_ signal: StopSignal) {
        stopSignalNumber.store(signal.rawValue, ordering: .relaxed)
    }

    /// The connection that reaches `service` now without asking for a key:
    /// the current one, or the built-in sandbox this shell or run keeps.
    public func reachableConnection(for service: SessionService) -> Connection? {
        if connection.service == service { return connection }
        if let builtInSandbox, builtInSandbox.service == service { return builtInSandbox }
        return nil
    }

    /// The shell's end on SIGHUP or SIGTERM: the cleanup a script stopped by
    /// that signal does (sessions it started and left active discarded,
    /// unless `set on_error keep`).
    public func cleanUpAfterSignal(_ signal: StopSignal) async {
        interrupt(signal)
        await cleanUpAfterStopping(because: "stopped by \(signal.name)")
    }

    /// Whether a stopped run leaves its sessions as they are.
    var keepsSessionsOnStop: Bool { keepSessionsOnStop || settings.onError == .keep }

    /// After a run stopped (an error it did not continue past, or a signal):
    /// says how each session it started stands and, unless told to keep them,
    /// discards those still active, so the integration is not blocked for an
    /// hour (one active session per integration; a second start gets 409).
    ///
    /// Runs in a task of its own: the run's task may be cancelled, and these
    /// last requests must still go out.
    func cleanUpAfterStopping(because reason: String) async {
        let sessions = startedSessions
        guard !sessions.isEmpty else { return }
        await Task { [self] in await cleanUp(sessions, reason: reason) }.value
    }

    /// Whether the cleanup after a stop will discard a session: one this run
    /// started is active now (read again: an expired session is not
    /// discarded, and an error must not say it is).
    func willDiscardSessions() async -> Bool {
        guard !keepsSessionsOnStop, !startedSessions.isEmpty else { return false }
        let sessions = startedSessions
        let client = connection.client
        return await Task {
            for handle in sessions {
                if let now = try? await client.session(handle.id) { handle.refresh(now) }
                if handle.state == .active { return true }
            }
            return false
        }.value
    }

    private func cleanUp(_ sessions: [SessionHandle], reason: String) async {
        let keep = keepsSessionsOnStop
        for handle in sessions {
            // Each session through its own service; one this run can no longer reach is said, not sent elsewhere.
            guard let client = reachableConnection(for: handle.service)?.client else {
                if handle.state == .active {
                    output.errorLine(
                        errorPaint.warning("warning:")
                            + " \(reason); session \(handle.id) on \(handle.service.description) may still be active, and this run "
                            + "is no longer connected there; it expires after an hour without requests")
                }
                continue
            }
            let read = try? await client.session(handle.id)
            if let read { handle.refresh(read) }
            guard handle.state == .active else { continue }
            let snapshot = handle.snapshot
            let pages = snapshot.acceptedBatches.map { " in \($0) page\($0 == 1 ? "" : "s")" } ?? ""
            // Counts only from a read made now: an old snapshot (the start's
            // zero) would tell the user nothing was staged when much was.
            let landed =
                read == nil
                ? "what it holds could not be read"
                : "\(snapshot.acceptedRecordsTotal) record\(snapshot.acceptedRecordsTotal == 1 ? "" : "s")\(pages) staged"
            if keep {
                output.errorLine(
                    errorPaint.note("note:") + " \(reason); session \(handle.id) is left active (\(landed)) as asked; "
                        + "resume with the 'skip N' above, or end it with: close \"\(handle.id)\" discard")
                continue
            }
            do {
                handle.refresh(try await client.close(handle.id, action: .discard))
                track(handle)
                output.errorLine(
                    errorPaint.note("note:") + " \(reason); discarded session \(handle.id), which it had left active (\(landed)), "
                        + "so the integration is not blocked; to keep such a session for a resume: set on_error keep (or --keep-sessions)")
            } catch {
                output.errorLine(
                    errorPaint.warning("warning:")
                        + " \(reason); session \(handle.id) is still active (\(landed)) and could not be discarded: "
                        + "\(error.message); it expires after an hour without requests")
            }
        }
    }
}
