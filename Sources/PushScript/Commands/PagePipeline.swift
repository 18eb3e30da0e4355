import Foundation
import HTTPTypes
import PushAPI
import PushSyntax

/// One page of a pipelined push, from its first sending to its fate.
struct FlightPage {
    /// The page's number in the input (its page hint); kept when it is sent again.
    let number: Int
    let records: [FileRecord]
    let body: [UInt8]
    /// The input's repeated natural keys this page holds (see ``KeyCensus``).
    let keys: Set<UInt64>
    /// Sends so far.
    var attempts = 0
    /// The page's retry budget (`set retry_for`), from its first send.
    var budget: RetryBudget?
    var size: Int { records.count }
}

/// What one send of a page gave.
struct FlightOutcome: Sendable {
    let number: Int
    let result: Result<BatchIngestResponse, PushAPIError>
    let roundTrip: Duration
}

/// Several pages in flight on the keep-alive pool, exactly once.
///
/// - How many: a ``ConcurrencyWindow`` (AIMD), capped by `set push_concurrency`.
/// - Which together: pages sharing a repeated natural key never are, and
///   pages are sent in input order, so pages that touch the same record reach
///   the service in the order a sequential push sends them.
/// - Exactly once: on the first answer that is not a clean 202 the pipeline
///   stops sending and waits for every page in flight. Then, if some answers
///   were unclear, it reads the session once: the growth of
///   `accepted_batches` and of `accepted_records_by_entity` over what was
///   confirmed says how many of the unclear pages landed and how many
///   records they held, which ``LandedPages`` turns into which pages. Those
///   are counted; the others are sent again. After any trouble the pipeline
///   is careful for a while: it gives the pages in flight sizes that any such
///   pair of numbers tells apart (``LandedPages/identifiable(_:)``). When the
///   numbers fit more than one set of pages, it stops with nothing sent
///   twice and names the pages in doubt.
struct PagePipeline {
    var window: ConcurrencyWindow
    var census: KeyCensus
    /// Pages cut but not in flight: pages to send again first, then the next fresh one.
    var ready: [FlightPage] = []
    var inFlight: [Int: FlightPage] = [:]
    var sentAt: [Int: ContinuousClock.Instant] = [:]
    /// Pages known to have landed beyond the contiguous prefix.
    var landedAhead: [Int: Int] = [:]
    /// Every page up to this number has landed: `skip` may go on from there.
    var prefix = 0
    var nextNumber = 1
    var sourceDone = false
    /// After trouble: pages in flight get sizes their counts tell apart.
    var careful = false
    /// Records the session held for this type before the push, and records confirmed since.
    var recordsBefore = 0
    var recordsConfirmed = 0
    /// Pages of this push that landed after a later page had landed (reported when a push stops).
    var pagesLanded = 0
    /// The first page answered 2xx with rejected records (under `set
    /// partial_pages stop`): the push stops once the pages in flight are back.
    var partial: PagePusher.PartialPage?

    init(cap: Int, census: KeyCensus) {
        window = ConcurrencyWindow(cap: cap)
        self.census = census
    }

    /// Whether `page` may go now, given what is in flight.
    func mayLaunch(_ page: FlightPage) -> Bool {
        guard inFlight.count < window.limit else { return false }
        if !page.keys.isEmpty, inFlight.values.contains(where: { !$0.keys.isDisjoint(with: page.keys) }) { return false }
        let sizes = inFlight.values.map(\.size)
        if careful { return LandedPages.identifiable(sizes + [page.size]) }
        return !sizes.contains(page.size)
    }

    /// Whether a page of `size` records may join the pages in flight.
    func acceptable(_ size: Int) -> Bool {
        let sizes = inFlight.values.map(\.size)
        return careful ? LandedPages.identifiable(sizes + [size]) : !sizes.contains(size)
    }

    /// The most records a fresh page may hold, or nil when it should wait for
    /// a page in flight to come back. Pages in flight never hold as many
    /// records as each other, so any three lost answers among them can be
    /// told apart by the counts; after trouble, their sizes are chosen so that
    /// any number of lost answers can (``LandedPages/identifiable(_:)``).
    /// Either way a page holds at least half a page.
    func freshSize(pageSize: Int) -> Int? {
        let sizes = inFlight.values.map(\.size)
        var size = pageSize
        while size >= max(1, pageSize / 2) {
            if careful ? LandedPages.identifiable(sizes + [size]) : !sizes.contains(size) { return size }
            size -= 1
        }
        return nil
    }
}

extension PagePusher {
    /// Sends every page with several in flight (see ``PagePipeline``).
    mutating func sendPipelined(_ input: PushInput, census: KeyCensus, cap: Int) async throws {
        var pages = try PageSource(input, plan: plan, origin: origin, range: range)
        consumed = pages.skipped
        var pipe = PagePipeline(cap: cap, census: census)
        pipe.recordsBefore = recordsBefore ?? 0
        // Pages go out one attempt at a time: 429s and lost connections come
        // back here, where the window hears of them, instead of being retried below.
        var oneTry = interpreter.connection.client
        oneTry.retryPolicy = .none
        let client = oneTry
        let sessionID = handle.id
        try await withThrowingTaskGroup(of: FlightOutcome.self) { group in
            while true {
                if Task.isCancelled {
                    var outcomes: [FlightOutcome] = []
                    while let outcome = try await group.next() { outcomes.append(outcome) }
                    try await settle(outcomes, &pipe, interrupted: true)
                    var error = stopped(interruptedMessage)
                    if !pipe.landedAhead.isEmpty {
                        error.details.append(
                            "pages \(pipe.landedAhead.keys.sorted().map(String.init).joined(separator: ", ")) landed after a page that did not"
                        )
                        error.resume = nil
                        error.hint = "discard the session and push the file again: skip cannot leave out pages that landed after a gap"
                    }
                    throw error
                }
                if let partial = pipe.partial {
                    // A page accepted only in part: send nothing more, count what was in flight, stop.
                    var outcomes: [FlightOutcome] = []
                    while let outcome = try await group.next() { outcomes.append(outcome) }
                    try await settle(outcomes, &pipe, interrupted: true)
                    let after = max(0, pipe.prefix - partial.number) + pipe.landedAhead.keys.filter { $0 > partial.number }.count
                    var error = partialStop(partial, landedAfter: after)
                    if !pipe.landedAhead.isEmpty {
                        error.resume = nil
                        error.hint =
                            "discard the session and push the file again with the rejected records fixed: skip cannot leave out pages that landed after a gap"
                    }
                    throw error
                }
                // Fill the window.
                while true {
                    // A fresh page is cut only when it can go at once: its size depends on what is in flight.
                    if pipe.ready.isEmpty, !pipe.sourceDone, pipe.inFlight.count < pipe.window.limit {
                        guard let size = pipe.freshSize(pageSize: plan.pageSize) else { break }
                        if var records = try pages.next(limit: size) {
                            // Cut short by the byte limit to a size in flight already: shorter still.
                            if !pipe.acceptable(records.count), let fits = (1..<records.count).reversed().first(where: pipe.acceptable) {
                                pages.giveBack(records[fits...])
                                records.removeLast(records.count - fits)
                            }
                            let number = pipe.nextNumber
                            pipe.nextNumber += 1
                            pipe.ready.append(
                                FlightPage(
                                    number: number, records: records, body: plan.body(records[...], hint: number),
                                    keys: pipe.census.repeatedKeys(in: records)))
                        } else {
                            pipe.sourceDone = true
                        }
                    }
                    guard var page = pipe.ready.first, pipe.mayLaunch(page) else { break }
                    pipe.ready.removeFirst()
                    page.attempts += 1
                    if page.budget == nil { page.budget = RetryBudget(interpreter.settings.retryPolicy) }
                    pipe.inFlight[page.number] = page
                    tally.inFlightMax = max(tally.inFlightMax, pipe.inFlight.count)
                    let body = page.body
                    let number = page.number
                    group.addTask {
                        let started = ContinuousClock.now
                        let result = await Self.attempt(client, body, sessionID)
                        return FlightOutcome(number: number, result: result, roundTrip: ContinuousClock.now - started)
                    }
                }
                if pipe.inFlight.isEmpty && pipe.ready.isEmpty && pipe.sourceDone { break }
                guard let outcome = try await group.next() else { continue }
                if case .success = outcome.result {
                    pipe.window.clean(roundTrip: outcome.roundTrip)
                    if pipe.careful, pipe.window.cleanStreak >= 50 { pipe.careful = false }
                    land(outcome, &pipe)
                    continue
                }
                // Trouble: let everything in flight come back, then decide for all of it at once.
                var outcomes = [outcome]
                while let other = try await group.next() { outcomes.append(other) }
                try await settle(outcomes, &pipe, interrupted: false)
            }
        }
    }

    /// Counts a page that landed, with the answer it got (or one made up from its records).
    private mutating func land(_ outcome: FlightOutcome, _ pipe: inout PagePipeline) {
        guard let page = pipe.inFlight.removeValue(forKey: outcome.number), case .success(let answer) = outcome.result else { return }
        let counted = count(answer, number: outcome.number, records: page.records, bytes: page.body.count)
        pipe.recordsConfirmed += answer.acceptedCountByEntity[plan.entityType] ?? counted.accepted
        if answer.hasRejections, let partial = notePartial(answer, number: outcome.number, records: page.records, counted: counted),
            pipe.partial.map({ partial.number < $0.number }) ?? true
        {
            pipe.partial = partial
        }
        pipe.landedAhead[page.number] = page.size
        while let size = pipe.landedAhead.removeValue(forKey: pipe.prefix + 1) {
            pipe.prefix += 1
            consumed += size
        }
        progress.update(records: tally.accepted, pages: tally.pages, bytes: tally.bytes, inFlight: pipe.inFlight.count)
    }

    /// Decides the fate of pages whose sends came back together after trouble.
    private mutating func settle(_ outcomes: [FlightOutcome], _ pipe: inout PagePipeline, interrupted: Bool) async throws {
        var unclear: [(FlightPage, PushAPIError)] = []
        var again: [FlightPage] = []
        var fatal: (FlightPage, PushAPIError)?
        var wait: Duration = .zero
        let client = interpreter.connection.client
        for outcome in outcomes.sorted(by: { $0.number < $1.number }) {
            guard let page = pipe.inFlight[outcome.number] else { continue }
            switch outcome.result {
            case .success:
                land(outcome, &pipe)
            case .failure(let error) where error.isUnclear:
                pipe.inFlight[outcome.number] = nil
                unclear.append((page, error))
            case .failure(let error)
            where error.status == .tooManyRequests || error.status == .requestTimeout || error.kind == .transport(.notConnected):
                // Refused before anything was done (a 429, a 408 from a gateway
                // that timed an idle connection out): the page can simply go again.
                pipe.inFlight[outcome.number] = nil
                let backoff = client.backoff(afterAttempt: page.attempts, retryAfter: error.retryAfter)
                var page = page
                if !(page.budget?.allows(afterAttempts: page.attempts, wait: backoff) ?? true) {
                    if fatal == nil { fatal = (page, error) }
                } else {
                    page.budget?.spend(backoff)
                    again.append(page)
                    interpreter.retries.add()
                }
                wait = max(wait, backoff)
            case .failure(let error):
                pipe.inFlight[outcome.number] = nil
                if fatal == nil || fatal!.0.number > page.number { fatal = (page, error) }
            }
        }
        pipe.window.trouble()
        pipe.careful = true
        if !unclear.isEmpty {
            tally.recoveries += unclear.count
            let landed = try await resolve(unclear, &pipe, settle: interrupted ? .zero : interpreter.settings.settle)
            for (index, (page, error)) in unclear.enumerated() {
                if landed.contains(index) {
                    var byEntity: [String: Int] = [:]
                    byEntity[plan.entityType] = page.size
                    let answer = BatchIngestResponse(
                        sessionID: handle.id, acceptedCountTotal: page.size, acceptedCountByEntity: byEntity,
                        rejectedCountTotal: 0, validationErrors: [], echoedPageHint: page.number)
                    pipe.inFlight[page.number] = page
                    land(FlightOutcome(number: page.number, result: .success(answer), roundTrip: .zero), &pipe)
                } else {
                    let backoff = error.retryAfter ?? client.backoff(afterAttempt: page.attempts, atMost: RetryPolicy.resendMaxDelay)
                    var page = page
                    if !(page.budget?.allows(afterAttempts: page.attempts, wait: backoff) ?? true) {
                        if fatal == nil || fatal!.0.number > page.number { fatal = (page, error) }
                    } else {
                        // It did not land: sending it again cannot stage it twice.
                        page.budget?.spend(backoff)
                        again.append(page)
                        wait = max(wait, backoff)
                    }
                }
            }
        }
        if let (page, error) = fatal {
            tally.rejected += error.batch?.rejectedCountTotal ?? 0
            tally.validationErrors += error.validationErrors.map { located($0, number: page.number, records: page.records) }
            throw tooLarge(pipelineFailure(error, page, pipe), error, bytes: page.body.count)
        }
        if interrupted { return }
        pipe.ready = (again + pipe.ready).sorted { $0.number < $1.number }
        if wait > .zero {
            do { try await interpreter.connection.pause(wait) } catch { throw stopped(interruptedMessage) }
        }
    }

    /// Reads the session and works out which unclear pages landed (their indices in `unclear`).
    /// Once the session's counts have settled (``settledSession(most:window:)``):
    /// a page a gateway gave up on may still land a moment later.
    private mutating func resolve(_ unclear: [(FlightPage, PushAPIError)], _ pipe: inout PagePipeline, settle: Duration) async throws
        -> Set<Int>
    {
        let numbers = unclear.map { "\($0.0.number)" }.joined(separator: ", ")
        let expectedBatches = (batchesBefore ?? 0) + tally.pages
        let session: Session
        switch await settledSession(most: expectedBatches + unclear.count, window: settle) {
        case .settled(let s): session = s
        case .unreadable(let error):
            var stoppedError = pipelineFailure(error, unclear[0].0, pipe)
            stoppedError.details.append(
                "the answers to page\(unclear.count == 1 ? "" : "s") \(numbers) were lost and the session could not be read to learn whether they landed: they are in doubt; nothing was sent twice"
            )
            throw stoppedError
        case .interrupted:
            throw stopped(interruptedMessage)
        case .moving:
            var stoppedError = pipelineFailure(unclear[0].1, unclear[0].0, pipe)
            stoppedError.message =
                "push stopped: the answers to page\(unclear.count == 1 ? "" : "s") \(numbers) were unclear, and the session's counts were still changing after \(DurationText.human(settle * 3)): which landed cannot be told; nothing was sent twice"
            stoppedError.details += unclear.map { "in doubt: page \($0.0.number), \(describe($0.0))" }
            stoppedError.resume = nil
            stoppedError.hint = Self.inDoubtHint
            throw stoppedError
        }
        let expectedRecords = pipe.recordsBefore + pipe.recordsConfirmed
        let held = session.acceptedRecordsByEntity[plan.entityType] ?? session.acceptedRecordsTotal
        let moreBatches = (session.acceptedBatches ?? -1) - expectedBatches
        let moreRecords = held - expectedRecords
        switch LandedPages.resolve(sizes: unclear.map(\.0.size), batches: moreBatches, records: moreRecords) {
        case .landed(let indices): return Set(indices)
        case .impossible:
            var stoppedError = pipelineFailure(unclear[0].1, unclear[0].0, pipe)
            stoppedError.details.append(
                "the session now has \(session.acceptedBatches.map(String.init) ?? "?") accepted pages and \(held) \(plan.entityType) records, where \(expectedBatches) to \(expectedBatches + unclear.count) pages were expected: someone else is pushing to it"
            )
            throw stoppedError
        case .ambiguous:
            var stoppedError = pipelineFailure(unclear[0].1, unclear[0].0, pipe)
            stoppedError.message =
                "push stopped: the answers to pages \(numbers) were lost, and \(moreBatches) of them (\(moreRecords) records) landed, but which cannot be told; nothing was sent twice"
            stoppedError.details += unclear.map { "in doubt: page \($0.0.number), \(describe($0.0))" }
            stoppedError.resume = nil
            stoppedError.hint =
                "close the session with discard and push the file again (or look at what it holds before closing it with apply); 'set push_concurrency 1' avoids the doubt, at the cost of speed"
            throw stoppedError
        }
    }

    static func readSession(_ client: PushClient, _ id: String) async -> Result<Session, PushAPIError> {
        do { return .success(try await client.session(id)) } catch { return .failure(error) }
    }

    private func describe(_ page: FlightPage) -> String {
        guard let first = page.records.first, let last = page.records.last, let origin else { return "\(page.size) records" }
        return first.line > 0 ? "\(page.size) records, lines \(first.line)–\(last.line) of \(origin)" : "\(page.size) records"
    }

    /// A page's failure as a script error, telling what landed around it:
    /// with several pages in flight, pages after it may have landed too.
    private func pipelineFailure(_ error: PushAPIError, _ page: FlightPage, _ pipe: PagePipeline) -> ScriptError {
        var failure = failure(error, number: page.number, records: page.records)
        let ahead = pipe.landedAhead.keys.sorted()
        // Without pages beyond a gap, the sequential wording holds: nothing after the failed page was staged.
        guard !ahead.isEmpty else { return failure }
        failure.details.removeAll { $0.hasSuffix("were accepted before this page; nothing after it was sent") }
        if tally.pages > 0 {
            var line =
                "\(tally.accepted) record\(tally.accepted == 1 ? "" : "s") in \(tally.pages) page\(tally.pages == 1 ? "" : "s") were accepted"
            line += pipe.prefix > 0 ? ": pages 1 to \(pipe.prefix)" : ""
            if !ahead.isEmpty {
                let list = ahead.prefix(20).map(String.init).joined(separator: ", ") + (ahead.count > 20 ? ", …" : "")
                line += (pipe.prefix > 0 ? ", and " : ": ") + "page\(ahead.count == 1 ? "" : "s") \(list), sent beside the failed one"
            }
            failure.details.append(line)
        }
        if !ahead.isEmpty {
            failure.resume = nil
            failure.hint = "discard the session and push the file again: skip cannot leave out pages that landed after a gap"
            failure.details.append(
                "going on with skip would stage pages \(ahead.prefix(5).map(String.init).joined(separator: ", "))\(ahead.count > 5 ? ", …" : "") again: discard the session and push the file again, or go on with 'set push_concurrency 1' after checking what it holds"
            )
        }
        return failure
    }
}
