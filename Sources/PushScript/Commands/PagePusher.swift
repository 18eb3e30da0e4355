import Foundation
import PushAPI
import PushSyntax

/// Sends one push's pages and keeps count. A page whose fate is unclear (the
/// connection dropped after sending, a gateway error) is never simply sent
/// again: the session's `accepted_batches` says whether it landed first.
struct PagePusher {
    let interpreter: Interpreter
    let handle: SessionHandle
    let plan: PushPlan
    let range: SourceRange
    let origin: String?
    var tally: PushTally
    var progress: PushProgress
    let started = ContinuousClock.now
    /// Pages the session had accepted before this push.
    var batchesBefore: Int?
    /// Records of this type the session held before this push: with
    /// `batchesBefore`, what tells which of several unclear pages landed.
    var recordsBefore: Int?
    /// Retries counted before this push began.
    let retriesBefore: Int
    /// Records consumed from the input so far (sent, or skipped): `skip` continues from here.
    var consumed = 0

    init(interpreter: Interpreter, handle: SessionHandle, plan: PushPlan, range: SourceRange, origin: String?) {
        self.interpreter = interpreter
        self.handle = handle
        self.plan = plan
        self.range = range
        self.origin = origin
        tally = PushTally(sessionID: handle.id, entityType: plan.entityType)
        retriesBefore = interpreter.retries.value
        let show = interpreter.showsProgress && origin != nil
        progress = PushProgress(
            output: interpreter.output, totalRecords: plan.total.records,
            mode: show ? (interpreter.output.errorIsTerminal ? .redraw : .lines) : .off)
    }

    var elapsed: Duration { ContinuousClock.now - started }

    /// Requests of this push that were retried (429, 5xx on reads, lost connections).
    var retried: Int { interpreter.retries.value - retriesBefore }

    /// Reads the session once before sending: the baseline for telling whether an unclear page landed.
    mutating func start() async throws(ScriptError) {
        do {
            let session = try await interpreter.connection.client.session(handle.id)
            handle.refresh(session)
            batchesBefore = session.acceptedBatches
            recordsBefore = session.acceptedRecordsByEntity[plan.entityType] ?? session.acceptedRecordsTotal
        } catch {
            throw ScriptError(error, at: range, doing: "push")
        }
    }

    /// What a stopped push says first: by what, when a signal stopped it.
    var interruptedMessage: String {
        interpreter.interruption.map { "push interrupted by \($0.name)" } ?? "push interrupted"
    }

    /// Sends every page. While one page is on the wire the next is read and
    /// encoded, so the service, not the reading, sets the pace.
    mutating func send(_ input: PushInput) async throws {
        var pages = try PageSource(input, plan: plan, origin: origin, range: range)
        consumed = pages.skipped
        var current = try pages.next()
        let client = interpreter.connection.client
        let sessionID = handle.id
        while let page = current {
            if Task.isCancelled { throw stopped(interruptedMessage) }
            let number = tally.pages + 1
            let body = plan.body(page[...], hint: number)
            async let firstTry = Self.attempt(client, body, sessionID)
            let upcoming: Result<[FileRecord]?, ScriptError>
            do { upcoming = .success(try pages.next()) } catch { upcoming = .failure(error) }
            let answer: BatchIngestResponse
            do {
                answer = try await sendPage(body, number: number, records: page, firstTry: await firstTry)
            } catch  where interpreter.interruption != nil {
                // Stopped with this page on the wire: ask the session whether it
                // landed, so the 'skip N' given is exact (nothing twice, nothing lost).
                await reconcileInterruptedPage(page)
                throw stopped(interruptedMessage)
            }
            let counted = count(answer, number: number, records: page, bytes: body.count)
            consumed += page.count
            if answer.hasRejections {
                progress.finish()
                if let partial = notePartial(answer, number: number, records: page, counted: counted) {
                    throw partialStop(partial, landedAfter: nil)
                }
            }
            progress.update(records: tally.accepted, pages: tally.pages, bytes: tally.bytes)
            current = try upcoming.get()
        }
    }

    /// Counts a page the service answered 2xx: what it says it took and
    /// rejected. A 2xx that does not count what it took took the page, less
    /// what it rejected.
    mutating func count(_ answer: BatchIngestResponse, number: Int, records: [FileRecord], bytes: Int) -> (accepted: Int, rejected: Int) {
        tally.pages += 1
        let rejected = answer.hasRejections ? max(answer.rejectedCountTotal, Set(answer.validationErrors.map(\.index)).count) : 0
        let accepted = answer.acceptedCountGiven ? answer.acceptedCountTotal : max(0, records.count - rejected)
        tally.accepted += accepted
        tally.rejected += rejected
        if answer.acceptedCountByEntity.isEmpty, accepted > 0 {
            tally.acceptedByEntity[plan.entityType, default: 0] += accepted
        }
        for (entity, count) in answer.acceptedCountByEntity { tally.acceptedByEntity[entity, default: 0] += count }
        tally.bytes += bytes
        interpreter.warn(about: answer.warnings, in: "page \(number)")
        if answer.acceptedCountGiven && accepted + rejected != records.count {
            interpreter.output.errorLine(
                interpreter.errorPaint.warning("warning:")
                    + " page \(number) held \(records.count) records; the service counted \(accepted) accepted and \(rejected) rejected")
        }
        return (accepted, rejected)
    }

    /// A page answered 2xx with rejected records, and why, for the message that stops the push.
    struct PartialPage {
        let number: Int
        let head: String
        let details: [String]
    }

    /// A page answered 2xx with rejected records: not all the data landed.
    /// Its rejected records go to `last_push`. After `set partial_pages
    /// accept` a warning names them and nil is returned (the push goes on);
    /// by default the page is returned, for ``partialStop(_:landedAfter:)``.
    mutating func notePartial(_ answer: BatchIngestResponse, number: Int, records: [FileRecord], counted: (accepted: Int, rejected: Int))
        -> PartialPage?
    {
        for problem in answer.validationErrors {
            tally.validationErrors.append(located(problem, number: number, records: records))
        }
        let head = "page \(number) was accepted only in part: \(counted.accepted) accepted, \(counted.rejected) rejected"
        var details = places(answer.validationErrors, number: number, records: records)
        if answer.validationErrors.isEmpty {
            details.append("the service gave no reasons (rejected_count_total \(answer.rejectedCountTotal), no validation_errors)")
        }
        if interpreter.settings.partialPages == .accept {
            let text =
                interpreter.errorPaint.warning("warning:") + " " + head + " (partial pages accepted: going on)"
                + details.map { "\n  " + $0 }.joined()
            interpreter.output.errorLine(text)
            return nil
        }
        return PartialPage(number: number, head: head, details: details)
    }

    /// The error that stops a push at a page accepted only in part, with the
    /// API-refusal exit code. `landedAfter`: pages after it that landed too
    /// (sent beside it by a pipelined push); they are counted, and `skip`
    /// goes on after them. Nil for a push that sends one page at a time.
    func partialStop(_ partial: PartialPage, landedAfter: Int?) -> ScriptError {
        var details = partial.details
        var so =
            "\(tally.accepted) record\(tally.accepted == 1 ? "" : "s") in \(tally.pages) page\(tally.pages == 1 ? "" : "s") were accepted so far (this page's included); "
        switch landedAfter {
        case nil: so += "nothing after it was sent"
        case 0?: so += "nothing after it landed"
        case let n?:
            so += "\(n) page\(n == 1 ? "" : "s") sent beside it landed too and \(n == 1 ? "is" : "are") counted; nothing more was sent"
        }
        details.append(so)
        var error = ScriptError(
            .refused, "push stopped: " + partial.head, at: range, details: details,
            hint:
                "the accepted records are staged; fix the rejected ones and push only them again; to accept partial pages and go on, say: set partial_pages accept"
        )
        error.resume = origin.map { "push ... from \"\($0)\" skip \(consumed)" }
        return error
    }

    /// Where each rejected record came from: `users.jsonl:12 (E9002): workEmail must look like an email`.
    private func places(_ problems: [ValidationError], number: Int, records: [FileRecord]) -> [String] {
        var details: [String] = []
        for problem in problems.prefix(20) {
            let place: String
            if let origin, problem.index >= 0, problem.index < records.count, records[problem.index].line > 0 {
                place = "\(origin):\(records[problem.index].line)"
            } else {
                place = "record \(problem.index) of page \(number)"
            }
            var id = ""
            if problem.index >= 0, problem.index < records.count,
                let key = RecordKey.naturalKey(records[problem.index].json, type: plan.entityType)
            {
                id = " (\(key))"
            }
            details.append("\(place)\(id): \(problem.field) \(problem.issue)")
        }
        if problems.count > 20 { details.append("… and \(problems.count - 20) more problems") }
        return details
    }

    /// A rejected record for `last_push`: the service's entry plus its page and source line.
    func located(_ problem: ValidationError, number: Int, records: [FileRecord]) -> Value {
        var entry: [(String, Value)] = [
            ("entity_type", .string(problem.entityType)), ("index", .int(Int64(problem.index))),
            ("field", .string(problem.field)), ("issue", .string(problem.issue)), ("page", .int(Int64(number))),
        ]
        if problem.index >= 0, problem.index < records.count, records[problem.index].line > 0 {
            entry.append(("line", .int(Int64(records[problem.index].line))))
            if let origin { entry.append(("file", .string(origin))) }
        }
        return .record(entry)
    }

    /// One try at a page, with no shared state: it runs beside the reading of the next page.
    static func attempt(_ client: PushClient, _ body: [UInt8], _ sessionID: String) async -> Result<BatchIngestResponse, PushAPIError> {
        do { return .success(try await client.push(encodedPage: body, to: sessionID)) } catch { return .failure(error) }
    }

    /// One page, exactly once: the first try's outcome, then any recovery.
    private mutating func sendPage(
        _ body: [UInt8], number: Int, records: [FileRecord], firstTry: Result<BatchIngestResponse, PushAPIError>
    ) async throws -> BatchIngestResponse {
        let client = interpreter.connection.client
        var unclearAttempts = 0
        var outcome: Result<BatchIngestResponse, PushAPIError>? = firstTry
        while true {
            do {
                if let result = outcome {
                    outcome = nil
                    return try result.get()
                }
                return try await client.push(encodedPage: body, to: handle.id)
            } catch let error where error.isUnclear && batchesBefore != nil && unclearAttempts < interpreter.settings.retries {
                unclearAttempts += 1
                tally.recoveries += 1
                let expected = batchesBefore! + tally.pages
                let session: Session
                do { session = try await client.session(handle.id) } catch {
                    throw failure(error, number: number, records: records)
                }
                handle.refresh(session)
                if session.acceptedBatches == expected + 1 {
                    // It landed; the answer was lost on the way back.
                    var byEntity: [String: Int] = [:]
                    byEntity[plan.entityType] = records.count
                    return BatchIngestResponse(
                        sessionID: handle.id, acceptedCountTotal: records.count, acceptedCountByEntity: byEntity,
                        rejectedCountTotal: 0, validationErrors: [], echoedPageHint: number)
                }
                guard session.acceptedBatches == expected else {
                    var stoppedError = failure(error, number: number, records: records)
                    stoppedError.details.append(
                        "the session now has \(session.acceptedBatches.map(String.init) ?? "?") accepted pages where \(expected) or \(expected + 1) were expected: someone else is pushing to it"
                    )
                    throw stoppedError
                }
                // It did not land: sending it again cannot stage it twice.
                let wait = client.backoff(afterAttempt: unclearAttempts, retryAfter: error.retryAfter, atMost: RetryPolicy.resendMaxDelay)
                do { try await interpreter.connection.pause(wait) } catch { throw stopped(interruptedMessage) }
            } catch {
                tally.rejected += error.batch?.rejectedCountTotal ?? 0
                tally.validationErrors += error.validationErrors.map { located($0, number: number, records: records) }
                throw failure(error, number: number, records: records)
            }
        }
    }

    /// A failed page as a script error: where each rejected record came from, and how to go on.
    func failure(_ error: PushAPIError, number: Int, records: [FileRecord]) -> ScriptError {
        var failure = ScriptError(error, at: range, doing: "push")
        var details: [String] = []
        if let status = error.status {
            details.append("page \(number): \(error.request) → \(HTTPStatus.line(status))")
        } else {
            details.append("page \(number): \(error.request)")
        }
        details += places(error.validationErrors, number: number, records: records)
        if error.validationErrors.isEmpty, let raw = error.rawBody { details.append("body: \(raw.prefix(300))") }
        if error.attempts > 1 { details.append("gave up after \(error.attempts) attempts") }
        if tally.pages > 0 {
            details.append(
                "\(tally.accepted) record\(tally.accepted == 1 ? "" : "s") in \(tally.pages) page\(tally.pages == 1 ? "" : "s") were accepted before this page; nothing after it was sent"
            )
        }
        failure.details = details
        if let origin, tally.pages > 0 || consumed > 0 {
            failure.resume = "push ... from \"\(origin)\" skip \(consumed)"
        }
        return failure
    }

    /// After an interruption during a page: counts the page when the session
    /// shows it accepted. Runs in a task of its own, the push's being cancelled.
    private mutating func reconcileInterruptedPage(_ page: [FileRecord]) async {
        guard let before = batchesBefore else { return }
        let client = interpreter.connection.client
        let id = handle.id
        let session = await Task { try? await client.session(id) }.value
        guard let session else { return }
        handle.refresh(session)
        if session.acceptedBatches == before + tally.pages + 1 {
            tally.pages += 1
            tally.accepted += page.count
            tally.acceptedByEntity[plan.entityType, default: 0] += page.count
            consumed += page.count
        }
    }

    func stopped(_ what: String) -> ScriptError {
        var error = ScriptError(
            .runtime,
            "\(what): \(tally.accepted) record\(tally.accepted == 1 ? "" : "s") in \(tally.pages) page\(tally.pages == 1 ? "" : "s") were accepted; the rest was not sent",
            at: range)
        error.resume = origin.map { "push ... from \"\($0)\" skip \(consumed)" }
        return error
    }
}

/// What a push has done so far.
struct PushTally {
    var sessionID: String
    var entityType: String
    var pages = 0
    var accepted = 0
    var rejected = 0
    var bytes = 0
    var recoveries = 0
    var acceptedByEntity: [String: Int] = [:]
    /// Every rejected record, with its page and (from a file) its line.
    var validationErrors: [Value] = []
    /// The most pages that were in flight at once (1 for a push page by page).
    var inFlightMax = 1

    var retries = 0

    func value(elapsed: Duration) -> Value {
        .record([
            ("session_id", .string(sessionID)), ("entity_type", .string(entityType)), ("pages", .int(Int64(pages))),
            ("accepted", .int(Int64(accepted))), ("rejected", .int(Int64(rejected))),
            ("accepted_by_entity", .object(acceptedByEntity.sorted { $0.key < $1.key }.map { ($0.key, Value.int(Int64($0.value))) })),
            ("validation_errors", .array(validationErrors)),
            ("bytes", .int(Int64(bytes))), ("unclear_pages_checked", .int(Int64(recoveries))), ("retries", .int(Int64(retries))),
            ("elapsed_ms", .int(elapsed.wholeMilliseconds)),
        ])
    }
}

extension RecordCounts {
    /// Counts in what a push sent, accepted or not.
    mutating func add(_ tally: PushTally) {
        accepted += tally.accepted
        rejected += tally.rejected
    }
}

/// The natural key of a record, for messages (`E9002`).
enum RecordKey {
    static func naturalKey(_ json: [UInt8], type: String) -> String? {
        guard let value = try? JSONValue(parsing: json) else { return nil }
        return NaturalKey.value(of: value, entityType: type)
    }
}

/// Cuts the input into pages: at most `pageSize` records and `pageBytes` bytes each.
struct PageSource {
    private var stream: (any RecordStream)?
    private var inline: IndexingIterator<[FileRecord]>?
    private var pending: FileRecord?
    /// Records cut off a page again (``giveBack(_:)``), last first.
    private var givenBack: [FileRecord] = []
    let plan: PushPlan
    let origin: String?
    let range: SourceRange
    /// Records left out at the start (`skip`).
    private(set) var skipped = 0

    init(_ input: PushInput, plan: PushPlan, origin: String?, range: SourceRange) throws(ScriptError) {
        self.plan = plan
        self.origin = origin
        self.range = range
        switch input {
        case .inline(let records): inline = records.makeIterator()
        case .file(let path, _, let format, let renames, let skip):
            var opened: any RecordStream
            do {
                // Held to the version the check pass read: nothing of another is sent.
                opened = try RecordSource.open(
                    path: path, format: format, entityType: plan.entityType, renames: renames, limits: plan.limits, csv: plan.csv,
                    version: plan.total.version.map { .verified($0) } ?? .ignored)
            } catch {
                throw ScriptError(.runtime, "\(origin ?? path) \(error.message)", at: range)
            }
            // The check pass has parsed every record: this one only cuts.
            if var lines = opened as? JSONLinesStream {
                lines.verify = false
                opened = lines
            }
            if var array = opened as? JSONArrayStream {
                array.verify = false
                opened = array
            }
            stream = opened
            for _ in 0..<skip where try nextRecord() != nil { skipped += 1 }
        case .spooled(let path, _, let skip):
            do { stream = try SpoolStream(path: path) } catch {
                throw ScriptError(.runtime, "\(origin ?? path) \(error.message)", at: range)
            }
            for _ in 0..<skip where try nextRecord() != nil { skipped += 1 }
        }
    }

    /// The next page (of at most `limit` records, when less than a page), or nil when the input is used up.
    mutating func next(limit: Int? = nil) throws(ScriptError) -> [FileRecord]? {
        let most = min(limit ?? plan.pageSize, plan.pageSize)
        var page: [FileRecord] = []
        var bytes = plan.overhead
        while true {
            let record: FileRecord
            if let returned = givenBack.popLast() {
                record = returned
            } else if let waiting = pending {
                record = waiting
                pending = nil
            } else if let read = try nextRecord() {
                record = read
            } else {
                break
            }
            if !page.isEmpty && (page.count >= most || bytes + record.json.count + 1 > plan.pageBytes) {
                pending = record
                break
            }
            page.append(record)
            bytes += record.json.count + 1
        }
        return page.isEmpty ? nil : page
    }

    /// Puts the end of a page back: the next page starts with these records.
    mutating func giveBack(_ records: ArraySlice<FileRecord>) {
        if let waiting = pending {
            givenBack.append(waiting)
            pending = nil
        }
        givenBack += records.reversed()
    }

    private mutating func nextRecord() throws(ScriptError) -> FileRecord? {
        if inline != nil { return inline!.next() }
        guard stream != nil else { return nil }
        var item: StreamItem?
        do {
            item = try stream!.next()
            // Warnings were shown by the check pass.
            while case .warning? = item { item = try stream!.next() }
        } catch  where error.fileChanged {
            throw ScriptError(
                .runtime, "\(origin ?? "the file") \(error.message); nothing of the new version was sent", at: range,
                hint: "push from a file nobody writes to meanwhile (let the export write elsewhere, then mv it into place)")
        } catch {
            throw ScriptError(.runtime, "\(origin ?? "the file") \(error.message)", at: range)
        }
        switch item {
        case nil: return nil
        case .record(let record)?: return record
        case .problem?, .warning?:
            throw ScriptError(
                .runtime, "\(origin ?? "the file") changed while it was being pushed", at: range,
                hint: "push from a file nobody is writing to")
        }
    }
}
