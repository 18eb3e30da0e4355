import PushAPI

/// What reading a session until its counts settle gave.
enum SettledRead {
    /// The counts stood still for the window (or every unclear page is seen):
    /// what the session holds now is what the unclear pages did.
    case settled(Session)
    /// The counts were still moving after three windows: which pages landed cannot be told yet.
    case moving(Session)
    /// The session could not be read.
    case unreadable(PushAPIError)
    /// A signal (or Ctrl-C) stopped the wait.
    case interrupted
}

extension PagePusher {
    /// After unclear answers: reads the session until no late page can still
    /// change what it shows. A gateway that answers 504 (or drops the
    /// connection) may have handed the page to the service, which stages it
    /// a moment later; one read at once would see it missing, and sending it
    /// again would stage it twice.
    ///
    /// Returns at once when the session shows `most` accepted pages (every
    /// unclear page landed: nothing of this push can still arrive). Otherwise
    /// it reads again, at growing intervals, until the counts have stood still
    /// across `set settle` (default 5s), so the cost is paid only when a
    /// page looks lost. The time waited is added to the push's tally.
    mutating func settledSession(most: Int, window: Duration) async -> SettledRead {
        let client = interpreter.connection.client
        let id = handle.id
        var waited: Duration = .zero
        var interval: Duration = .milliseconds(100)
        var previous: (Int?, [String: Int])?
        defer { tally.settleTime += waited }
        while true {
            // Its own task: an interrupted push still learns what landed.
            let read = await Task { await Self.readSession(client, id) }.value
            guard case .success(let session) = read else {
                if case .failure(let error) = read { return .unreadable(error) }
                return .interrupted
            }
            handle.refresh(session)
            if (session.acceptedBatches ?? 0) >= most { return .settled(session) }
            let still = previous.map { $0.0 == session.acceptedBatches && $0.1 == session.acceptedRecordsByEntity } ?? false
            if waited >= window && (still || window == .zero) { return .settled(session) }
            if waited >= window * 3 { return .moving(session) }
            if previous == nil, interpreter.verbose {
                // A pause of up to three windows is never a mystery under -v.
                interpreter.output.errorLine(
                    "* an answer was unclear: reading session \(id) until its counts stand still for \(DurationText.human(window)) (set settle)"
                )
            }
            previous = (session.acceptedBatches, session.acceptedRecordsByEntity)
            let step = window == .zero ? .zero : min(interval, max(window - waited, .milliseconds(50)))
            if Task.isCancelled { return .interrupted }
            do { try await interpreter.connection.pause(step) } catch { return .interrupted }
            waited += step
            interval = min(interval * 2, .seconds(1))
        }
    }
}
