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
        let show = interpreter.settings.progress && interpreter.settings.output == .text && origin != nil
        progress = PushProgress(output: interpreter.output, totalRecords: plan.total.records, mode: show ? (interpreter.output.errorIsTerminal ? .redraw : .lines) : .off)
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

    /// Sends every page. While one page is on the wire the next is read and
    /// encoded, so the service, not the reading, sets the pace.
    mutating func send(_ input: PushInput) async throws {
        var pages = try PageSource(input, plan: plan, origin: origin, range: range)
        consumed = pages.skipped
        var current = try pages.next()
        let client = interpreter.connection.client
        let sessionID = handle.id
        while let page = current {
            if Task.isCancelled { throw stopped("push interrupted") }
            let number = tally.pages + 1
            let body = plan.body(page[...], hint: number)
            async let firstTry = Self.attempt(client, body, sessionID)
            let upcoming: Result<[FileRecord]?, ScriptError>
            do { upcoming = .success(try pages.next()) } catch { upcoming = .failure(error) }
            let answer = try await sendPage(body, number: number, records: page, firstTry: await firstTry)
            tally.pages += 1
            tally.accepted += answer.acceptedCountTotal
            for (entity, count) in answer.acceptedCountByEntity { tally.acceptedByEntity[entity, default: 0] += count }
            tally.bytes += body.count
            consumed += page.count
            progress.update(records: tally.accepted, pages: tally.pages, bytes: tally.bytes)
            current = try upcoming.get()
        }
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
                    return BatchIngestResponse(sessionID: handle.id, acceptedCountTotal: records.count, acceptedCountByEntity: byEntity,
                                               rejectedCountTotal: 0, validationErrors: [], echoedPageHint: number)
                }
                guard session.acceptedBatches == expected else {
                    var stoppedError = failure(error, number: number, records: records)
                    stoppedError.details.append("the session now has \(session.acceptedBatches.map(String.init) ?? "?") accepted pages where \(expected) or \(expected + 1) were expected: someone else is pushing to it")
                    throw stoppedError
                }
                // It did not land: sending it again cannot stage it twice.
                let wait = client.retryPolicy.delay(afterAttempt: unclearAttempts, retryAfter: error.retryAfter, random: Double.random(in: 0...1))
                do { try await interpreter.connection.pause(min(wait, .seconds(5))) } catch { throw stopped("push interrupted") }
            } catch {
                tally.rejected += error.batch?.rejectedCountTotal ?? 0
                tally.validationErrors = error.validationErrors
                throw failure(error, number: number, records: records)
            }
        }
    }

    /// A failed page as a script error: where each rejected record came from, and how to go on.
    func failure(_ error: PushAPIError, number: Int, records: [FileRecord]) -> ScriptError {
        var failure = ScriptError(error, at: range, doing: "push")
        var details: [String] = []
        if let status = error.status { details.append("page \(number): \(error.request) → \(status) \(HTTPStatus.reason(status))") } else { details.append("page \(number): \(error.request)") }
        for problem in error.validationErrors.prefix(20) {
            let place: String
            if let origin, problem.index >= 0, problem.index < records.count, records[problem.index].line > 0 {
                place = "\(origin):\(records[problem.index].line)"
            } else {
                place = "record \(problem.index) of page \(number)"
            }
            var id = ""
            if problem.index >= 0, problem.index < records.count, let key = RecordKey.naturalKey(records[problem.index].json, type: plan.entityType) {
                id = " (\(key))"
            }
            details.append("\(place)\(id): \(problem.field) \(problem.issue)")
        }
        if error.validationErrors.count > 20 { details.append("… and \(error.validationErrors.count - 20) more problems") }
        if error.validationErrors.isEmpty, let raw = error.rawBody { details.append("body: \(raw.prefix(300))") }
        if error.attempts > 1 { details.append("gave up after \(error.attempts) attempts") }
        if tally.pages > 0 {
            details.append("\(tally.accepted) record\(tally.accepted == 1 ? "" : "s") in \(tally.pages) page\(tally.pages == 1 ? "" : "s") were accepted before this page; nothing after it was sent")
        }
        failure.details = details
        if let origin, tally.pages > 0 || consumed > 0 {
            failure.hint = (failure.hint.map { $0 + "; " } ?? "") + "to go on from the failed page: push ... from \"\(origin)\" skip \(consumed)"
        }
        return failure
    }

    func stopped(_ what: String) -> ScriptError {
        var error = ScriptError(.runtime, "\(what): \(tally.accepted) record\(tally.accepted == 1 ? "" : "s") in \(tally.pages) page\(tally.pages == 1 ? "" : "s") were accepted; the rest was not sent", at: range)
        if let origin { error.hint = "to go on from there: push ... from \"\(origin)\" skip \(consumed)" }
        return error
    }

    /// `pushed 120 User records to ses_… in 2 pages: 120 accepted, 0 rejected`.
    func summary(paint: Paint) -> String {
        let t = tally
        var text = "pushed \(t.accepted) \(plan.entityType) record\(t.accepted == 1 ? "" : "s") to \(handle.id) in \(t.pages) page\(t.pages == 1 ? "" : "s")"
        if origin != nil && t.accepted >= 1000 {
            let seconds = max(elapsed.seconds, 0.001)
            text += " in \(Rendering.human(elapsed)) (\(Int(Double(t.accepted) / seconds)) records/s)"
        }
        text += ": \(paint.green("\(t.accepted) accepted")), \(t.rejected) rejected"
        if t.recoveries > 0 { text += " (\(t.recoveries) unclear page\(t.recoveries == 1 ? "" : "s") checked against the session, none sent twice)" }
        if retried > 0 { text += " (\(retried) request\(retried == 1 ? "" : "s") retried)" }
        if t.inFlightMax > 1 { text += " (up to \(t.inFlightMax) pages in flight)" }
        return text
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
    var validationErrors: [ValidationError] = []
    /// The most pages that were in flight at once (1 for a push page by page).
    var inFlightMax = 1

    var retries = 0

    func value(elapsed: Duration) -> Value {
        .record([
            ("session_id", .string(sessionID)), ("entity_type", .string(entityType)), ("pages", .int(Int64(pages))),
            ("accepted", .int(Int64(accepted))), ("rejected", .int(Int64(rejected))),
            ("accepted_by_entity", .object(acceptedByEntity.sorted { $0.key < $1.key }.map { ($0.key, Value.int(Int64($0.value))) })),
            ("validation_errors", .array(validationErrors.map { Value($0.json) })),
            ("bytes", .int(Int64(bytes))), ("unclear_pages_checked", .int(Int64(recoveries))), ("retries", .int(Int64(retries))),
            ("elapsed_ms", .int(elapsed.wholeMilliseconds)),
        ])
    }
}

/// The natural key of a record, for messages (`E9002`).
enum RecordKey {
    static func naturalKey(_ json: [UInt8], type: String) -> String? {
        guard let value = try? JSONValue(parsing: json) else { return nil }
        let key = type == "User" ? "employeeId" : "id"
        switch value[key] {
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        default: return nil
        }
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
            do { opened = try RecordSource.open(path: path, format: format, entityType: plan.entityType, renames: renames) } catch {
                throw ScriptError(.runtime, "\(origin ?? path) \(error.message)", at: range)
            }
            // The check pass has parsed every record: this one only cuts.
            if var lines = opened as? JSONLinesStream { lines.verify = false; opened = lines }
            if var array = opened as? JSONArrayStream { array.verify = false; opened = array }
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
        let item: StreamItem?
        do { item = try stream!.next() } catch {
            throw ScriptError(.runtime, "\(origin ?? "the file") \(error.message)", at: range)
        }
        switch item {
        case nil: return nil
        case .record(let record)?: return record
        case .problem?:
            throw ScriptError(.runtime, "\(origin ?? "the file") changed while it was being pushed", at: range, hint: "push from a file nobody is writing to")
        }
    }
}
