import Foundation
import PushAPI
import PushSyntax

extension Interpreter {
    /// `push S TYPE RECORDS` and `push S TYPE from PATH [options]`: sends the
    /// records in pages, in order, one at a time, each with its page number as
    /// the page hint. A file is read twice: once to check every record (nothing
    /// is sent if any is bad), once to send; neither pass holds the whole file.
    func push(_ command: PushCommand, at range: SourceRange) async throws -> Value {
        try refuseMisspelledType(command.entityType)
        let handle = try session(command.session)
        let type = command.entityType.value
        var plan = PushPlan(entityType: type, pageSize: settings.pageSize, pageBytes: settings.pageBytes)
        plan.csv = settings.csv
        let input: PushInput
        switch command.source {
        case .records(let expr):
            let records = try inlineRecords(expr)
            try checkInline(records, plan: plan, handle: handle, at: expr.range)
            if records.isEmpty { return emptyPush(shown: nil, handle: handle, plan: plan) }
            input = .inline(records)
        case .file(let pathExpr, let options):
            let written = try string(pathExpr, "the file path")
            let path = (sources[range.file] ?? SourceFile(name: range.file, text: "")).resolve(path: written)
            guard let format = RecordSource.format(for: path, given: options.format?.value) else {
                throw ScriptError.runtime(
                    "cannot tell the format of \(written) from its name", at: pathExpr.range, hint: "add: format jsonl (or json, csv)")
            }
            var renames: [String: String] = [:]
            for mapping in options.mappings { renames[try string(mapping.from, "the field to rename")] = mapping.to.value }
            if let mappingExpr = options.mapping {
                for (from, to) in try fieldMapping(mappingExpr, relativeTo: range.file) { renames[from] = to }
            }
            let skip = try options.skip.map { expr throws(ScriptError) in try integer(expr, .pushSkip) } ?? 0
            input = .file(path: path, shown: written, format: format, renames: FieldRenames(renames: renames), skip: skip)
            // Read and found clean before the run, unchanged since and read the
            // same way: the check's counts are taken and the pages cut straight
            // from the file. (Taken out, so a script of many files holds one
            // census at a time.)
            let reused = CheckedFile(
                path: path, entityType: type, format: format, renames: renames, skip: skip, validation: settings.validation,
                csv: settings.csv, pageBytes: settings.pageBytes
            ).flatMap { checkedFiles.removeValue(forKey: $0) }
            let spool = reused == nil && format == .csv ? RecordSpool() : nil
            defer { spool?.remove() }
            if let reused {
                plan.total = reused
            } else {
                plan.total = try checkFile(input, plan: plan, at: pathExpr.range, spool: spool, session: handle)
            }
            if plan.total.records == 0 { return emptyPush(shown: written, handle: handle, plan: plan) }
            if let spool, spool.isUsable {
                return try await send(.spooled(path: spool.path, shown: written, skip: skip), to: handle, plan: plan, at: range)
            }
            if let failure = spool?.failure {
                // The data file is fine: the folder beside it is not; say which, and go on without it.
                output.errorLine(
                    errorPaint.warning("warning:")
                        + " \(failure), so \(written) is read a second time to send it instead of from a spool; "
                        + "set TMPDIR to a folder with room to spare the second reading")
            }
        }
        return try await send(input, to: handle, plan: plan, at: range)
    }

    /// Stops at a documented entity type written in the wrong case, as the check does.
    func refuseMisspelledType(_ type: Word) throws(ScriptError) {
        if let problem = KnownEntityTypes.problem(type.value), problem.isError {
            throw ScriptError.runtime(problem.message, at: type.range, hint: problem.hint)
        }
    }

    /// Sends the pages of a checked input and reports the result.
    func send(_ input: PushInput, to handle: SessionHandle, plan: PushPlan, at range: SourceRange) async throws -> Value {
        var pusher = PagePusher(interpreter: self, handle: handle, plan: plan, range: range, origin: input.shownPath)
        try await pusher.start()
        do {
            if case .inline = input {
                try await pusher.send(input)
            } else if settings.pushConcurrency > 1 && plan.total.keys.knowsKeys {
                try await pusher.sendPipelined(input, census: plan.total.keys, cap: settings.pushConcurrency)
            } else {
                try await pusher.send(input)
            }
        } catch let error as ScriptError {
            recordsSent.add(pusher.tally)
            pusher.tally.retries = pusher.retried
            variables["last_push"] = pusher.tally.value(elapsed: pusher.elapsed)
            pusher.progress.finish()
            throw error
        }
        pusher.progress.finish()
        recordsSent.add(pusher.tally)
        if let snapshot = try? await connection.client.session(handle.id) { handle.refresh(snapshot) }
        track(handle)
        pusher.tally.retries = pusher.retried
        let summary = PushSummary(tally: pusher.tally, elapsed: pusher.elapsed, origin: input.shownPath)
        variables["last_push"] = summary.value
        show(.pushed(summary))
        return summary.value
    }

    func inlineRecords(_ expr: Expr) throws(ScriptError) -> [FileRecord] {
        switch try evaluate(expr) {
        case .array(let items):
            var records: [FileRecord] = []
            for (i, item) in items.enumerated() {
                guard case .object = item else {
                    throw ScriptError.runtime("record \(i) is \(item.typeName); records are objects", at: expr.range)
                }
                records.append(FileRecord(json: item.json.jsonBytes, line: 0))
            }
            return records
        case .object(let entries): return [FileRecord(json: Value.object(entries).json.jsonBytes, line: 0)]
        case let other: throw ScriptError.runtime("push takes an object or an array of objects, got \(other.typeName)", at: expr.range)
        }
    }

    /// `mapping EXPR`: an object of file field → record field, or a JSON file holding one.
    func fieldMapping(_ expr: Expr, relativeTo file: String) throws(ScriptError) -> [(String, String)] {
        var value = try evaluate(expr)
        if case .string(let written) = value {
            let path = (sources[file] ?? SourceFile(name: file, text: "")).resolve(path: written)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ScriptError.runtime("cannot read the mapping file \(written)", at: expr.range)
            }
            do { value = Value(try JSONValue(parsing: [UInt8](data))) } catch {
                throw ScriptError.runtime(
                    "the mapping file \(written) is not valid JSON: \(error.message) at \(error.line):\(error.column)", at: expr.range)
            }
        }
        guard case .object(let entries) = value else {
            throw ScriptError.runtime(
                "mapping takes an object such as {\"Employee ID\": \"employeeId\"} (or a JSON file of one)", at: expr.range)
        }
        var pairs: [(String, String)] = []
        for entry in entries {
            guard case .string(let to) = entry.value else {
                throw ScriptError.runtime("mapping: \"\(entry.key)\" must map to a field name (a string)", at: expr.range)
            }
            pairs.append((entry.key, to))
        }
        return pairs
    }

    /// Inline records get the same documented rules as a file's, before
    /// anything is sent, and the same words (``RecordFileReading/verdict(shown:entityType:skip:)``).
    func checkInline(_ records: [FileRecord], plan: PushPlan, handle: SessionHandle, at range: SourceRange) throws(ScriptError) {
        var reading = RecordFileReading(rules: RecordRulesCheck(entityType: plan.entityType, enabled: settings.validation, origin: nil))
        for (index, record) in records.enumerated() { reading.rules.check(record.json, index: index, line: 0) }
        reading.totals.records = records.count
        if let warning = reading.rules.warningText, !warnedInline.contains(range) {
            output.errorLine(errorPaint.warning("warning:") + " " + warning)
        }
        guard let verdict = reading.verdict(shown: "the records", entityType: plan.entityType, skip: 0) else { return }
        keepRejected(reading.rules, sessionID: handle.id, entityType: plan.entityType)
        // Only rules can be broken here (the records parsed already): refused, as a rejected page is.
        throw verdict.refusal(at: range)
    }

    /// `last_push` tells which records break the rules, as a refused page's would.
    func keepRejected(_ rules: RecordRulesCheck, sessionID: String, entityType: String) {
        var tally = PushTally(sessionID: sessionID, entityType: entityType)
        tally.rejected = rules.badRecords
        tally.validationErrors = rules.validationErrors
        variables["last_push"] = tally.value(elapsed: .zero)
    }

    /// A push with nothing in it: allowed (a nightly delta may be empty), said
    /// with a warning, and a result of 0 records.
    func emptyPush(shown: String?, handle: SessionHandle, plan: PushPlan) -> Value {
        let holder = shown.map { "\($0) holds none" } ?? "the array is empty"
        output.errorLine(errorPaint.warning("warning:") + " nothing to push: \(holder); nothing was sent")
        var tally = PushTally(sessionID: handle.id, entityType: plan.entityType)
        tally.retries = 0
        let summary = PushSummary(tally: tally, elapsed: .zero, origin: shown, emptyBecause: holder)
        variables["last_push"] = summary.value
        show(.pushed(summary))
        return summary.value
    }

    /// The check pass: every record parsed, sized and checked against the
    /// documented rules (``RecordFileReading``, as the check before the run
    /// reads it); every problem listed with its line. Nothing is sent when
    /// any is found.
    func checkFile(_ input: PushInput, plan: PushPlan, at range: SourceRange, spool: RecordSpool? = nil, session: SessionHandle? = nil)
        throws(ScriptError) -> PushPlan.Totals
    {
        guard case .file(let path, let shown, let format, let renames, let skip) = input else { return PushPlan.Totals() }
        // A big file takes a while to check: say so on a terminal.
        let progress = showsProgress && output.errorIsTerminal ? CheckProgress(output: output, path: path, shown: shown) : nil
        let reading = RecordFileReading.read(
            path: path, shown: shown, format: format, renames: renames, skip: skip, plan: plan, validation: settings.validation,
            eachRecord: spool.map { spool in
                {
                    spool.append($0)
                    return nil
                }
            }, progress: progress?.update)
        progress?.finish()
        spool?.finish()
        for line in reading.warningLines(shown: shown) { output.writeError(line + "\n") }
        if let warning = reading.rules.warningText, reading.problems.isEmpty {
            output.errorLine(errorPaint.warning("warning:") + " " + warning)
        }
        guard let verdict = reading.verdict(shown: shown, entityType: plan.entityType, skip: skip) else { return reading.totals }
        if reading.rules.errorCount > 0 { keepRejected(reading.rules, sessionID: session?.id ?? "", entityType: plan.entityType) }
        throw verdict.refusal(at: range)
    }
}

/// Where a push's records come from.
enum PushInput {
    case inline([FileRecord])
    case file(path: String, shown: String, format: PushFormat, renames: FieldRenames, skip: Int)
    /// Records the check pass already converted (from CSV), with their source lines.
    case spooled(path: String, shown: String, skip: Int)

    var shownPath: String? {
        switch self {
        case .inline: return nil
        case .file(_, let shown, _, _, _), .spooled(_, let shown, _): return shown
        }
    }
}

/// How records are cut into pages.
struct PushPlan {
    struct Totals {
        var records = 0
        var bytes = 0
        /// The natural keys seen, so pages sharing one are never in flight together.
        var keys = KeyCensus(entityType: "")
        /// The version of the file that was checked: the send pass is held to it.
        var version: FileVersion?
    }

    let entityType: String
    let pageSize: Int
    let pageBytes: Int
    var total = Totals()
    let prefix: [UInt8]
    /// How CSV files are read (`set csv_...`).
    var csv = CSVOptions()

    /// The readers' bounds: no record larger than a page could ever be sent.
    var limits: RecordLimits { RecordLimits(recordBytes: pageBytes) }

    init(entityType: String, pageSize: Int, pageBytes: Int) {
        self.entityType = entityType
        self.pageSize = pageSize
        self.pageBytes = pageBytes
        var head: [UInt8] = Array(#"{"entities":{"#.utf8)
        head += JSONValue.string(entityType).jsonBytes
        head += Array(":[".utf8)
        prefix = head
    }

    /// Bytes of a page around its records: the envelope and the page hint.
    var overhead: Int { prefix.count + #"]},"page_hint":"#.utf8.count + 12 }

    func body(_ records: ArraySlice<FileRecord>, hint: Int) -> [UInt8] {
        var body = prefix
        body.reserveCapacity(prefix.count + records.reduce(0) { $0 + $1.json.count + 1 } + 32)
        for (i, record) in records.enumerated() {
            if i > 0 { body.append(UInt8(ascii: ",")) }
            body += record.json
        }
        body += Array(#"]},"page_hint":\#(hint)}"#.utf8)
        return body
    }
}
